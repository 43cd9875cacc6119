//go:build !linux

package polarisserver

import "syscall"

// sysProcAttr: only Linux can tie the server's life to the test process.
func sysProcAttr() *syscall.SysProcAttr { return nil }
