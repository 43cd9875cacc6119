package use

import (
	"testing"

	"github.com/dtm-labs/dtmdriver"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/dtmkit/drivers/kit/kittest"
)

func TestUsePackage(t *testing.T) {
	kittest.CheckUsePackage(t, kittest.UsePackage{
		Path:          "github.com/dtmkit/drivers/driver-gozero/use",
		Driver:        gozero.Name,
		Selected:      func() kittest.ParsingDriver { return dtmdriver.GetDriver() },
		Scheme:        "etcd",
		URL:           "etcd://127.0.0.1:2379/trans.rpc/trans.Trans/TransIn",
		Server:        "etcd://127.0.0.1:2379/trans.rpc",
		Method:        "/trans.Trans/TransIn",
		RegisterOther: func(d kittest.OtherDriver) { dtmdriver.Register(d) },
		Select:        mustSelect,
	})
}
