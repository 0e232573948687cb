package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
)

// hopHeaders are connection-scoped and never forwarded by a relay.
var hopHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Transfer-Encoding": true, "Upgrade": true,
	"Te": true, "Trailer": true, "Proxy-Connection": true, "Content-Length": true,
}

// relayHTTP forwards one plain-HTTP OpAMP exchange byte for byte and reports both messages.
func (t *Tap) relayHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := http.NewRequestWithContext(r.Context(), r.Method, t.upstream.String(), bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	copyHeaders(req.Header, r.Header)
	t.reportHTTP("sent", r.Header.Get("Content-Encoding"), body, summariseAgentToServer)

	resp, err := t.client.Do(req)
	if err != nil {
		t.events.Emit("error", Event{"source": "tap", "message": err.Error()})
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if resp.StatusCode == http.StatusOK {
		t.reportHTTP("received", resp.Header.Get("Content-Encoding"), respBody, summariseServerToAgent)
	} else {
		t.events.Emit("http_status", Event{"status": resp.StatusCode, "retry_after": resp.Header.Get("Retry-After")})
	}
	copyHeaders(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(respBody)
}

func copyHeaders(dst, src http.Header) {
	for k, vs := range src {
		if hopHeaders[http.CanonicalHeaderKey(k)] {
			continue
		}
		for _, v := range vs {
			dst.Add(k, v)
		}
	}
}

func (t *Tap) reportHTTP(direction, encoding string, body []byte, summarise func([]byte) Event) {
	plain := body
	if encoding == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			plain, err = io.ReadAll(zr)
		}
		if err != nil {
			t.events.Emit(direction, Event{"transport": "http", "decode_error": err.Error()})
			return
		}
	}
	ev := summarise(plain)
	ev["transport"] = "http"
	ev["content_encoding"] = encoding
	t.events.Emit(direction, ev)
}
