package use

import (
	"testing"

	"github.com/dtm-labs/dtmdriver"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/kit/kittest"
)

func TestUsePackage(t *testing.T) {
	kittest.CheckUsePackage(t, kittest.UsePackage{
		Path:          "github.com/dtmkit/drivers/driver-kratos/use",
		Driver:        kratosdriver.Name,
		Selected:      func() kittest.ParsingDriver { return dtmdriver.GetDriver() },
		Scheme:        "discovery",
		URL:           "discovery://127.0.0.1:2379/trans/trans.Trans/TransIn",
		Server:        "discovery://127.0.0.1:2379/trans",
		Method:        "/trans.Trans/TransIn",
		RegisterOther: func(d kittest.OtherDriver) { dtmdriver.Register(d) },
		Select:        mustSelect,
	})
}
