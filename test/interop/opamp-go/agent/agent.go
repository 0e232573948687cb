package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/open-telemetry/opamp-go/client"
	"github.com/open-telemetry/opamp-go/client/types"
	"github.com/open-telemetry/opamp-go/protobufs"
	"google.golang.org/protobuf/proto"
)

// Agent owns one opamp-go client at a time. State that a real agent would persist on disk
// (instance uid, last remote config status, effective config) lives here and survives
// "restart", which replaces the client the way a restarted agent process would.
type Agent struct {
	opts   Options
	events *Emitter
	logger types.Logger
	target string // URL the client dials: the tap's, or the server's when the tap is off
	tap    *Tap

	mu         sync.Mutex
	client     client.OpAMPClient
	generation int
	uid        uuid.UUID
	lastStatus *protobufs.RemoteConfigStatus
	effective  *protobufs.AgentConfigMap
	health     *protobufs.ComponentHealth
	linkUp     bool
	// The OpAMP server settings in use: the command line's, then an offer's.
	headers http.Header
}

func NewAgent(opts Options, events *Emitter) (*Agent, error) {
	a := &Agent{
		opts:   opts,
		events: events,
		logger: &stderrLogger{debug: opts.Debug},
		target: opts.ServerURL.String(),
		uid:    opts.InstanceUid,
		effective: &protobufs.AgentConfigMap{ConfigMap: map[string]*protobufs.AgentConfigFile{
			"": {Body: []byte(opts.LocalConfig), ContentType: "text/yaml"},
		}},
		health:  &protobufs.ComponentHealth{Healthy: true, StartTimeUnixNano: uint64(time.Now().UnixNano()), Status: "ok"},
		headers: http.Header{},
	}
	for _, kv := range opts.Headers {
		a.headers.Add(kv[0], kv[1])
	}
	if opts.Tap {
		tap, err := StartTap(opts.ServerURL, events)
		if err != nil {
			return nil, fmt.Errorf("start wire tap: %w", err)
		}
		a.tap = tap
		a.target = tap.URL()
	}
	return a, nil
}

// Start creates and starts a new client with the agent's current uid and persisted status.
// The agent's mutex is not held across c.Start: opamp-go calls GetEffectiveConfig from it.
func (a *Agent) Start(ctx context.Context) error {
	a.mu.Lock()
	a.generation++
	gen := a.generation
	uid := a.uid
	health := proto.Clone(a.health).(*protobufs.ComponentHealth)
	var lastStatus *protobufs.RemoteConfigStatus
	if a.lastStatus != nil {
		lastStatus = proto.Clone(a.lastStatus).(*protobufs.RemoteConfigStatus)
	}
	a.linkUp = false
	target := a.target
	headers := a.headers.Clone()
	a.mu.Unlock()

	c := a.newClient()
	if err := c.SetAgentDescription(describe(a.opts)); err != nil {
		return err
	}
	// Health first: opamp-go refuses the ReportsHealth capability while it has no health.
	if a.opts.ReportsHealth {
		if err := c.SetHealth(health); err != nil {
			return err
		}
	}
	caps := a.opts.Capabilities()
	if err := c.SetCapabilities(&caps); err != nil {
		return err
	}
	if a.opts.RequestInstanceUid && gen == 1 {
		c.SetFlags(protobufs.AgentToServerFlags_AgentToServerFlags_RequestInstanceUid)
	}
	settings := types.StartSettings{
		OpAMPServerURL: target,
		Header:         headers,
		InstanceUid:    types.InstanceUid(uid),
		Callbacks:      a.callbacks(c, gen),
		// nil (no config yet) makes opamp-go report UNSET, which asks the server for config.
		RemoteConfigStatus: lastStatus,
	}
	if a.opts.ReportsHeartbeat {
		hb := a.opts.Heartbeat
		settings.HeartbeatInterval = &hb
	} else if p, ok := c.(interface{ SetPollingInterval(time.Duration) }); ok {
		p.SetPollingInterval(a.opts.Heartbeat)
	}
	tlsConfig, err := a.opts.TLSConfig()
	if err != nil {
		return err
	}
	settings.TLSConfig = tlsConfig
	if err := c.Start(ctx, settings); err != nil {
		return err
	}
	a.mu.Lock()
	a.client = c
	a.mu.Unlock()
	a.events.Emit("started", Event{
		"uid": uid.String(), "transport": a.opts.Transport(), "server": a.opts.ServerURL.String(),
		"via": a.target, "generation": gen, "capabilities": uint64(caps),
		"remote_config_status": statusEvent(lastStatus),
	})
	return nil
}

