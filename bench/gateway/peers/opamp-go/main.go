// A minimal OpAMP server on opamp-go's server package, the benchmark's Go peer
// (bench/gateway/servers/opamp-go.ts runs it). It keeps per-agent state as opamp-go's example
// server does, answers every status report, and writes no log line per message.
//
// It listens on 127.0.0.1 (an ephemeral port; Go's listen backlog is the kernel's somaxconn) and
// prints one JSON line: {"url": agents' ws:// URL, "control": base URL of the benchmark's
// endpoints}. Control endpoints, for the benchmark only:
//
//	GET  /bench/stats    {"agents": agents with a processed report, "messages": messages processed,
//	                     "cpuMicros": the process's CPU time (user + system), "rssBytes": its resident memory}
//	POST /bench/config   body: a config file; stored, and assigned to every connected agent
//	POST /bench/deliver  sends the assigned config to every agent; answers once all applied it
//	                     {"agents": n, "fanOutMs": until the last send returned}
//	POST /bench/gc       a garbage collection, memory returned to the system
//
// It exits when its standard input closes (its parent went away).
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/open-telemetry/opamp-go/protobufs"
	"github.com/open-telemetry/opamp-go/server"
	"github.com/open-telemetry/opamp-go/server/types"
)

const serverCapabilities = protobufs.ServerCapabilities_ServerCapabilities_AcceptsStatus |
	protobufs.ServerCapabilities_ServerCapabilities_OffersRemoteConfig |
	protobufs.ServerCapabilities_ServerCapabilities_AcceptsEffectiveConfig

type peer struct {
	agents   *agents
	messages atomic.Int64
	// applied counts agents that applied the config of the delivery under way.
	applied   atomic.Int64
	delivery  chan struct{}
	target    atomic.Int64
	config    *protobufs.AgentRemoteConfig
	deliverMu sync.Mutex
}

func (p *peer) onMessage(_ context.Context, conn types.Connection, msg *protobufs.AgentToServer) *protobufs.ServerToAgent {
	p.messages.Add(1)
	found, _ := p.agents.forMessage(conn, msg.InstanceUid)
	response := &protobufs.ServerToAgent{InstanceUid: msg.InstanceUid, Capabilities: uint64(serverCapabilities)}
	if found.update(msg, response) && p.applied.Add(1) == p.target.Load() {
		close(p.delivery)
	}
	return response
}

func (p *peer) stats(w http.ResponseWriter, _ *http.Request) {
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	cpu := usage.Utime.Nano()/1000 + usage.Stime.Nano()/1000
	writeJSON(w, map[string]int64{"agents": int64(p.agents.count()), "messages": p.messages.Load(), "cpuMicros": cpu, "rssBytes": residentBytes()})
}

// residentBytes is the process's resident set from /proc/self/statm (Linux); 0 elsewhere.
func residentBytes() int64 {
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(statm))
	if len(fields) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func (p *peer) setConfig(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	hash := sha256.Sum256(body)
	p.config = &protobufs.AgentRemoteConfig{
		Config:     &protobufs.AgentConfigMap{ConfigMap: map[string]*protobufs.AgentConfigFile{"": {Body: body, ContentType: "text/yaml"}}},
		ConfigHash: hash[:],
	}
	for _, found := range p.agents.all() {
		found.offer(p.config)
	}
	writeJSON(w, map[string]int{"agents": p.agents.count()})
}

func (p *peer) deliver(w http.ResponseWriter, _ *http.Request) {
	p.deliverMu.Lock()
	defer p.deliverMu.Unlock()
	if p.config == nil {
		http.Error(w, "POST /bench/config first", http.StatusConflict)
		return
	}
	targets := p.agents.all()
	p.applied.Store(0)
	p.delivery = make(chan struct{})
	p.target.Store(int64(len(targets)))
	start := time.Now()
	var sent sync.WaitGroup
	for _, found := range targets {
		sent.Add(1)
		go func() {
			defer sent.Done()
			_ = found.conn.Send(context.Background(), &protobufs.ServerToAgent{InstanceUid: []byte(found.uid), RemoteConfig: p.config})
		}()
	}
	sent.Wait()
	fanOut := time.Since(start)
	select {
	case <-p.delivery:
	case <-time.After(5 * time.Minute):
		http.Error(w, fmt.Sprintf("%d of %d agents applied the config", p.applied.Load(), len(targets)), http.StatusGatewayTimeout)
		return
	}
	writeJSON(w, map[string]float64{"agents": float64(len(targets)), "fanOutMs": float64(fanOut.Microseconds()) / 1000})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func main() {
	p := &peer{agents: newAgents(), delivery: make(chan struct{})}
	opamp := server.New(nil)
	callbacks := types.ConnectionCallbacks{
		OnMessage:         p.onMessage,
		OnConnectionClose: p.agents.remove,
	}
	handler, connContext, err := opamp.Attach(server.Settings{
		Callbacks: types.Callbacks{
			OnConnecting: func(*http.Request) types.ConnectionResponse {
				return types.ConnectionResponse{Accept: true, ConnectionCallbacks: callbacks}
			},
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/opamp", handler)
	mux.HandleFunc("GET /bench/stats", p.stats)
	mux.HandleFunc("POST /bench/config", p.setConfig)
	mux.HandleFunc("POST /bench/deliver", p.deliver)
	mux.HandleFunc("POST /bench/gc", func(w http.ResponseWriter, _ *http.Request) {
		debug.FreeOSMemory()
		writeJSON(w, map[string]bool{"ok": true})
	})
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	addr := listener.Addr().String()
	out, _ := json.Marshal(map[string]string{"url": "ws://" + addr + "/v1/opamp", "control": "http://" + addr + "/bench"})
	fmt.Println(string(out))
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	httpServer := &http.Server{Handler: mux, ConnContext: connContext}
	if err := httpServer.Serve(listener); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
