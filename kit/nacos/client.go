package nacos

import (
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/nacos-group/nacos-sdk-go/v2/clients"
	"github.com/nacos-group/nacos-sdk-go/v2/clients/naming_client"
	"github.com/nacos-group/nacos-sdk-go/v2/common/constant"
	"github.com/nacos-group/nacos-sdk-go/v2/vo"

	"github.com/dtmkit/drivers/kit"
)

// client is a nacos-sdk-go naming client shared by the resolvers and
// registrations whose targets have the same settings, and shut down with
// the last of them: each naming client holds a gRPC connection to nacos and
// a dozen goroutines, which zero-contrib's resolver leaked on every dial.
type client struct {
	key    string // in sharedClients
	naming naming_client.INamingClient
	// tempDir holds the SDK's cache files unless the target named a
	// cacheDir; it is removed with the client.
	tempDir string
	// wake ends the goroutine the client leaves behind (see
	// NewNamingClient).
	wake func()
}

// sharedClients are the live clients by settings.
var sharedClients kit.Shared[string, *client]

// acquire returns the shared client for t's settings, creating it if
// needed; release gives it back. Creating one connects to nacos, within t's
// timeout.
func acquire(t Target, f *Flavor) (*client, error) {
	key := t.clientKey()
	return sharedClients.Acquire(key, func() (*client, error) {
		c, err := newClient(t, f)
		if err == nil {
			c.key = key
		}
		return c, err
	})
}

// release drops one use of c, shutting it down after the last.
func (c *client) release() { sharedClients.Release(c.key, (*client).close) }

// close shuts the naming client down and removes its temporary files.
func (c *client) close() {
	c.naming.CloseClient()
	c.wake()
	if c.tempDir != "" {
		_ = os.RemoveAll(c.tempDir)
	}
}

// newClient creates a naming client. Its cache goes to a temporary
// directory unless the target names one, and its log to the flavor's logger
// unless the target names a log directory (see useLogger).
func newClient(t Target, f *Flavor) (*client, error) {
	c := &client{}
	cacheDir, notLoad := t.CacheDir, t.NotLoadCacheAtStart
	if cacheDir == "" {
		dir, err := os.MkdirTemp("", "dtmkit-nacos-")
		if err != nil {
			return nil, fmt.Errorf("nacos client cache dir: %w", err)
		}
		c.tempDir, cacheDir, notLoad = dir, dir, true
	}
	logDir := t.LogDir
	if logDir == "" {
		logDir = cacheDir // never written: the flavor's logger is set first
	}
	useLogger(t, f)
	hosts, ports := t.servers()
	servers := make([]constant.ServerConfig, len(hosts))
	for i := range hosts {
		servers[i] = *constant.NewServerConfig(hosts[i], ports[i])
	}
	naming, wake, err := newNamingClient(vo.NacosClientParam{
		ServerConfigs: servers,
		ClientConfig: &constant.ClientConfig{
			NamespaceId:          t.Namespace,
			TimeoutMs:            uint64(t.Timeout.Milliseconds()),
			AppName:              t.AppName,
			Username:             t.User,
			Password:             t.Pass.Reveal(),
			CacheDir:             cacheDir,
			NotLoadCacheAtStart:  notLoad,
			UpdateCacheWhenEmpty: true,
			LogDir:               logDir,
			LogLevel:             t.LogLevel,
		},
	})
	if err != nil {
		if c.tempDir != "" {
			_ = os.RemoveAll(c.tempDir)
		}
		return nil, fmt.Errorf("connect to nacos %s: %w", t.hostsAndUser(), redactErr(err))
	}
	c.naming, c.wake = naming, wake
	return c, nil
}

// NewNamingClient is nacos-sdk-go's clients.NewNamingClient, returning also
// the close to call instead of CloseClient: nacos-sdk-go v2.3.5 leaves one
// goroutine per client blocked reading its UDP push port (naming_http's
// PushReceiver checks for cancellation only between datagrams), and close
// sends it one so that it ends. Tests use it for their own clients.
func NewNamingClient(param vo.NacosClientParam) (naming_client.INamingClient, func(), error) {
	useLogger(Target{}, nil)
	naming, wake, err := newNamingClient(param)
	if err != nil {
		return nil, nil, err
	}
	return naming, func() { naming.CloseClient(); wake() }, nil
}

// newNamingClient creates a client and notes its UDP push port from the
// SDK's log line, which our logger sees (not the SDK's own file logger).
func newNamingClient(param vo.NacosClientParam) (naming_client.INamingClient, func(), error) {
	createMu.Lock()
	port := 0
	portSink = func(p int) { port = p }
	naming, err := clients.NewNamingClient(param)
	portSink = nil
	createMu.Unlock()
	if err != nil {
		if naming != nil {
			naming.CloseClient()
		}
		return nil, func() {}, err
	}
	return naming, func() { wakeUDP(port) }, nil
}

// wakeUDP sends one datagram to a push receiver's port on this host.
func wakeUDP(port int) {
	if port == 0 {
		return
	}
	conn, err := net.Dial("udp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return
	}
	_, _ = conn.Write([]byte("{}"))
	_ = conn.Close()
}
