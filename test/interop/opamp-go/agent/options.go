package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/open-telemetry/opamp-go/protobufs"
)

// Options is the agent's command line.
type Options struct {
	ServerURL              *url.URL
	InstanceUid            uuid.UUID
	AcceptsRemoteConfig    bool
	ReportsRemoteConfig    bool
	ReportsEffectiveConfig bool
	ReportsHealth          bool
	ReportsHeartbeat       bool
	Heartbeat              time.Duration
	RejectMarker           string
	RequestInstanceUid     bool
	Labels                 keyValues
	Attributes             keyValues
	LocalConfig            string
	Tap                    bool
	Debug                  bool
	// PEM files: the CA the server's certificate must chain to, and the client's own
	// certificate and key (mTLS). Empty: the system's roots and no client certificate.
	CAFile   string
	CertFile string
	KeyFile  string
	// Headers sent on every connection (e.g. Authorization: Bearer <token>).
	Headers keyValues
	// AcceptsOpAMPConnectionSettings: advertise the capability and take an offer as the
	// collector's supervisor does: reconnect with the offered endpoint and headers.
	AcceptsOpAMPConnectionSettings bool
}

// Transport is "ws" or "http", chosen by the server URL's scheme as opamp-go's users do.
func (o Options) Transport() string {
	switch o.ServerURL.Scheme {
	case "ws", "wss":
		return "ws"
	default:
		return "http"
	}
}

func (o Options) Capabilities() protobufs.AgentCapabilities {
	caps := protobufs.AgentCapabilities_AgentCapabilities_ReportsStatus
	set := func(on bool, bit protobufs.AgentCapabilities) {
		if on {
			caps |= bit
		}
	}
	set(o.AcceptsRemoteConfig, protobufs.AgentCapabilities_AgentCapabilities_AcceptsRemoteConfig)
	set(o.ReportsRemoteConfig, protobufs.AgentCapabilities_AgentCapabilities_ReportsRemoteConfig)
	set(o.ReportsEffectiveConfig, protobufs.AgentCapabilities_AgentCapabilities_ReportsEffectiveConfig)
	set(o.ReportsHealth, protobufs.AgentCapabilities_AgentCapabilities_ReportsHealth)
	set(o.ReportsHeartbeat, protobufs.AgentCapabilities_AgentCapabilities_ReportsHeartbeat)
	set(o.AcceptsOpAMPConnectionSettings, protobufs.AgentCapabilities_AgentCapabilities_AcceptsOpAMPConnectionSettings)
	return caps
}

// keyValues is a repeatable key=value flag, kept in command-line order.
type keyValues [][2]string

func (kv *keyValues) String() string {
	parts := make([]string, 0, len(*kv))
	for _, p := range *kv {
		parts = append(parts, p[0]+"="+p[1])
	}
	return strings.Join(parts, ",")
}

func (kv *keyValues) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", s)
	}
	*kv = append(*kv, [2]string{k, v})
	return nil
}

const usageHeader = `opamp-go interop agent: an OpAMP agent built on github.com/open-telemetry/opamp-go's
official client, for Roost's interoperability tests.

It prints one JSON object per line on stdout for each notable event: started, connected,
connect_failed, remote_config_received {hash, body_length}, status_reported {hash, status},
new_instance_uid, health_set, opamp_connection_settings {endpoint, headers, heartbeat_seconds,
has_ca_cert}, dropped, client_stopped, stopped, error; with the wire tap on,
also sent / received {seq, flags, fields, ...} for every OpAMP message in either direction.
Logs go to stderr.

Commands on stdin, one per line:
  stop                 stop gracefully and exit (also on end of input, SIGINT, SIGTERM)
  restart              stop the client, start a new one with the same uid and the last
                       remote config status (an agent process restarting with saved state)
  drop                 cut the WebSocket under the client (needs --tap); opamp-go reconnects
                       by itself with continued sequence numbers and omitted fields
  health ok            report healthy
  health fail MESSAGE  report unhealthy with MESSAGE as last_error

Flags:
`

