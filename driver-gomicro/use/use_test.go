package use

import (
	"testing"

	"github.com/dtm-labs/dtmdriver"

	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"github.com/dtmkit/drivers/kit/kittest"
)

func TestUsePackage(t *testing.T) {
	kittest.CheckUsePackage(t, kittest.UsePackage{
		Path:          "github.com/dtmkit/drivers/driver-gomicro/use",
		Driver:        gomicrodriver.Name,
		Selected:      func() kittest.ParsingDriver { return dtmdriver.GetDriver() },
		Scheme:        gomicrodriver.Scheme,
		URL:           "gomicro://127.0.0.1:2379/trans/trans.Trans/TransIn",
		Server:        "gomicro://127.0.0.1:2379/trans",
		Method:        "/trans.Trans/TransIn",
		RegisterOther: func(d kittest.OtherDriver) { dtmdriver.Register(d) },
		Select:        mustSelect,
	})
}
