package serverproc

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"
)

// Restartable is a server that keeps its data in a directory of its own:
// it can be killed, as in a crash, and started again on that data; Close
// kills it and removes the directory.
type Restartable struct {
	name string
	dir  string
	spec func() Spec

	mu      sync.Mutex
	proc    *Process // nil while stopped
	started time.Time
	closed  bool
}

// NewRestartable prepares a server named name whose runs spec describes,
// with its data in dir. It does not start it.
func NewRestartable(name, dir string, spec func() Spec) *Restartable {
	return &Restartable{name: name, dir: dir, spec: spec}
}

// Start runs the server and waits until it serves. It fails after Close
// and while the server runs.
func (r *Restartable) Start(ctx context.Context) error {
	r.mu.Lock()
	running, closed := r.proc != nil, r.closed
	r.mu.Unlock()
	switch {
	case closed:
		return errors.New(r.name + ": start after Close")
	case running:
		return errors.New(r.name + ": start while running; Stop first")
	}
	begin := time.Now()
	p, err := Start(ctx, r.spec())
	if err != nil {
		return err
	}
	r.mu.Lock()
	r.proc, r.started = p, begin
	r.mu.Unlock()
	return nil
}

// Stop kills the server abruptly and waits for it to exit, keeping its
// data for Start. It does nothing if the server is stopped.
func (r *Restartable) Stop() {
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	if p != nil {
		p.Kill()
	}
}

// Close kills the server and removes its directory. It is safe to call
// more than once.
func (r *Restartable) Close() {
	r.Stop()
	r.mu.Lock()
	closed := r.closed
	r.closed = true
	r.mu.Unlock()
	if !closed {
		_ = os.RemoveAll(r.dir)
	}
}

// Dir is the server's data directory, removed by Close.
func (r *Restartable) Dir() string { return r.dir }

// StartedAt is when the latest run was started.
func (r *Restartable) StartedAt() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.started
}

// Output returns the end of what the running server wrote, or "" while it
// is stopped.
func (r *Restartable) Output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc == nil {
		return ""
	}
	return r.proc.Output()
}
