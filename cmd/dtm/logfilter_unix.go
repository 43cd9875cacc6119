//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// startLogFilter starts the filter process on two new pipes and makes them
// this process' stdout and stderr.
func startLogFilter() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), filterEnv+"=1")
	cmd.ExtraFiles = []*os.File{outR, errR, os.Stdout, os.Stderr} // fds 3 to 6
	if err := cmd.Start(); err != nil {
		return err
	}
	// The filter sees the end of the pipes when this process has exited; it
	// is not waited for.
	_ = cmd.Process.Release()
	// Without read ends here, a dead filter makes writes fail rather than
	// block once the pipes are full.
	_ = outR.Close()
	_ = errR.Close()
	for fd, w := range map[int]*os.File{1: outW, 2: errW} {
		if err := unix.Dup2(int(w.Fd()), fd); err != nil {
			return fmt.Errorf("redirect fd %d: %w", fd, err)
		}
		_ = w.Close()
	}
	return nil
}
