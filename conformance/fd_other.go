//go:build !linux

package conformance

import "errors"

var errNoCapture = errors.New("capturing stdout and stderr needs linux")

func dupFD(int) (int, error)    { return 0, errNoCapture }
func redirectFD(int, int) error { return errNoCapture }
func closeFD(int) error         { return errNoCapture }
