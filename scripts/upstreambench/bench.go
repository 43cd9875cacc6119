// Package upstreambench measures the upstream drivers' ParseServerMethod
// (dtm-labs/dtmdriver-gozero v0.0.7, dtmdriver-kratos v0.0.10,
// dtmdriver-polaris v0.0.5): the "upstream" column of docs/BENCHMARKS.md.
//
// It is a module of its own, outside go.work and never published, so that
// the upstream drivers build with the versions they require (go-zero
// v1.3.5, grpc v1.48, ...) rather than this repository's. dtmdriver.Use
// selects one driver per process, so each driver has a test package of its
// own. Run them from this directory, or through scripts/bench.sh:
//
//	GOWORK=off go test -run '^$' -bench . -benchmem ./...
package upstreambench

import (
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"
)

// Form is a branch URL the driver parses.
type Form struct{ Name, URL string }

// Run selects the upstream driver registered as name and measures its
// ParseServerMethod on each form, after the same baseline as this
// repository's driver benchmarks (kittest.BenchmarkForms): dtm's default
// split of "127.0.0.1:8080/pkg.Svc/Method", so the figures read as ratios to
// a figure of the same run.
func Run(b *testing.B, name string, forms []Form) {
	// Use registers the driver's resolvers; none of the three connects
	if err := dtmdriver.Use(name); err != nil {
		b.Fatal(err)
	}
	d := dtmdriver.GetDriver()
	b.Run("baseline-dtm-default", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _, _ = defaultSplit("127.0.0.1:8080/pkg.Svc/Method")
		}
	})
	for _, f := range forms {
		if s, m, err := d.ParseServerMethod(f.URL); err != nil || s == "" || m == "" {
			b.Fatalf("%s: ParseServerMethod(%q) = %q, %q, %v", name, f.URL, s, m, err)
		}
		b.Run(f.Name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, _, _ = d.ParseServerMethod(f.URL)
			}
		})
	}
}

// defaultSplit is dtm's default driver, as kittest.DefaultSplit copies it.
func defaultSplit(url string) (string, string, error) {
	sep := strings.IndexByte(url, '/')
	if sep == -1 || strings.Contains(url, "://") {
		return "", "", errBadURL
	}
	return url[:sep], url[sep:], nil
}

var errBadURL = badURL("bad url")

type badURL string

func (e badURL) Error() string { return string(e) }
