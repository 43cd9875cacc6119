package serverproc

import "syscall"

// sysProcAttr has the kernel kill the server if the test process dies
// before Close, so no server outlives its test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