func (a *Agent) newClient() client.OpAMPClient {
	if a.opts.Transport() == "ws" {
		return client.NewWebSocket(a.logger)
	}
	return client.NewHTTP(a.logger)
}

// StopClient stops the current client; a WebSocket client sends agent_disconnect first.
func (a *Agent) StopClient(ctx context.Context) error {
	a.mu.Lock()
	c := a.client
	a.client = nil
	a.mu.Unlock()
	if c == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	err := c.Stop(ctx)
	a.events.Emit("client_stopped", Event{"uid": a.currentUid()})
	return err
}

// Restart replaces the client with a new one carrying the same uid and the last remote config
// status, as an agent process restarting with persisted state does.
func (a *Agent) Restart(ctx context.Context) error {
	if err := a.StopClient(ctx); err != nil {
		a.events.Emit("error", Event{"source": "client", "message": "stop: " + err.Error()})
	}
	return a.Start(ctx)
}

// Drop cuts the WebSocket under the client; opamp-go then reconnects on its own.
func (a *Agent) Drop() {
	if a.tap == nil {
		a.events.Emit("error", Event{"source": "command", "message": "drop needs the wire tap (--tap)"})
		return
	}
	a.events.Emit("dropped", Event{"connections": a.tap.Drop()})
}

func (a *Agent) SetHealth(healthy bool, lastError string) {
	a.mu.Lock()
	a.health = &protobufs.ComponentHealth{
		Healthy: healthy, LastError: lastError, StartTimeUnixNano: a.health.StartTimeUnixNano,
		Status: map[bool]string{true: "ok", false: "failed"}[healthy], StatusTimeUnixNano: uint64(time.Now().UnixNano()),
	}
	h := proto.Clone(a.health).(*protobufs.ComponentHealth)
	c := a.client
	a.mu.Unlock()
	if c == nil || !a.opts.ReportsHealth {
		a.events.Emit("error", Event{"source": "command", "message": "health is not reported (no client or --reports-health=false)"})
		return
	}
	if err := c.SetHealth(h); err != nil {
		a.events.Emit("error", Event{"source": "client", "message": err.Error()})
		return
	}
	a.events.Emit("health_set", Event{"healthy": healthy, "last_error": lastError})
}

func (a *Agent) Close(ctx context.Context) {
	if err := a.StopClient(ctx); err != nil {
		a.events.Emit("error", Event{"source": "client", "message": "stop: " + err.Error()})
	}
	if a.tap != nil {
		a.tap.Close()
	}
}

func (a *Agent) currentUid() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.uid.String()
}

func (a *Agent) callbacks(c client.OpAMPClient, gen int) types.Callbacks {
	return types.Callbacks{
		OnConnect: func(context.Context) { a.onConnect(gen) },
		OnConnectFailed: func(_ context.Context, err error) {
			a.mu.Lock()
			a.linkUp = false
			a.mu.Unlock()
			a.events.Emit("connect_failed", Event{"generation": gen, "message": err.Error()})
		},
		OnError: func(_ context.Context, er *protobufs.ServerErrorResponse) {
			a.events.Emit("error", Event{"source": "server", "type": er.Type.String(), "message": er.ErrorMessage})
		},
		OnMessage: func(ctx context.Context, msg *types.MessageData) { a.onMessage(ctx, c, msg) },
		OnOpampConnectionSettings: func(_ context.Context, settings *protobufs.OpAMPConnectionSettings) error {
			return a.onOpampConnectionSettings(settings)
		},
		GetEffectiveConfig: func(context.Context) (*protobufs.EffectiveConfig, error) {
			a.mu.Lock()
			defer a.mu.Unlock()
			return &protobufs.EffectiveConfig{ConfigMap: proto.Clone(a.effective).(*protobufs.AgentConfigMap)}, nil
		},
	}
}

// onConnect reports each WebSocket connection; an HTTP client "connects" on every successful
// poll, so only the first success after start or after a failure is reported.
func (a *Agent) onConnect(gen int) {
	a.mu.Lock()
	wasUp := a.linkUp
	a.linkUp = true
	uid := a.uid.String()
	a.mu.Unlock()
	if a.opts.Transport() == "http" && wasUp {
		return
	}
	a.events.Emit("connected", Event{"generation": gen, "uid": uid, "transport": a.opts.Transport()})
}

