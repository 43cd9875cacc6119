package polarisserver

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
