package polarisserver

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
)

// A fresh server does not expire silent instances at once. Its health
// checks are dispatched by the hash ring of its own "polaris.checker"
// instance, which turns healthy only after the server's first self
// heartbeat; the dispatcher then suspends every checker for one expiry
// period (3×TTL of each instance). Both happen within about 15 s of start.
const (
	suspendLine = "[Health Check][MemoryCheck] suspend checker, start time "
	// settledAfter is when a server that logged no suspension is taken as
	// settled all the same.
	settledAfter = 30 * time.Second
)

// WaitHealthChecks waits until the server expires an instance that stops
// heartbeating on time: past its start-up suspension plus one expiry period
// of an instance with the given TTL. Tests of heartbeat loss call it first.
func (s *Server) WaitHealthChecks(ctx context.Context, ttl time.Duration) error {
	var settle time.Time
	return infra.WaitForContext(ctx, "polaris server health checks to start", func() bool {
		if settle.IsZero() {
			started := s.StartedAt()
			// the log spans restarts: only this run's suspension counts
			if at, ok := s.suspendedAt(); ok && !at.Before(started.Truncate(time.Second)) {
				settle = at.Add(3*ttl + time.Second)
			} else if time.Since(started) > settledAfter {
				return true
			}
		}
		return !settle.IsZero() && time.Now().After(settle)
	})
}

// suspendedAt reads when the server suspended its checkers, from its log.
func (s *Server) suspendedAt() (time.Time, bool) {
	data, err := os.ReadFile(filepath.Join(s.dir, "log", "healthcheck.log"))
	if err != nil {
		return time.Time{}, false
	}
	i := bytes.LastIndex(data, []byte(suspendLine)) // the latest run's
	if i < 0 {
		return time.Time{}, false
	}
	rest := data[i+len(suspendLine):]
	end := bytes.IndexAny(rest, "\r\n")
	if end < 0 {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(string(bytes.TrimSpace(rest[:end])), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(sec, 0), true
}
