package polarisserver

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// configTemplate is a trimmed release/conf/polaris-server.yaml: one listener
// (the client gRPC API that polaris-go uses), the boltdb store, in-memory
// heartbeat checks, no eureka, xds or HTTP API, and the nacos API only when
// asked for. %[1]s is the data directory, %[2]d the gRPC port, %[3]s the
// log scopes, %[4]s further apiservers, %[5]t whether the config center is
// open (the nacos API needs it: without it, a nil pointer panic in
// config.GetServer).
const configTemplate = `bootstrap:
  logger:
%[3]s
  startInOrder:
    open: true
    key: sz
  polaris_service:
    self_address: 127.0.0.1
    enable_register: true
    isolated: false
    services:
      - name: polaris.checker
        protocols:
          - service-grpc
apiservers:
  - name: service-grpc
    option:
      listenIP: "127.0.0.1"
      listenPort: %[2]d
      connLimit:
        openConnLimit: false
        maxConnPerHost: 128
        maxConnLimit: 5120
      enableCacheProto: true
      sizeCacheProto: 128
      tls:
        certFile: ""
        keyFile: ""
        trustedCAFile: ""
    api:
      client:
        enable: true
        include: [discover, register, healthcheck]
%[4]sauth:
  user:
    name: defaultUser
    option:
      salt: polarismesh@2021
  strategy:
    name: defaultStrategy
    option:
      consoleOpen: true
      consoleStrict: true
      clientOpen: false
      clientStrict: false
namespace:
  autoCreate: true
naming:
  autoCreate: true
  batch:
    register:
      open: true
      queueSize: 10240
      waitTime: 32ms
      maxBatchCount: 128
      concurrency: 16
      dropExpireTask: true
      taskLife: 30s
    deregister:
      open: true
      queueSize: 10240
      waitTime: 32ms
      maxBatchCount: 128
      concurrency: 16
healthcheck:
  open: true
  service: polaris.checker
  slotNum: 30
  minCheckInterval: 1s
  maxCheckInterval: 30s
  clientReportInterval: 120s
  batch:
    heartbeat:
      open: true
      queueSize: 10240
      waitTime: 32ms
      maxBatchCount: 32
      concurrency: 16
  checkers:
    - name: heartbeatMemory
config:
  open: %[5]t
cache:
  diffTime: 5s
maintain:
  jobs:
    - name: CleanDeletedInstances
      enable: true
store:
  name: boltdbStore
  option:
    path: %[1]s/polaris.bolt
plugin:
  crypto:
    entries:
      - name: AES
  history:
    entries:
      - name: HistoryLogger
  discoverEvent:
    entries:
      - name: discoverEventLocal
  statis:
    entries:
      - name: local
        option:
          interval: 60
  ratelimit:
    name: token-bucket
    option:
      enable: false
`

// logScopes are the server's log scopes; each gets a file in the data
// directory, so nothing is written to the working directory.
var logScopes = []string{
	"default", "config", "auth", "store", "cache", "naming", "healthcheck",
	"xdsv3", "eureka", "nacos-apiserver", "apiserver", "token-bucket",
	"discoverstat", "local", "HistoryLogger", "discoverEventLocal", "cmdb",
}

// nacosAPIServer serves the nacos API: HTTP on %[1]d, gRPC on %[1]d + 1000.
const nacosAPIServer = `  - name: service-nacos
    option:
      listenIP: "127.0.0.1"
      listenPort: %[1]d
      defaultNamespace: default
      connLimit:
        openConnLimit: false
        maxConnPerHost: 128
        maxConnLimit: 5120
`

// writeConfig writes the server configuration into dir and returns its path.
// A nacosPort of 0 leaves the nacos API out.
func writeConfig(dir string, grpcPort, nacosPort int) (string, error) {
	var loggers strings.Builder
	for _, s := range logScopes {
		fmt.Fprintf(&loggers, "    %s:\n", s)
		fmt.Fprintf(&loggers, "      rotateOutputPath: %s\n", filepath.Join(dir, "log", s+".log"))
		fmt.Fprintf(&loggers, "      errorRotateOutputPath: %s\n", filepath.Join(dir, "log", s+"-error.log"))
		loggers.WriteString("      rotationMaxSize: 50\n      rotationMaxBackups: 1\n      rotationMaxAge: 1\n")
		loggers.WriteString("      outputLevel: info\n")
	}
	nacos := ""
	if nacosPort != 0 {
		nacos = fmt.Sprintf(nacosAPIServer, nacosPort)
	}
	text := fmt.Sprintf(configTemplate, dir, grpcPort, strings.TrimRight(loggers.String(), "\n"), nacos, nacosPort != 0)
	path := filepath.Join(dir, "polaris-server.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		return "", fmt.Errorf("write polaris server config: %w", err)
	}
	return path, nil
}
