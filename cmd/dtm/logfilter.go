package main

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/dtmkit/drivers/kit"
)

// dtm logs its whole configuration when it starts, MicroService.Target
// included, and its libraries log errors that may quote a target: a password
// written inline in conf.yml would reach the log. So main points its stdout
// and stderr (fds 1 and 2, where dtm's zap logger, the log package and the
// runtime's panics write) at pipes, read by a filter process that writes
// each line through kit.Redact to the original stdout and stderr
// (startLogFilter).
//
// The reader is a process, not a goroutine: dtm stops through os.Exit
// (log.Fatalf on a bad configuration or a failed registration), and the
// runtime writes a panic to fd 2 and exits. A goroutine would die with the
// lines written just before, those that say why dtm stopped; the filter
// process reads the pipes to their end, which comes when dtm has exited.
// dtm stays the process that was started: its PID, its signals and its exit
// status are unchanged. A target can also name its password by reference
// (passwordFile=, tokenFile=), which keeps it out of conf.yml as well.

// filterEnv is set in the environment of the filter process.
const filterEnv = "DTMKIT_DTM_LOG_FILTER"

// The filter process' descriptors: the pipes it reads, and where it writes.
// Its own stdout and stderr are /dev/null, so that what its packages print
// when they initialize does not show twice.
const (
	fdStdoutPipe = 3 + iota
	fdStderrPipe
	fdStdout
	fdStderr
)

// maxLine bounds a log line the filter holds in memory; the rest of a longer
// line is dropped rather than copied unredacted.
const maxLine = 1 << 20

// isLogFilter reports whether this process is the filter process.
func isLogFilter() bool { return os.Getenv(filterEnv) == "1" }

// runLogFilter is the filter process: it copies both pipes through
// kit.Redact until dtm has exited and closed them. It ignores the signals a
// terminal sends the whole process group, so that it outlives dtm and copies
// dtm's last lines.
func runLogFilter() {
	signal.Ignore(syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	var copying sync.WaitGroup
	for _, fds := range [][2]uintptr{{fdStdout, fdStdoutPipe}, {fdStderr, fdStderrPipe}} {
		copying.Add(1)
		go func() {
			defer copying.Done()
			copyRedacted(os.NewFile(fds[0], "out"), os.NewFile(fds[1], "pipe"))
		}()
	}
	copying.Wait()
}

// copyRedacted copies r to w a line at a time, each through kit.Redact.
func copyRedacted(w io.Writer, r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	var line []byte
	truncated := false
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) <= maxLine {
			line = append(line, chunk...)
		} else {
			truncated = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue // the line goes on
		}
		if len(line) > 0 || truncated {
			// a secret's value runs to the end of what Redact is given:
			// keep the line's end out of it
			text := strings.TrimRight(string(line), "\r\n")
			end := string(line[len(text):])
			if truncated {
				end = " [line truncated by dtm's log filter]\n"
			}
			_, _ = io.WriteString(w, kit.Redact(text)+end)
		}
		line, truncated = line[:0], false
		if err != nil {
			return
		}
	}
}
