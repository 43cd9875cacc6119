package kittest

import (
	"runtime"
	"strings"
)

// Goroutines returns the stacks of all goroutines, one per element, the
// caller's first.
func Goroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(string(buf[:n]), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// Stacks returns the stacks of the goroutines, other than the caller's, with
// a frame whose function name contains fn ("pkg.(*T).method"), separated by
// blank lines: empty when none runs it. "created by" lines do not count: a
// goroutine runs what it runs, not what started it.
func Stacks(fn string) string {
	var found []string
	for _, g := range Goroutines()[1:] { // the first is the caller's
		for _, line := range strings.Split(g, "\n")[1:] {
			if !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "created by ") && strings.Contains(line, fn) {
				found = append(found, g)
				break
			}
		}
	}
	return strings.Join(found, "\n\n")
}
