package main

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// Event is one line of the agent's stdout protocol: a JSON object whose "event" field names
// what happened. Drivers parse stdout line by line; nothing else is ever written to stdout.
type Event map[string]any

// Emitter writes events as JSON lines. Safe for concurrent use: opamp-go calls back from its
// own goroutines and the wire tap reports from per-connection goroutines.
type Emitter struct {
	mu  sync.Mutex
	out io.Writer
}

func NewEmitter(out io.Writer) *Emitter {
	return &Emitter{out: out}
}

func (e *Emitter) Emit(name string, fields Event) {
	line := Event{"event": name, "ts": time.Now().UnixMilli()}
	for k, v := range fields {
		line[k] = v
	}
	data, err := json.Marshal(line)
	if err != nil {
		data, _ = json.Marshal(Event{"event": "error", "source": "emitter", "message": err.Error()})
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, _ = e.out.Write(append(data, '\n'))
}