// ParseOptions parses args; it returns flag.ErrHelp after printing help for -h/--help.
func ParseOptions(args []string, stderr io.Writer) (Options, error) {
	fs := flag.NewFlagSet("agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHeader)
		fs.PrintDefaults()
	}
	var o Options
	server := fs.String("server", "ws://127.0.0.1:4320/v1/opamp", "OpAMP server URL; ws:// or wss:// selects the WebSocket client, http:// or https:// the plain-HTTP client")
	uid := fs.String("instance-uid", "", "instance uid as UUID text (default: a new UUIDv7)")
	fs.BoolVar(&o.AcceptsRemoteConfig, "accepts-remote-config", true, "advertise AcceptsRemoteConfig")
	fs.BoolVar(&o.ReportsRemoteConfig, "reports-remote-config", true, "advertise ReportsRemoteConfig and report remote config status")
	fs.BoolVar(&o.ReportsEffectiveConfig, "reports-effective-config", true, "advertise ReportsEffectiveConfig and report the effective config")
	fs.BoolVar(&o.ReportsHealth, "reports-health", true, "advertise ReportsHealth and report health")
	fs.BoolVar(&o.ReportsHeartbeat, "reports-heartbeat", true, "advertise ReportsHeartbeat")
	fs.DurationVar(&o.Heartbeat, "heartbeat", 30*time.Second, "heartbeat interval (WebSocket; 0 disables) or polling interval (HTTP; must be > 0)")
	fs.StringVar(&o.RejectMarker, "reject-marker", "", "a remote config whose body contains this string is reported FAILED")
	fs.BoolVar(&o.RequestInstanceUid, "request-instance-uid", false, "set the RequestInstanceUid flag in the first message and adopt the uid the server assigns")
	fs.Var(&o.Labels, "label", "identifying attribute key=value, repeatable (e.g. service.environment=prod)")
	fs.Var(&o.Attributes, "attr", "non-identifying attribute key=value, repeatable")
	fs.StringVar(&o.LocalConfig, "local-config", "receivers: {}\n", "body of the effective config before any remote config is applied")
	fs.BoolVar(&o.Tap, "tap", true, "relay through a loopback wire tap that reports every message and enables drop")
	fs.BoolVar(&o.Debug, "debug", false, "log opamp-go debug messages to stderr")
	fs.StringVar(&o.CAFile, "ca-file", "", "PEM CA that the server's certificate must chain to (wss://, https://)")
	fs.StringVar(&o.CertFile, "cert-file", "", "PEM client certificate presented to the server (mTLS); with --key-file")
	fs.StringVar(&o.KeyFile, "key-file", "", "PEM key of --cert-file")
	fs.Var(&o.Headers, "header", "request header key=value sent on every connection, repeatable (e.g. Authorization=Bearer roost_et_...)")
	fs.BoolVar(&o.AcceptsOpAMPConnectionSettings, "accepts-opamp-connection-settings", false, "advertise AcceptsOpAMPConnectionSettings and reconnect with offered endpoint and headers, as the collector supervisor does")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	u, err := url.Parse(*server)
	if err != nil || u.Host == "" {
		return o, fmt.Errorf("--server: not a URL: %q", *server)
	}
	switch u.Scheme {
	case "ws", "wss", "http", "https":
	default:
		return o, fmt.Errorf("--server: scheme must be ws, wss, http or https, got %q", u.Scheme)
	}
	o.ServerURL = u
	if *uid == "" {
		o.InstanceUid, err = uuid.NewV7()
	} else {
		o.InstanceUid, err = uuid.Parse(*uid)
	}
	if err != nil {
		return o, fmt.Errorf("--instance-uid: %w", err)
	}
	if o.Transport() == "http" && o.Heartbeat <= 0 {
		return o, errors.New("--heartbeat: the HTTP client polls at this interval, it must be > 0")
	}
	if o.Heartbeat < 0 {
		return o, errors.New("--heartbeat: must not be negative")
	}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return o, errors.New("--cert-file and --key-file go together")
	}
	if o.Tap && (o.CAFile != "" || o.CertFile != "") {
		return o, errors.New("--ca-file, --cert-file: the wire tap speaks plain text; use --tap=false")
	}
	return o, nil
}

// describe builds the AgentDescription: service.name plus the --label pairs as identifying
// attributes, host facts plus the --attr pairs as non-identifying ones.
func describe(o Options) *protobufs.AgentDescription {
	hostname, _ := os.Hostname()
	identifying := keyValues{{"service.name", "roost-interop-agent"}, {"service.version", "opamp-go-v0.23.0"}}
	nonIdentifying := keyValues{{"os.type", runtime.GOOS}, {"host.arch", runtime.GOARCH}, {"host.name", hostname}}
	return &protobufs.AgentDescription{
		IdentifyingAttributes:    toKeyValues(merge(identifying, o.Labels)),
		NonIdentifyingAttributes: toKeyValues(merge(nonIdentifying, o.Attributes)),
	}
}

// merge returns base with overrides applied: a key given again replaces the earlier value.
func merge(base, overrides keyValues) keyValues {
	out := keyValues{}
	index := map[string]int{}
	for _, kv := range append(append(keyValues{}, base...), overrides...) {
		if i, ok := index[kv[0]]; ok {
			out[i] = kv
			continue
		}
		index[kv[0]] = len(out)
		out = append(out, kv)
	}
	return out
}

func toKeyValues(kvs keyValues) []*protobufs.KeyValue {
	out := make([]*protobufs.KeyValue, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, &protobufs.KeyValue{
			Key:   kv[0],
			Value: &protobufs.AnyValue{Value: &protobufs.AnyValue_StringValue{StringValue: kv[1]}},
		})
	}
	return out
}
