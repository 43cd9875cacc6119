// Package polaris measures dtmdriver-polaris v0.0.5.
package polaris

import (
	"testing"

	_ "github.com/dtm-labs/dtmdriver-polaris"

	"github.com/dtmkit/drivers/scripts/upstreambench"
)

func BenchmarkParseServerMethod(b *testing.B) {
	upstreambench.Run(b, "dtm-driver-polaris", []upstreambench.Form{
		{Name: "service", URL: "polaris://busi/busi.Busi/TransIn"},
		{Name: "namespace", URL: "polaris://busi/busi.Busi/TransIn?namespace=prod"},
	})
}
