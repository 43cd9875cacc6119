package polaris

import (
	"fmt"

	"github.com/polarismesh/polaris-go/api"
	plog "github.com/polarismesh/polaris-go/pkg/log"
)

// installLoggers points polaris-go's process-wide loggers at dir, or at a
// logger that discards everything when dir is "". polaris-go's own default
// writes ./polaris/log/... in the working directory.
func installLoggers(dir string) error {
	if dir != "" {
		if err := api.ConfigLoggers(dir, api.InfoLog); err != nil {
			return fmt.Errorf(errPrefix+"log directory %s: %w", dir, err)
		}
		return nil
	}
	var q quietLogger
	plog.SetBaseLogger(q)
	plog.SetStatLogger(q)
	plog.SetStatReportLogger(q)
	plog.SetDetectLogger(q)
	plog.SetNetworkLogger(q)
	plog.SetCacheLogger(q)
	return nil
}

// quietLogger is a polaris-go logger that logs nothing.
type quietLogger struct{}

func (quietLogger) Tracef(string, ...interface{}) {}
func (quietLogger) Debugf(string, ...interface{}) {}
func (quietLogger) Infof(string, ...interface{})  {}
func (quietLogger) Warnf(string, ...interface{})  {}
func (quietLogger) Errorf(string, ...interface{}) {}
func (quietLogger) Fatalf(string, ...interface{}) {}

// IsLevelEnabled is false, so polaris-go skips formatting.
func (quietLogger) IsLevelEnabled(int) bool { return false }

func (quietLogger) SetLogLevel(int) error { return nil }
