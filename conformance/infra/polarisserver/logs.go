package polarisserver

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// LogLines returns the lines of the server's log files that contain substr,
// sorted (they start with a timestamp), for diagnosing a failed test.
func (s *Server) LogLines(substr string) []string {
	files, _ := filepath.Glob(filepath.Join(s.dir, "log", "*.log"))
	var lines []string
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if strings.Contains(sc.Text(), substr) {
				lines = append(lines, sc.Text())
			}
		}
		_ = fh.Close()
	}
	sort.Strings(lines)
	return lines
}

// unhealthyLine is what the server logs when its health check finds that an
// instance stopped heartbeating.
const unhealthyLine = "instance change from healthy to unhealthy"

// UnhealthyAt returns when the server last marked the instance at addr
// ("host:port") unhealthy, from its health-check log.
func (s *Server) UnhealthyAt(addr string) (time.Time, bool) {
	var at time.Time
	for _, l := range s.LogLines("address is " + addr) {
		if !strings.Contains(l, unhealthyLine) || !strings.HasSuffix(l, "address is "+addr) {
			continue
		}
		stamp, _, _ := strings.Cut(l, "\t")
		if t, err := time.Parse(time.RFC3339Nano, stamp); err == nil && t.After(at) {
			at = t
		}
	}
	return at, !at.IsZero()
}
