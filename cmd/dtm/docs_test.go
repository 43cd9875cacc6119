package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchmarksDocSaysWhatItsTablesSay checks docs/BENCHMARKS.md against
// itself and the tree: the count of saga runs meeting the throughput target
// is the table's, and the upstream figures cite a benchmark that exists.
func TestBenchmarksDocSaysWhatItsTablesSay(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "docs", "BENCHMARKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	section := between(doc, "## Transactions through drivers vs direct", "\n## ")
	target := regexp.MustCompile(`Target: driver ≥ (\d+)% of direct`).FindStringSubmatch(section)
	if target == nil {
		t.Fatal("the sagas section states no target (Target: driver ≥ N% of direct)")
	}
	min, _ := strconv.ParseFloat(target[1], 64)
	runs, met := 0, 0
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 4 || !strings.HasPrefix(line, "|") {
			continue
		}
		for _, r := range strings.Split(cells[len(cells)-1], ",") {
			ratio, err := strconv.ParseFloat(strings.TrimSpace(r), 64)
			if err != nil {
				continue // the header and its rule
			}
			runs++
			if ratio*100 >= min-1e-9 {
				met++
			}
		}
	}
	says := regexp.MustCompile(`in (\d+) of (\d+) runs`).FindStringSubmatch(section)
	if runs == 0 || says == nil {
		t.Fatalf("the sagas section has %d runs and says %q", runs, says)
	}
	if says[1] != strconv.Itoa(met) || says[2] != strconv.Itoa(runs) {
		t.Errorf("docs/BENCHMARKS.md says the target was met in %s of %s runs; its table has %d runs, %d meeting %s%%",
			says[1], says[2], runs, met, target[1])
	}

	hot := between(doc, "## The hot path", "\n## ")
	header := ""
	for _, line := range strings.Split(hot, "\n") {
		if strings.HasPrefix(line, "| driver") {
			header = line
			break
		}
	}
	if header == "" || strings.Contains(header, "issue") {
		t.Errorf("the hot-path table's header %q: its upstream column must cite the benchmark that measures it, not an issue", header)
	}
	const upstream = "scripts/upstreambench"
	if !strings.Contains(hot, upstream) {
		t.Errorf("the hot-path section does not say where upstream's figures come from (%s)", upstream)
	}
	for _, d := range []string{"gozero", "kratos", "polaris"} {
		if !fileExists(filepath.Join(root, upstream, d, d+"_test.go")) {
			t.Errorf("%s/%s: the benchmark of upstream's %s driver is missing", upstream, d, d)
		}
	}
}

// between returns the part of s from the line starting with start up to
// the next end, or "".
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	s = s[i+len(start):]
	if j := strings.Index(s, end); j >= 0 {
		s = s[:j]
	}
	return s
}
