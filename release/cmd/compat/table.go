package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"golang.org/x/mod/module"
)

// row is one module's results, in the order of columns.
type row struct {
	name      string
	goVersion string
	floors    []module.Version
	cells     []cell
}

// cell is one check's result.
type cell struct {
	skipped bool   // the check does not apply (kit is no driver)
	err     error  // nil when it passed
	detail  string // what was selected, when it passed
}

func failed(err error) cell { return cell{err: err} }

func (r row) failed() bool {
	for _, c := range r.cells {
		if c.err != nil {
			return true
		}
	}
	return false
}

// columns name the checks; the last builds the v0.0.6 program with the
// driver's requirements raised to the workspace's (today's newest).
var columns = []string{"floors: build + unit tests", "dtmdriver v0.0.3 program", "dtmdriver v0.0.6 program", "v0.0.6 program, newest deps"}

func (c cell) String() string {
	switch {
	case c.skipped:
		return "-"
	case c.err != nil:
		return "FAIL"
	case c.detail != "":
		return "pass (" + c.detail + ")"
	}
	return "pass"
}

// printTable writes the table, then each module's floors, then the output
// of every failed check.
func printTable(out io.Writer, rows []row) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "module\t%s\n", strings.Join(columns, "\t"))
	for _, r := range rows {
		cells := make([]string, len(r.cells))
		for i, c := range r.cells {
			cells[i] = c.String()
		}
		fmt.Fprintf(tw, "%s\t%s\n", r.name, strings.Join(cells, "\t"))
	}
	tw.Flush()

	fmt.Fprintln(out, "\nfloors (each module's go.mod, as tested above):")
	for _, r := range rows {
		var fs []string
		for _, f := range r.floors {
			fs = append(fs, f.Path+" "+f.Version)
		}
		fmt.Fprintf(out, "  %s: go %s; %s\n", r.name, r.goVersion, strings.Join(fs, ", "))
	}

	for _, r := range rows {
		for i, c := range r.cells {
			if c.err != nil {
				fmt.Fprintf(out, "\n--- %s, %s:\n%s\n", r.name, columns[i], tail(c.err.Error(), 40))
			}
		}
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
