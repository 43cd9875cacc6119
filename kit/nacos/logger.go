package nacos

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nacos-group/nacos-sdk-go/v2/common/logger"

	"github.com/dtmkit/drivers/kit"
)

// loggerOnce sets nacos-sdk-go's logger, which is process-wide, once.
var (
	loggerOnce sync.Once
	theLogger  *sdkLogger // nil when the SDK logs to its own file
)

// useLogger gives nacos-sdk-go a logger before its first client, unless the
// target asks for the SDK's own log file (logDir): the SDK's default writes
// a file under the working directory, dtm's. The logger passes errors (the
// SDK logs routine events as warnings), or the target's logLevel and above,
// to the flavor's Log, redacted. A later flavor with a Log takes over.
func useLogger(t Target, f *Flavor) {
	loggerOnce.Do(func() {
		if t.LogDir != "" {
			return
		}
		theLogger = &sdkLogger{level: levelError}
		if lv, ok := levels[t.LogLevel]; ok {
			theLogger.level = lv
		}
		logger.SetLogger(theLogger)
	})
	if theLogger != nil && f != nil && f.Log != nil {
		theLogger.log.Store(&f.Log)
	}
}

// udpStart is how nacos-sdk-go announces the UDP port of a client's push
// receiver, synchronously in NewNamingClient.
const udpStart = "udp server start, port: "

// portSink receives that port while newClient holds createMu.
var (
	createMu sync.Mutex
	portSink func(int)
)

const (
	levelDebug = iota
	levelInfo
	levelWarn
	levelError
)

var levels = map[string]int{"debug": levelDebug, "info": levelInfo, "warn": levelWarn, "error": levelError}

// sdkLogger implements nacos-sdk-go's logger.Logger.
type sdkLogger struct {
	log   atomic.Pointer[func(string)]
	level int
}

func (l *sdkLogger) emit(level int, name, msg string) {
	if rest, ok := strings.CutPrefix(msg, udpStart); ok && portSink != nil {
		if p, err := strconv.Atoi(strings.TrimSpace(rest)); err == nil {
			portSink(p)
		}
	}
	log := l.log.Load()
	if log == nil || level < l.level {
		return
	}
	(*log)("nacos-sdk-go " + name + ": " + kit.Redact(strings.TrimSpace(msg)))
}

func (l *sdkLogger) Debug(args ...any) { l.emit(levelDebug, "debug", fmt.Sprint(args...)) }
func (l *sdkLogger) Info(args ...any)  { l.emit(levelInfo, "info", fmt.Sprint(args...)) }
func (l *sdkLogger) Warn(args ...any)  { l.emit(levelWarn, "warn", fmt.Sprint(args...)) }
func (l *sdkLogger) Error(args ...any) { l.emit(levelError, "error", fmt.Sprint(args...)) }
func (l *sdkLogger) Debugf(f string, args ...any) {
	l.emit(levelDebug, "debug", fmt.Sprintf(f, args...))
}
func (l *sdkLogger) Infof(f string, args ...any) { l.emit(levelInfo, "info", fmt.Sprintf(f, args...)) }
func (l *sdkLogger) Warnf(f string, args ...any) { l.emit(levelWarn, "warn", fmt.Sprintf(f, args...)) }
func (l *sdkLogger) Errorf(f string, args ...any) {
	l.emit(levelError, "error", fmt.Sprintf(f, args...))
}
func (l *sdkLogger) Close() error { return nil }

// redactErr hides any URL secret an SDK error might quote.
func redactErr(err error) error {
	if s := err.Error(); kit.Redact(s) != s {
		return errors.New(kit.Redact(s))
	}
	return err
}
