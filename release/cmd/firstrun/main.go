// Command firstrun measures what a first `go run` of a package costs on a
// fresh machine: it builds the package with an empty module cache and an
// empty build cache (both temporary, removed afterwards), and reports the
// download time and size and the compile time, by module.
//
//	go run ./release/cmd/firstrun ./examples/quickstart
//	go run ./release/cmd/firstrun ./cmd/dtm
//
// The download goes to the module proxies of `go env GOPROXY`; our own
// modules come from the workspace, as in a clone.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	top := flag.Int("top", 12, "how many modules to list")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: firstrun [-top N] PACKAGE")
		os.Exit(2)
	}
	if err := measure(flag.Arg(0), *top); err != nil {
		fmt.Fprintln(os.Stderr, "firstrun:", err)
		os.Exit(1)
	}
}

func measure(pkg string, top int) error {
	tmp, err := os.MkdirTemp("", "dtmkit-firstrun-*")
	if err != nil {
		return err
	}
	defer removeAll(tmp)
	env := append(os.Environ(),
		"GOMODCACHE="+filepath.Join(tmp, "mod"),
		"GOCACHE="+filepath.Join(tmp, "build"),
		"GOFLAGS=-modcacherw",
	)

	start := time.Now()
	if out, err := run(env, "go", "list", "-deps", pkg); err != nil {
		return fmt.Errorf("go list: %v\n%s", err, out)
	}
	download := time.Since(start)
	size, err := dirSize(filepath.Join(tmp, "mod", "cache", "download"))
	if err != nil {
		return err
	}

	graph := filepath.Join(tmp, "actions.json")
	start = time.Now()
	if out, err := run(env, "go", "build", "-o", filepath.Join(tmp, "bin"), "-debug-actiongraph="+graph, pkg); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	compile := time.Since(start)
	byModule, err := compileTimes(env, pkg, graph)
	if err != nil {
		return err
	}

	fmt.Printf("%s on empty caches:\n", pkg)
	fmt.Printf("  download: %s, %d MB (module zips and go.mod files)\n", download.Round(time.Second), size>>20)
	fmt.Printf("  compile and link: %s wall on %d cores\n", compile.Round(time.Second), numCPU())
	fmt.Printf("  compile CPU time by module (top %d):\n", top)
	type row struct {
		mod string
		d   time.Duration
	}
	var rows []row
	var total time.Duration
	for m, d := range byModule {
		rows = append(rows, row{m, d})
		total += d
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].d > rows[j].d })
	for i, r := range rows {
		if i == top {
			break
		}
		fmt.Printf("    %-55s %6.1fs %3.0f%%\n", r.mod, r.d.Seconds(), 100*r.d.Seconds()/total.Seconds())
	}
	fmt.Printf("    %-55s %6.1fs\n", "all "+fmt.Sprint(len(rows))+" modules", total.Seconds())
	return nil
}

// compileTimes sums the actions' durations of the action graph by the
// module of their package.
func compileTimes(env []string, pkg, graph string) (map[string]time.Duration, error) {
	out, err := run(env, "go", "list", "-deps", "-f", "{{.ImportPath}} {{with .Module}}{{.Path}}{{else}}std{{end}}", pkg)
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, out)
	}
	moduleOf := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		p, m, _ := strings.Cut(line, " ")
		moduleOf[p] = m
	}
	data, err := os.ReadFile(graph)
	if err != nil {
		return nil, err
	}
	var actions []struct {
		Mode      string
		Package   string
		TimeStart time.Time
		TimeDone  time.Time
	}
	if err := json.Unmarshal(data, &actions); err != nil {
		return nil, fmt.Errorf("action graph: %w", err)
	}
	by := map[string]time.Duration{}
	for _, a := range actions {
		if a.TimeStart.IsZero() || a.TimeDone.IsZero() {
			continue
		}
		m := moduleOf[a.Package]
		switch {
		case a.Mode == "link":
			m = "(link)"
		case m == "":
			m = "(other)"
		}
		by[m] += a.TimeDone.Sub(a.TimeStart)
	}
	return by, nil
}

func run(env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && !d.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n, err
}

func numCPU() int {
	out, err := exec.Command("nproc").Output()
	if err != nil {
		return 0
	}
	var n int
	fmt.Sscan(string(out), &n)
	return n
}

// removeAll removes a tree that may hold read-only module cache files.
func removeAll(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	_ = os.RemoveAll(dir)
}
