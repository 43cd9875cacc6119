//go:build !linux

package serverproc

import "syscall"

// sysProcAttr: only Linux can tie the server's life to the test process.
func sysProcAttr() *syscall.SysProcAttr { return nil }
