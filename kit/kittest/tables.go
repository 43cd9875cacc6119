package kittest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit"
)

// ParseFunc is a driver's ParseServerMethod, cached or not.
type ParseFunc func(uri string) (server, method string, err error)

// ExpectSplits fails t unless parse splits each key of ok into its
// {server, method}, twice over: the second call is answered by the cache of
// a driver that has one.
func ExpectSplits(t testing.TB, parse ParseFunc, ok map[string][2]string) {
	t.Helper()
	for in, want := range ok {
		for i := 0; i < 2; i++ {
			s, m, err := parse(in)
			if err != nil || s != want[0] || m != want[1] {
				t.Errorf("ParseServerMethod(%q) = %q, %q, %v; want %q, %q", in, s, m, err, want[0], want[1])
				break
			}
		}
	}
}

// ExpectRejects fails t unless parse rejects each key of bad with empty
// results and an error that says its value, quotes the whole input
// redacted, and shows none of the input's secrets.
func ExpectRejects(t testing.TB, parse ParseFunc, bad map[string]string) {
	t.Helper()
	for in, want := range bad {
		s, m, err := parse(in)
		switch {
		case err == nil:
			t.Errorf("ParseServerMethod(%q) = %q, %q, nil; want an error saying %q", in, s, m, want)
			continue
		case s != "" || m != "":
			t.Errorf("ParseServerMethod(%q) returned %q, %q with its error", in, s, m)
		case !strings.Contains(err.Error(), want):
			t.Errorf("ParseServerMethod(%q) error %q; want it to say %q", in, err, want)
		case in != "" && !strings.Contains(err.Error(), strconv.Quote(kit.Redact(in))):
			t.Errorf("ParseServerMethod(%q) error %q does not quote the whole input, redacted", in, err)
		}
		CheckNoSecret(t, in, err)
	}
}

// Form is one URL form a driver's benchmark measures.
type Form struct {
	Name, URL string
	Parse     ParseFunc
}

// BenchmarkForms runs a sub-benchmark per form, after a baseline: dtm's
// default driver splitting "127.0.0.1:8080/pkg.Svc/Method", so that every
// form reads as a ratio to a figure measured in the same run.
func BenchmarkForms(b *testing.B, forms []Form) {
	all := append([]Form{{Name: "baseline-dtm-default", URL: "127.0.0.1:8080/pkg.Svc/Method", Parse: DefaultSplit}}, forms...)
	for _, f := range all {
		b.Run(f.Name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, _, _ = f.Parse(f.URL)
			}
		})
	}
}

// DefaultSplit is what dtm's default driver (dtmdriver v0.0.6) does: split
// at the first "/", refusing schemes. It is copied here so kit needs no
// dependency on dtmdriver.
func DefaultSplit(url string) (string, string, error) {
	sep := strings.IndexByte(url, '/')
	if sep == -1 {
		return "", "", errDefault
	}
	if strings.Contains(url, "://") {
		return "", "", errDefault
	}
	return url[:sep], url[sep:], nil
}

var errDefault = errorString("bad url")

type errorString string

func (e errorString) Error() string { return string(e) }

// ExpectDriverErrors fails t unless every error, keyed by the call that
// returned it, is non-nil and starts with the driver's name and a colon
// ("dtm-driver-x: "), so that dtm's log says which driver failed.
func ExpectDriverErrors(t testing.TB, name string, errs map[string]error) {
	t.Helper()
	for call, err := range errs {
		if err == nil || !strings.HasPrefix(err.Error(), name+": ") {
			t.Errorf("%s: error %v; want it to start %q", call, err, name+": ")
		}
	}
}
