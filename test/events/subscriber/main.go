// A subscriber to Roost's events written the way another team would write one, from
// docs/events.md and the published JSON Schemas only: it follows a rollout from its first event
// to its terminal one through a durable JetStream consumer (explicit acks, ack wait, max
// deliver), then reads FLEET_EVENTS and AUDIT, and checks every message — its body against the
// schema of its type and version, its CloudEvents headers against the schema index. It prints one
// JSON summary on stdout and exits 1 when anything did not hold.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

type options struct {
	natsURL      string
	schemaDir    string
	durable      string
	fromSequence uint64
	timeout      time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.natsURL, "nats", nats.DefaultURL, "NATS server URL")
	flag.StringVar(&o.schemaDir, "schemas", "docs/events/schemas", "directory of the published event schemas (index.json)")
	flag.StringVar(&o.durable, "durable", "events-subscriber", "durable consumer name on ROLLOUT_EVENTS")
	flag.Uint64Var(&o.fromSequence, "from-sequence", 0, "stream sequence a new durable consumer starts at (0: the beginning)")
	flag.DurationVar(&o.timeout, "timeout", 2*time.Minute, "give up after this long")
	flag.Parse()

	summary, err := run(o)
	if err != nil {
		summary.Errors = append(summary.Errors, err.Error())
	}
	out, _ := json.MarshalIndent(summary, "", "  ")
	fmt.Println(string(out))
	if len(summary.Errors) > 0 {
		os.Exit(1)
	}
}

func run(o options) (*summary, error) {
	s := newSummary()
	catalog, err := loadCatalog(o.schemaDir)
	if err != nil {
		return s, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	nc, err := nats.Connect(o.natsURL, nats.Name("roost-events-subscriber"))
	if err != nil {
		return s, fmt.Errorf("connect %s: %w", o.natsURL, err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return s, err
	}
	check := checker{catalog: catalog, summary: s}
	if err := followRollout(ctx, js, o, &check); err != nil {
		return s, err
	}
	for _, stream := range []string{"FLEET_EVENTS", "AUDIT"} {
		if err := readStream(ctx, js, stream, &check); err != nil {
			return s, err
		}
	}
	return s, nil
}
