// Command agent is an OpAMP agent on opamp-go's official client, driven over stdin/stdout by
// Roost's interoperability tests. See the usage text in options.go.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	opts, err := ParseOptions(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "agent:", err)
		os.Exit(2)
	}
	events := NewEmitter(os.Stdout)
	agent, err := NewAgent(opts, events)
	if err != nil {
		fmt.Fprintln(os.Stderr, "agent:", err)
		os.Exit(1)
	}
	ctx := context.Background()
	if err := agent.Start(ctx); err != nil {
		events.Emit("error", Event{"source": "client", "message": "start: " + err.Error()})
		os.Exit(1)
	}

	commands := make(chan string)
	go readCommands(commands)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)

	for {
		select {
		case <-signals:
			shutdown(ctx, agent, events, "signal")
		case line, ok := <-commands:
			if !ok {
				shutdown(ctx, agent, events, "end of input")
			}
			run(ctx, agent, events, line)
		}
	}
}

// readCommands forwards stdin lines and closes the channel at end of input, so the agent
// never outlives the process that drives it.
func readCommands(out chan<- string) {
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		out <- strings.TrimSpace(scanner.Text())
	}
	close(out)
}

func run(ctx context.Context, agent *Agent, events *Emitter, line string) {
	verb, rest, _ := strings.Cut(line, " ")
	switch verb {
	case "":
	case "stop":
		shutdown(ctx, agent, events, "stop command")
	case "restart":
		if err := agent.Restart(ctx); err != nil {
			events.Emit("error", Event{"source": "client", "message": "restart: " + err.Error()})
		}
	case "drop":
		agent.Drop()
	case "health":
		state, message, _ := strings.Cut(rest, " ")
		switch state {
		case "ok":
			agent.SetHealth(true, "")
		case "fail":
			agent.SetHealth(false, message)
		default:
			events.Emit("error", Event{"source": "command", "message": "usage: health ok | health fail MESSAGE"})
		}
	default:
		events.Emit("error", Event{"source": "command", "message": fmt.Sprintf("unknown command %q", line)})
	}
}

func shutdown(ctx context.Context, agent *Agent, events *Emitter, reason string) {
	agent.Close(ctx)
	events.Emit("stopped", Event{"reason": reason})
	os.Exit(0)
}
