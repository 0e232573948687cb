package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Tap is a loopback relay between the opamp-go client and the server under test. It forwards
// every WebSocket message or HTTP exchange unchanged and reports each AgentToServer and
// ServerToAgent as a "sent" / "received" event, so tests can check sequence numbers, omitted
// fields and server flags on the wire. It also lets a test cut the WebSocket connection under
// the client ("drop"), which makes opamp-go reconnect by itself: the reconnect path of the
// protocol (continued sequence_num, unchanged fields omitted) that a fresh client never takes.
type Tap struct {
	upstream *url.URL
	events   *Emitter
	listener net.Listener
	server   *http.Server
	client   *http.Client

	mu     sync.Mutex
	nextID int
	pairs  map[int]*wsPair
}

type wsPair struct {
	agent    *websocket.Conn
	upstream *websocket.Conn
	once     sync.Once
}

func (p *wsPair) close() {
	p.once.Do(func() {
		_ = p.agent.NetConn().Close()
		_ = p.upstream.NetConn().Close()
	})
}

// forwardedHeaders are the request headers an OpAMP client sets that the server may act on.
var forwardedHeaders = []string{"Authorization", "User-Agent", "Opamp-Instance-Uid"}

// StartTap listens on an ephemeral loopback port and relays to upstream.
func StartTap(upstream *url.URL, events *Emitter) (*Tap, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &Tap{
		upstream: upstream,
		events:   events,
		listener: ln,
		pairs:    map[int]*wsPair{},
		client: &http.Client{
			Timeout: 30 * time.Second,
			// The agent sees the server's bytes and encoding exactly as sent.
			Transport:     &http.Transport{DisableCompression: true},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	t.server = &http.Server{Handler: http.HandlerFunc(t.handle), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = t.server.Serve(ln) }()
	return t, nil
}

// URL is the address the opamp-go client connects to instead of the server.
func (t *Tap) URL() string {
	u := *t.upstream
	u.Host = t.listener.Addr().String()
	return u.String()
}

// Drop cuts every open WebSocket connection without a close frame, as a network failure would.
func (t *Tap) Drop() int {
	t.mu.Lock()
	pairs := t.pairs
	t.pairs = map[int]*wsPair{}
	t.mu.Unlock()
	for _, p := range pairs {
		p.close()
	}
	return len(pairs)
}

func (t *Tap) Close() {
	t.Drop()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = t.server.Shutdown(ctx)
}

func (t *Tap) handle(w http.ResponseWriter, r *http.Request) {
	switch strings.ToLower(t.upstream.Scheme) {
	case "ws", "wss":
		t.relayWebSocket(w, r)
	default:
		t.relayHTTP(w, r)
	}
}

func (t *Tap) relayWebSocket(w http.ResponseWriter, r *http.Request) {
	header := http.Header{}
	for _, k := range forwardedHeaders {
		for _, v := range r.Header.Values(k) {
			header.Add(k, v)
		}
	}
	dialer := websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	up, resp, err := dialer.DialContext(r.Context(), t.upstream.String(), header)
	if err != nil {
		if resp != nil {
			// Mirror a refused upgrade (401, 503 + Retry-After, ...) so the client reacts to it.
			for _, k := range []string{"Retry-After", "Www-Authenticate", "Location"} {
				if v := resp.Header.Get(k); v != "" {
					w.Header().Set(k, v)
				}
			}
			t.events.Emit("upgrade_refused", Event{"status": resp.StatusCode, "retry_after": resp.Header.Get("Retry-After")})
			w.WriteHeader(resp.StatusCode)
			return
		}
		t.events.Emit("error", Event{"source": "tap", "message": err.Error()})
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	agent, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		_ = up.Close()
		return
	}
	pair := &wsPair{agent: agent, upstream: up}
	t.mu.Lock()
	t.nextID++
	id := t.nextID
	t.pairs[id] = pair
	t.mu.Unlock()

	go t.pipe(pair, id, up, agent, "received")
	t.pipe(pair, id, agent, up, "sent")
}

// pipe copies messages from one side to the other until either side fails, then closes both,
// passing a peer's close code on (e.g. 1009 from a server refusing an oversize message).
func (t *Tap) pipe(pair *wsPair, id int, from, to *websocket.Conn, direction string) {
	defer func() {
		pair.close()
		t.mu.Lock()
		delete(t.pairs, id)
		t.mu.Unlock()
	}()
	for {
		kind, data, err := from.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				t.events.Emit("ws_closed", Event{"connection": id, "by": closer(direction), "code": ce.Code, "reason": ce.Text})
				if ce.Code != websocket.CloseAbnormalClosure {
					msg := websocket.FormatCloseMessage(ce.Code, ce.Text)
					_ = to.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
				}
			}
			return
		}
		if err := to.WriteMessage(kind, data); err != nil {
			return
		}
		if kind != websocket.BinaryMessage {
			t.events.Emit("non_binary_frame", Event{"connection": id, "direction": direction, "bytes": len(data)})
			continue
		}
		t.reportFrame(id, direction, data)
	}
}

func closer(direction string) string {
	if direction == "sent" {
		return "agent"
	}
	return "server"
}

func (t *Tap) reportFrame(id int, direction string, frame []byte) {
	body, err := decodeWSPayload(frame)
	var ev Event
	switch {
	case err != nil:
		ev = Event{"decode_error": err.Error(), "bytes": len(frame)}
	case direction == "sent":
		ev = summariseAgentToServer(body)
	default:
		ev = summariseServerToAgent(body)
	}
	ev["transport"] = "ws"
	ev["connection"] = id
	t.events.Emit(direction, ev)
}
