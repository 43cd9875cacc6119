package use

import (
	"testing"

	"github.com/dtm-labs/dtmdriver"

	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
	"github.com/dtmkit/drivers/kit/kittest"
)

func TestUsePackage(t *testing.T) {
	kittest.CheckUsePackage(t, kittest.UsePackage{
		Path:          "github.com/dtmkit/drivers/driver-protocol1/use",
		Driver:        protocol1.Name,
		Selected:      func() kittest.ParsingDriver { return dtmdriver.GetDriver() },
		Scheme:        "protocol1",
		URL:           "protocol1://127.0.0.1:8080/trans.Trans/TransIn",
		Server:        "protocol1://127.0.0.1:8080",
		Method:        "/trans.Trans/TransIn",
		RegisterOther: func(d kittest.OtherDriver) { dtmdriver.Register(d) },
		Select:        mustSelect,
	})
}
