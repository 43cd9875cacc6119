// Package gozero measures dtmdriver-gozero v0.0.7.
package gozero

import (
	"testing"

	_ "github.com/dtm-labs/dtmdriver-gozero"

	"github.com/dtmkit/drivers/scripts/upstreambench"
)

func BenchmarkParseServerMethod(b *testing.B) {
	upstreambench.Run(b, "dtm-driver-gozero", []upstreambench.Form{
		{Name: "etcd", URL: "etcd://127.0.0.1:2379/trans.rpc/pkg.Svc/Method"},
		{Name: "withCredentials", URL: "etcd://127.0.0.1:2379/trans.rpc/pkg.Svc/Method?user=root&pass=pw"},
	})
}
