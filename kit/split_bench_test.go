package kit

import (
	"strings"
	"testing"
)

// baselineSplit is dtm's default driver: split at the first '/'. The
// figures of SplitBranchURL read best as ratios to it, taken in the same run.
func baselineSplit(uri string) (string, string) {
	sep := strings.IndexByte(uri, '/')
	if sep < 0 {
		return "", ""
	}
	return uri[:sep], uri[sep:]
}

func BenchmarkBaselineSplit(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _ = baselineSplit("127.0.0.1:8080/pkg.Svc/Method")
	}
}

var splitForms = []struct{ name, url string }{
	{"etcd", "etcd://127.0.0.1:2379/trans/pkg.Svc/Method"},
	{"buildTarget", "etcd:///127.0.0.1:2379,127.0.0.2:2379?key=trans.rpc/pkg.Svc/Method"},
	{"nestedKey", "etcd://127.0.0.1:2379/a/b/trans/pkg.Svc/Method"},
	{"queryInPath", "polaris://trans/pkg.Svc/Method?namespace=dtm"},
	{"noScheme", "127.0.0.1:8080/pkg.Svc/Method"},
}

func BenchmarkSplitBranchURL(b *testing.B) {
	for _, f := range splitForms {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_, _ = SplitBranchURL(f.url)
			}
		})
	}
}
