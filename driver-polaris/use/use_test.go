package use

import (
	"testing"

	"github.com/dtm-labs/dtmdriver"

	polaris "github.com/dtmkit/drivers/driver-polaris"
	"github.com/dtmkit/drivers/kit/kittest"
)

func TestUsePackage(t *testing.T) {
	kittest.CheckUsePackage(t, kittest.UsePackage{
		Path:          "github.com/dtmkit/drivers/driver-polaris/use",
		Driver:        polaris.Name,
		Selected:      func() kittest.ParsingDriver { return dtmdriver.GetDriver() },
		Scheme:        "polaris",
		URL:           "polaris://trans/trans.Trans/TransIn",
		Server:        "polaris://trans",
		Method:        "/trans.Trans/TransIn",
		RegisterOther: func(d kittest.OtherDriver) { dtmdriver.Register(d) },
		Select:        mustSelect,
	})
}
