// Package polarisserver runs the real polaris server (github.com/polarismesh/polaris)
// for tests, on 127.0.0.1.
//
// The server is a Go module whose go.mod holds a replace directive, so it
// cannot be installed with "go install module@version". Binary copies the
// module from the module cache (downloading it through the module proxy if
// needed) to a per-user cache directory, builds it there once with the
// machine's go command, and keeps the binary; later runs reuse it. Start runs
// that binary with a generated configuration: the standalone boltdb store in
// a temporary directory and only the client gRPC listener, on a free
// 127.0.0.1 port.
package polarisserver
