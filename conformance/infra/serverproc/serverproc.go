// Package serverproc runs a server binary for a test: it starts it, waits
// until it serves, keeps the end of its output for error messages, and
// kills it; the kernel kills it too if the test process dies first, so no
// server outlives its test.
package serverproc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
	"github.com/dtmkit/drivers/conformance/infra/gobin"
)

// ErrPortTaken reports that the server found a port it was given in use:
// the caller picks new ports and starts again.
var ErrPortTaken = errors.New("port already in use")

// Spec says how to run a server and how to know it serves.
type Spec struct {
	// Name names the server in errors.
	Name string
	// Bin, Args and Dir make the command.
	Bin  string
	Args []string
	Dir  string
	// Env is added to the test process' environment.
	Env []string
	// Output, when set, also receives everything the server writes.
	Output io.Writer
	// ReadyLine, when set, is a line the server prints once it serves:
	// Ready is polled only after it has appeared.
	ReadyLine string
	// Ready reports whether the server serves; it is polled until it
	// does, the process exits, or Timeout passes. nil means ReadyLine
	// alone.
	Ready func() bool
	// Timeout bounds the wait; 0 means one minute.
	Timeout time.Duration
}

// Process is one run of a server.
type Process struct {
	spec    Spec
	cmd     *exec.Cmd
	out     *output
	exited  chan struct{}
	waitErr error
	stop    sync.Once
}

// Start starts the server and waits until it serves. A server that exits
// first is reported with the end of its output, as ErrPortTaken when that
// output says a port was in use.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	if spec.Timeout <= 0 {
		spec.Timeout = time.Minute
	}
	p := &Process{spec: spec, out: &output{marker: spec.ReadyLine}, exited: make(chan struct{})}
	// Not CommandContext: the server must live past ctx, until Kill.
	p.cmd = exec.Command(spec.Bin, spec.Args...)
	p.cmd.Dir = spec.Dir
	if len(spec.Env) > 0 {
		p.cmd.Env = append(os.Environ(), spec.Env...)
	}
	var w io.Writer = p.out
	if spec.Output != nil {
		w = io.MultiWriter(p.out, spec.Output)
	}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	p.cmd.SysProcAttr = sysProcAttr()
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", spec.Name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	if err := p.waitReady(ctx); err != nil {
		p.Kill()
		return nil, err
	}
	return p, nil
}

func (p *Process) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, p.spec.Timeout)
	defer cancel()
	err := infra.WaitForContext(ctx, p.spec.Name+" serving", func() bool {
		select {
		case <-p.exited:
			return true
		default:
			return p.out.sawMarker() && (p.spec.Ready == nil || p.spec.Ready())
		}
	})
	select {
	case <-p.exited:
		out := p.out.String()
		if strings.Contains(out, "address already in use") {
			return fmt.Errorf("%s: %w", p.spec.Name, ErrPortTaken)
		}
		return fmt.Errorf("%s exited before serving (%v): %s%s", p.spec.Name, p.waitErr, notable(out), gobin.Tail(out, 2000))
	default:
	}
	if err != nil {
		return fmt.Errorf("%w: %s", err, gobin.Tail(p.out.String(), 2000))
	}
	return nil
}

// notable returns the lines of out that report a failure, the first five,
// which the end of a long output may have cut off.
func notable(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		low := strings.ToLower(l)
		if strings.Contains(low, "fatal") || strings.Contains(low, "panic") || strings.Contains(low, "error") {
			lines = append(lines, l)
			if len(lines) == 5 {
				break
			}
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n...\n"
}

// Output returns the end of what the server wrote.
func (p *Process) Output() string { return p.out.String() }

// Terminate asks the server to stop with SIGTERM and waits up to timeout for
// it to exit, then kills it. It returns how long the server took and its
// exit error (nil for a clean exit; an error too when it had to be killed).
func (p *Process) Terminate(timeout time.Duration) (time.Duration, error) {
	begin := time.Now()
	err := errors.New(p.spec.Name + " already stopped")
	p.stop.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
			err = p.waitErr
		case <-time.After(timeout):
			_ = p.cmd.Process.Kill()
			<-p.exited
			err = fmt.Errorf("%s still ran %s after SIGTERM: killed", p.spec.Name, timeout)
		}
	})
	return time.Since(begin), err
}

// Kill kills the server abruptly, as a crash would, and waits until it has
// exited. It is safe to call more than once.
func (p *Process) Kill() {
	p.stop.Do(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
}

// maxOutput bounds the output kept for error messages.
const maxOutput = 64 << 10

// output keeps the end of a server's output, and whether marker has
// appeared in it.
type output struct {
	marker string

	mu    sync.Mutex
	buf   []byte
	found bool
}

func (o *output) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, b...)
	if !o.found && o.marker != "" && strings.Contains(string(o.buf), o.marker) {
		o.found = true
	}
	if len(o.buf) > maxOutput {
		o.buf = append(o.buf[:0], o.buf[len(o.buf)-maxOutput/2:]...)
	}
	return len(b), nil
}

// sawMarker reports whether the marker has appeared (always, without one).
func (o *output) sawMarker() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.marker == "" || o.found
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}
