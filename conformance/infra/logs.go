package infra

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/dtm-labs/logger"
	"github.com/dtmkit/drivers/kit"
)

// Logs captures everything dtm logs (dtm's logger is global), keeps it for
// inspection, and echoes it to an optional writer. dtm logs every request
// it serves, branch URLs and their credentials included, so Logs redacts
// dtm's lines with kit.Redact as a dtm server must before they reach a log.
type Logs struct {
	mu    sync.Mutex
	buf   strings.Builder
	echo  io.Writer
	debug bool
}

// CaptureDtmLogs installs a Logs as dtm's logger. echo may be nil for
// silence. Debug lines, one per branch call, are kept only when debug is set.
func CaptureDtmLogs(echo io.Writer, debug bool) *Logs {
	l := &Logs{echo: echo, debug: debug}
	logger.WithLogger(l)
	return l
}

// String returns everything logged so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Write records p as it is, unredacted; it lets other loggers (go-zero,
// kratos, polaris) share the capture.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if l.echo != nil {
		_, _ = l.echo.Write(p)
	}
	return len(p), nil
}

func (l *Logs) logf(level, format string, args []any) {
	_, _ = fmt.Fprintf(l, "dtm %s %s\n", level, kit.Redact(fmt.Sprintf(format, args...)))
}

// Debugf implements dtm's logger.Logger.
func (l *Logs) Debugf(format string, args ...any) {
	l.mu.Lock()
	debug := l.debug
	l.mu.Unlock()
	if debug {
		l.logf("DEBUG", format, args)
	}
}

// Infof implements dtm's logger.Logger.
func (l *Logs) Infof(format string, args ...any) { l.logf("INFO", format, args) }

// Warnf implements dtm's logger.Logger.
func (l *Logs) Warnf(format string, args ...any) { l.logf("WARN", format, args) }

// Errorf implements dtm's logger.Logger.
func (l *Logs) Errorf(format string, args ...any) { l.logf("ERROR", format, args) }

// SetDebug turns the keeping of debug lines on or off.
func (l *Logs) SetDebug(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.debug = on
}
