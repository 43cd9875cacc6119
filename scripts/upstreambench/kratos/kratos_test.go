// Package kratos measures dtmdriver-kratos v0.0.10.
package kratos

import (
	"testing"

	_ "github.com/dtm-labs/dtmdriver-kratos"

	"github.com/dtmkit/drivers/scripts/upstreambench"
)

func BenchmarkParseServerMethod(b *testing.B) {
	upstreambench.Run(b, "dtm-driver-kratos", []upstreambench.Form{
		{Name: "discovery", URL: "discovery://127.0.0.1:2379/helloworld/pkg.Svc/Method"},
		{Name: "direct", URL: "direct:///127.0.0.1:9000,127.0.0.1:9001/pkg.Svc/Method"},
	})
}
