package polarisserver

import (
	"strings"
	"sync"
)

// maxOutput bounds the server output kept for error messages.
const maxOutput = 64 << 10

// outputWatcher keeps the end of the server's output and closes ready once
// the output contains the marker.
type outputWatcher struct {
	marker string
	ready  chan struct{}

	mu    sync.Mutex
	buf   []byte
	found bool
}

func newOutputWatcher(marker string) *outputWatcher {
	return &outputWatcher{marker: marker, ready: make(chan struct{})}
}

// Write implements io.Writer.
func (w *outputWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if !w.found && strings.Contains(string(w.buf), w.marker) {
		w.found = true
		close(w.ready)
	}
	if len(w.buf) > maxOutput {
		// keep enough of the old end to match a marker split across writes
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-maxOutput/2:]...)
	}
	return len(p), nil
}

func (w *outputWatcher) tail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