func (a *Agent) onMessage(ctx context.Context, c client.OpAMPClient, msg *types.MessageData) {
	if id := msg.AgentIdentification; id != nil {
		a.mu.Lock()
		previous := a.uid
		a.uid = uuid.UUID(id.NewInstanceUid)
		a.mu.Unlock()
		a.events.Emit("new_instance_uid", Event{"uid": uuid.UUID(id.NewInstanceUid).String(), "previous": previous.String()})
	}
	if msg.RemoteConfig != nil {
		a.applyRemoteConfig(ctx, c, msg.RemoteConfig)
	}
}

// applyRemoteConfig rejects a config whose body contains the reject marker (FAILED with a
// message) and otherwise adopts it as the effective config (APPLIED). It never dedupes by
// hash: every offer the server makes is reported, so tests can see a re-send.
func (a *Agent) applyRemoteConfig(ctx context.Context, c client.OpAMPClient, rc *protobufs.AgentRemoteConfig) {
	bodyLen, rejected := 0, false
	keys := []string{}
	for name, file := range rc.GetConfig().GetConfigMap() {
		keys = append(keys, name)
		bodyLen += len(file.Body)
		if a.opts.RejectMarker != "" && strings.Contains(string(file.Body), a.opts.RejectMarker) {
			rejected = true
		}
	}
	a.events.Emit("remote_config_received", Event{"hash": hex.EncodeToString(rc.ConfigHash), "body_length": bodyLen, "keys": keys})

	status := &protobufs.RemoteConfigStatus{LastRemoteConfigHash: rc.ConfigHash}
	if rejected {
		status.Status = protobufs.RemoteConfigStatuses_RemoteConfigStatuses_FAILED
		status.ErrorMessage = fmt.Sprintf("config rejected: body contains %q", a.opts.RejectMarker)
	} else {
		status.Status = protobufs.RemoteConfigStatuses_RemoteConfigStatuses_APPLIED
	}
	a.mu.Lock()
	a.lastStatus = status
	if !rejected {
		a.effective = proto.Clone(rc.GetConfig()).(*protobufs.AgentConfigMap)
	}
	a.mu.Unlock()

	reported := a.opts.ReportsRemoteConfig
	if reported {
		if err := c.SetRemoteConfigStatus(proto.Clone(status).(*protobufs.RemoteConfigStatus)); err != nil {
			a.events.Emit("error", Event{"source": "client", "message": err.Error()})
			reported = false
		}
	}
	if !rejected && a.opts.ReportsEffectiveConfig {
		if err := c.UpdateEffectiveConfig(ctx); err != nil {
			a.events.Emit("error", Event{"source": "client", "message": err.Error()})
		}
	}
	ev := statusEvent(status)
	ev["reported"] = reported
	a.events.Emit("status_reported", ev)
}

// onOpampConnectionSettings takes an offer of new OpAMP server settings as the collector's
// supervisor does (a new endpoint, headers replacing the old ones) and reconnects with them.
// The reconnect runs apart: the client cannot be stopped from its own callback.
func (a *Agent) onOpampConnectionSettings(settings *protobufs.OpAMPConnectionSettings) error {
	if settings.GetDestinationEndpoint() == "" {
		return fmt.Errorf("offered OpAMP settings have no destination endpoint")
	}
	headers := http.Header{}
	shown := map[string]string{}
	for _, h := range settings.GetHeaders().GetHeaders() {
		headers.Add(h.Key, h.Value)
		shown[h.Key] = h.Value
	}
	a.events.Emit("opamp_connection_settings", Event{
		"endpoint": settings.GetDestinationEndpoint(), "headers": shown,
		"heartbeat_seconds": settings.GetHeartbeatIntervalSeconds(), "has_ca_cert": len(settings.GetCertificate().GetCaCert()) > 0,
	})
	a.mu.Lock()
	a.headers = headers
	if settings.GetDestinationEndpoint() != a.opts.ServerURL.String() {
		a.target = settings.GetDestinationEndpoint()
	}
	a.mu.Unlock()
	go func() {
		if err := a.Restart(context.Background()); err != nil {
			a.events.Emit("error", Event{"source": "client", "message": "reconnect with offered settings: " + err.Error()})
		}
	}()
	return nil
}

func statusEvent(s *protobufs.RemoteConfigStatus) Event {
	if s == nil {
		return nil
	}
	return Event{"hash": hex.EncodeToString(s.LastRemoteConfigHash), "status": statusName(s.Status), "error_message": s.ErrorMessage}
}

// statusName is the RemoteConfigStatuses value without its enum prefix: APPLIED, FAILED, ...
func statusName(s protobufs.RemoteConfigStatuses) string {
	return strings.TrimPrefix(s.String(), "RemoteConfigStatuses_")
}
