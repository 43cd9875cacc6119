package dtmcluster

import (
	"bytes"
	"regexp"
	"sync"
)

// served matches the method in the line dtm's gRPC server logs for every
// call it answered ("<n>ms <err> /dtmgimp.Dtm/Submit {...}").
var served = regexp.MustCompile(`ms \S+ (/dtmgimp\.Dtm/[A-Za-z]+) `)

// callCounter counts the calls a dtm server logs, by method. It is an
// io.Writer fed the server's output, which may split lines across writes.
type callCounter struct {
	mu      sync.Mutex
	partial []byte
	counts  map[string]int
}

func (c *callCounter) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partial = append(c.partial, b...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		if m := served.FindSubmatch(c.partial[:i]); m != nil {
			if c.counts == nil {
				c.counts = map[string]int{}
			}
			c.counts[string(m[1])]++
		}
		c.partial = c.partial[i+1:]
	}
	if len(c.partial) > 1<<20 { // a line that never ends
		c.partial = c.partial[:0]
	}
	return len(b), nil
}

func (c *callCounter) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[method]
}
