package infra

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtm-labs/dtm/dtmsvr"
	"github.com/dtm-labs/dtm/dtmsvr/config"
	"github.com/dtm-labs/dtm/dtmsvr/storage/registry"
	"github.com/dtm-labs/dtmdriver"
	"github.com/dtm-labs/logger"
)

// DtmOptions configures StartDtm.
type DtmOptions struct {
	// Driver is MicroService.Driver, the dtm driver name to use.
	Driver string
	// Registration returns MicroService.Target and EndPoint given the
	// address dtm's gRPC server will listen on.
	Registration func(grpcAddr string) (target, endpoint string)
	// RetryInterval is dtm's base retry interval in seconds; 0 means 1, so
	// tests of failures do not wait dtm's default 10 s.
	RetryInterval int64
	// Dir holds dtm.bolt; "" means a new temporary directory, which
	// RemoveDtmData removes (Main does, when the tests end).
	Dir string
}

// Dtm is the dtm server running in this process.
type Dtm struct {
	// GrpcAddr and HTTPAddr are where dtm listens, "127.0.0.1:port".
	GrpcAddr, HTTPAddr string
	// Dir holds the boltdb store.
	Dir string
}

var (
	dtmOnce    sync.Once
	dtmRunning *Dtm
	dtmErr     error
	// dtmOwnDir is the data directory StartDtm created, for RemoveDtmData.
	dtmOwnDir string
)

// dtmEnv are the environment variables that would override the harness'
// configuration (dtm reads every config field from the environment).
var dtmEnv = []string{
	"STORE_DRIVER", "STORE_HOST", "STORE_PORT", "LOG_LEVEL", "LOG_OUTPUTS",
	"MICRO_SERVICE_DRIVER", "MICRO_SERVICE_TARGET", "MICRO_SERVICE_END_POINT",
	"HTTP_PORT", "GRPC_PORT", "JSON_RPC_PORT", "RETRY_INTERVAL", "TIMEOUT_TO_FAIL",
	"REQUEST_TIMEOUT", "TRANS_CRON_INTERVAL", "UPDATE_BRANCH_SYNC", "IS_DOCKER",
}

// StartDtm starts dtm v1.19.0 in this process with a boltdb store. dtm has
// no shutdown and keeps its configuration in globals, so a process runs one
// dtm: a later call (a second test run in the process, go test -count=2)
// gets the same dtm, registered again as its options say, as dtm registers
// itself at start-up, since that run has a registry of its own. It fails if
// the driver differs.
//
// dtm registers itself through the driver while starting, and exits the
// process if that fails, as the real server does.
func StartDtm(o DtmOptions) (*Dtm, error) {
	first := false
	dtmOnce.Do(func() { first = true; dtmRunning, dtmErr = startDtm(o) })
	if first || dtmErr != nil {
		return dtmRunning, dtmErr
	}
	if config.Config.MicroService.Driver != o.Driver {
		return nil, fmt.Errorf("dtm already runs with driver %q in this process", config.Config.MicroService.Driver)
	}
	if err := reregisterDtm(o); err != nil {
		return nil, err
	}
	return dtmRunning, nil
}

// reregisterDtm does what dtm does at start-up for the dtm already running:
// use the driver, register through it.
func reregisterDtm(o DtmOptions) error {
	if o.Registration == nil {
		return errors.New("DtmOptions.Registration is required")
	}
	ms := &config.Config.MicroService
	ms.Target, ms.EndPoint = o.Registration(dtmRunning.GrpcAddr)
	if err := dtmdriver.Use(o.Driver); err != nil {
		return fmt.Errorf("dtm: use driver %s: %w", o.Driver, err)
	}
	if err := dtmdriver.GetDriver().RegisterService(ms.Target, ms.EndPoint); err != nil {
		return fmt.Errorf("dtm: register again through %s: %w", o.Driver, err)
	}
	return nil
}

// RemoveDtmData removes the data directory StartDtm created, if any. dtm
// keeps its store open until the process ends, so call it last (Main does).
func RemoveDtmData() error {
	if dtmOwnDir == "" {
		return nil
	}
	if err := os.RemoveAll(dtmOwnDir); err != nil {
		return fmt.Errorf("remove dtm data dir: %w", err)
	}
	return nil
}

func startDtm(o DtmOptions) (*Dtm, error) {
	if o.Registration == nil {
		return nil, errors.New("DtmOptions.Registration is required")
	}
	for _, name := range dtmEnv {
		_ = os.Unsetenv(name)
	}
	ports, err := FreePorts(3)
	if err != nil {
		return nil, err
	}
	d := &Dtm{
		GrpcAddr: fmt.Sprintf("127.0.0.1:%d", ports[0]),
		HTTPAddr: fmt.Sprintf("127.0.0.1:%d", ports[1]),
		Dir:      o.Dir,
	}
	if d.Dir == "" {
		if d.Dir, err = os.MkdirTemp("", "dtmkit-dtm-"); err != nil {
			return nil, fmt.Errorf("dtm data dir: %w", err)
		}
		dtmOwnDir = d.Dir
	}
	config.MustLoadConfig("")
	c := &config.Config
	c.Store.Driver = config.BoltDb
	c.GrpcPort, c.HTTPPort, c.JSONRPCPort = int64(ports[0]), int64(ports[1]), int64(ports[2])
	c.RetryInterval = o.RetryInterval
	if c.RetryInterval <= 0 {
		c.RetryInterval = 1
	}
	c.MicroService.Driver = o.Driver
	c.MicroService.Target, c.MicroService.EndPoint = o.Registration(d.GrpcAddr)

	if err := openStoreIn(d.Dir); err != nil {
		return nil, err
	}
	dtmgrpc.AddUnaryInterceptor(trackDtmConns) // for CloseDtmConns
	dtmsvr.StartSvr()
	go dtmsvr.CronExpiredTrans(-1)
	if err := WaitFor(10*time.Second, "dtm to listen on "+d.GrpcAddr, func() bool { return canDial(d.GrpcAddr) }); err != nil {
		return nil, err
	}
	logger.Debugf("dtm started: grpc %s http %s", d.GrpcAddr, d.HTTPAddr)
	return d, nil
}

// openStoreIn opens dtm's boltdb store, which dtm always creates as
// ./dtm.bolt, inside dir.
func openStoreIn(dir string) error {
	wd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("working directory: %w", err)
	}
	if err := os.Chdir(dir); err != nil {
		return fmt.Errorf("enter dtm data dir: %w", err)
	}
	defer func() { _ = os.Chdir(wd) }()
	registry.WaitStoreUp()
	return nil
}

func canDial(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		_ = c.Close()
	}
	return err == nil
}
