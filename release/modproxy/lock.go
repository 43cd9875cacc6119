package modproxy

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes a machine-wide lock for the span of one release check or
// compat run and returns its release. Runs share the module cache, where
// ForgetCached removes our modules, so two at once would pull files from
// under each other's builds; the second waits for the first.
func Lock() (unlock func(), err error) {
	// The lock file stays (removing it would let a third run lock a new
	// file while the second holds the old one), in the user cache dir where
	// the tests cache built servers, not in TMPDIR.
	cache, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("modproxy: lock: %w", err)
	}
	dir := filepath.Join(cache, "dtmkit")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("modproxy: lock: %w", err)
	}
	p := filepath.Join(dir, "modproxy.lock")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("modproxy: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("modproxy: lock %s: %w", p, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
