package main

import (
	"context"
	"fmt"
	"os"
)

// stderrLogger keeps opamp-go's logs off stdout, which carries only JSON events.
type stderrLogger struct{ debug bool }

func (l *stderrLogger) Debugf(_ context.Context, format string, v ...any) {
	if l.debug {
		fmt.Fprintf(os.Stderr, "debug: "+format+"\n", v...)
	}
}

func (l *stderrLogger) Errorf(_ context.Context, format string, v ...any) {
	fmt.Fprintf(os.Stderr, "error: "+format+"\n", v...)
}
