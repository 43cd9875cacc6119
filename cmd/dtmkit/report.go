package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// Report is what a check found, step by step, and its verdict. Every text
// in it is redacted; -json prints it as is.
type Report struct {
	// Check is "url" or "conf".
	Check string `json:"check"`
	// Input is the URL or the configuration file checked.
	Input  string `json:"input"`
	Driver string `json:"driver,omitempty"`
	// Server and Method are the driver's split of a URL.
	Server string `json:"server,omitempty"`
	Method string `json:"method,omitempty"`
	// Steps in the order they ran; a step that fails ends the check.
	Steps []*Step `json:"steps"`
	// Instances are those the driver's resolver lists, as dtm would dial
	// them, and those the registry holds but the resolver leaves out.
	Instances []*Instance `json:"instances,omitempty"`
	// OK is true when dtm would reach the method (for a configuration:
	// when dtm would start with it).
	OK      bool   `json:"ok"`
	Verdict string `json:"verdict"`
}

// Step statuses.
const (
	statusOK   = "ok"
	statusFail = "fail"
	statusWarn = "warn" // works, but worth knowing
	statusSkip = "skip" // could not be checked, and says why
)

// Step is one step of a check.
type Step struct {
	Name   string `json:"name"`
	Status string `json:"status"`
	// Summary says what the step found, in one line.
	Summary string `json:"summary"`
	// Details are further lines: instances, registry entries, suggestions.
	Details []string `json:"details,omitempty"`
	// Fix says, in one sentence, what to change when the step failed.
	Fix string `json:"fix,omitempty"`
	// Took is how long the step ran, and Timeout its bound, for steps
	// that wait on the network.
	Took    string `json:"took,omitempty"`
	Timeout string `json:"timeout,omitempty"`
}

// Instance is one address of the service.
type Instance struct {
	Addr string `json:"addr"`
	// Resolved is true when the driver's resolver lists it, that is, when
	// dtm would send calls there.
	Resolved bool `json:"resolved"`
	// Weight, Healthy and Isolated are the registry's, where it has them.
	Weight   *int  `json:"weight,omitempty"`
	Healthy  *bool `json:"healthy,omitempty"`
	Isolated bool  `json:"isolated,omitempty"`
	// Connect is "ok" or why the connection failed.
	Connect string `json:"connect,omitempty"`
	// Method is "found", "missing" or why it could not be told.
	Method string `json:"method,omitempty"`
}

// redact redacts each space-separated word of a line on its own: kit.Redact
// hides a secret up to the next '&' or the end of its input, which, given a
// whole line, would hide the words after a URL too. A URL holds no space.
func redact(line string) string {
	words := strings.Split(line, " ")
	for i, w := range words {
		words[i] = kit.Redact(w)
	}
	return strings.Join(words, " ")
}

// add appends a step and returns it.
func (r *Report) add(name, status, summary string) *Step {
	s := &Step{Name: name, Status: status, Summary: redact(summary)}
	r.Steps = append(r.Steps, s)
	return s
}

// fail appends a failed step with its fix.
func (r *Report) fail(name, summary, fix string) *Step {
	s := r.add(name, statusFail, summary)
	s.Fix = redact(fix)
	return s
}

// detail appends redacted lines to the step.
func (s *Step) detail(format string, args ...any) {
	s.Details = append(s.Details, redact(fmt.Sprintf(format, args...)))
}

// timed records how long the step took and its bound.
func (s *Step) timed(start time.Time, bound time.Duration) *Step {
	s.Took = roundDuration(time.Since(start)).String()
	if bound > 0 {
		s.Timeout = bound.String()
	}
	return s
}

func roundDuration(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// failed returns the first failed step, or nil.
func (r *Report) failed() *Step {
	for _, s := range r.Steps {
		if s.Status == statusFail {
			return s
		}
	}
	return nil
}

// finish sets the verdict: OK when no step failed.
func (r *Report) finish(okVerdict string) *Report {
	if s := r.failed(); s != nil {
		r.OK = false
		r.Verdict = redact("FAIL: " + s.Summary)
		if s.Fix != "" {
			r.Verdict += ". Fix: " + s.Fix
		}
		return r
	}
	r.OK = true
	r.Verdict = redact("OK: " + okVerdict)
	return r
}

// write prints the report as text or JSON.
func (r *Report) write(w io.Writer, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %s\n", r.Check, r.Input)
	for _, s := range r.Steps {
		line := s.Summary
		if s.Took != "" {
			line += " (" + s.Took
			if s.Timeout != "" {
				line += ", timeout " + s.Timeout
			}
			line += ")"
		}
		fmt.Fprintf(&b, "%-9s %-5s %s\n", s.Name, strings.ToUpper(s.Status), line)
		for _, d := range s.Details {
			fmt.Fprintf(&b, "%-15s %s\n", "", d)
		}
		if s.Fix != "" {
			fmt.Fprintf(&b, "%-15s fix: %s\n", "", s.Fix)
		}
	}
	fmt.Fprintf(&b, "%-9s %s\n", "verdict", r.Verdict)
	_, err := io.WriteString(w, b.String())
	return err
}
