package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// The terminal rollout events of docs/events.md: after one, only late reports follow.
var terminal = map[string]bool{"RolloutCompleted": true, "RolloutRolledBack": true, "RolloutAborted": true, "RolloutFailed": true}

type rolloutSeen struct {
	Events   int      `json:"events"`
	Types    []string `json:"types"`
	Terminal string   `json:"terminal"`
	next     int
}

type summary struct {
	// The first rollout seen starting, followed to its end.
	Followed  string                  `json:"followed"`
	Rollouts  map[string]*rolloutSeen `json:"rollouts"`
	Validated map[string]int          `json:"validated"`
	// CloudEvents type of each message read, counted.
	CETypes map[string]int `json:"ceTypes"`
	// Types this subscriber does not know: skipped, as docs/events.md says.
	Skipped int      `json:"skipped"`
	Errors  []string `json:"errors"`
}

func newSummary() *summary {
	return &summary{Rollouts: map[string]*rolloutSeen{}, Validated: map[string]int{}, CETypes: map[string]int{}, Errors: []string{}}
}

func (s *summary) followedEnded() bool {
	seen := s.Rollouts[s.Followed]
	return seen != nil && seen.Terminal != ""
}

type checker struct {
	catalog *catalog
	summary *summary
}

type envelope struct {
	Type          string `json:"type"`
	SchemaVersion int    `json:"schemaVersion"`
	ID            string `json:"id"`
	RolloutID     string `json:"rolloutId"`
	At            int64  `json:"at"`
}

func (c *checker) fail(msg jetstream.Msg, format string, args ...any) {
	c.summary.Errors = append(c.summary.Errors, fmt.Sprintf("%s: %s", msg.Subject(), fmt.Sprintf(format, args...)))
}

// message checks one message of a family's stream: body against its schema, headers against the index.
func (c *checker) message(family string, msg jetstream.Msg) {
	var event envelope
	if err := json.Unmarshal(msg.Data(), &event); err != nil {
		c.fail(msg, "not a JSON event: %v", err)
		return
	}
	entry := c.catalog.entry(family, event.Type, event.SchemaVersion)
	if entry == nil {
		// A type (or major version) this subscriber does not know: a newer Roost's. Skip it.
		c.summary.Skipped++
		return
	}
	if err := entry.validate(msg.Data()); err != nil {
		c.fail(msg, "%s v%d does not match its schema: %v", event.Type, event.SchemaVersion, err)
		return
	}
	c.summary.Validated[family]++
	c.headers(msg, entry, event)
	if family == "rollout" {
		c.rollout(msg, event)
	}
}

func header(msg jetstream.Msg, name string) string {
	for key, values := range msg.Headers() {
		if strings.EqualFold(key, name) && len(values) > 0 {
			return values[0]
		}
	}
	return ""
}

func (c *checker) headers(msg jetstream.Msg, entry *catalogEntry, event envelope) {
	c.summary.CETypes[header(msg, "ce-type")]++
	want := map[string]string{
		"ce-specversion": "1.0",
		"ce-type":        entry.CEType,
		"ce-dataschema":  entry.DataSchema,
		"ce-id":          event.ID,
		"content-type":   "application/json",
	}
	for name, value := range want {
		if got := header(msg, name); got != value {
			c.fail(msg, "header %s is %q, want %q", name, got, value)
		}
	}
	if source := header(msg, "ce-source"); !strings.HasPrefix(source, "/roost/") {
		c.fail(msg, "header ce-source is %q, want /roost/<publisher>", source)
	}
	at, err := time.Parse(time.RFC3339Nano, header(msg, "ce-time"))
	if err != nil || at.UnixMilli() != event.At {
		c.fail(msg, "header ce-time is %q, want the event's at (%d ms) as RFC 3339", header(msg, "ce-time"), event.At)
	}
}

// rollout checks the numbering docs/events.md promises: ids <rolloutId>/1, /2, ... without gaps
// (from the first event read of a rollout: a resumed consumer starts where it left off).
func (c *checker) rollout(msg jetstream.Msg, event envelope) {
	n, err := strconv.Atoi(strings.TrimPrefix(event.ID, event.RolloutID+"/"))
	if err != nil || n < 1 {
		c.fail(msg, "event id %q is not %s/<n>", event.ID, event.RolloutID)
		return
	}
	seen := c.summary.Rollouts[event.RolloutID]
	if seen == nil {
		seen = &rolloutSeen{Types: []string{}, next: n}
		c.summary.Rollouts[event.RolloutID] = seen
	}
	if c.summary.Followed == "" && event.Type == "RolloutStarted" {
		c.summary.Followed = event.RolloutID
	}
	if n != seen.next {
		c.fail(msg, "event id %q, want %s/%d (a gap or a duplicate)", event.ID, event.RolloutID, seen.next)
	}
	seen.next = n + 1
	if msg.Subject() != "rollout.events."+event.RolloutID {
		c.fail(msg, "rollout %s published on %s", event.RolloutID, msg.Subject())
	}
	seen.Events++
	seen.Types = append(seen.Types, event.Type)
	if terminal[event.Type] && seen.Terminal == "" {
		seen.Terminal = event.Type
	}
}
