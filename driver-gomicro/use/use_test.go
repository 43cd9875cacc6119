package use

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"
	"google.golang.org/grpc/resolver"

	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
)

// TestImportSelects checks what a blank import gives a client: the driver is
// dtm's, and its scheme resolves.
func TestImportSelects(t *testing.T) {
	if got := dtmdriver.GetDriver().GetName(); got != gomicrodriver.Name {
		t.Fatalf("selected driver = %q, want %q", got, gomicrodriver.Name)
	}
	if resolver.Get("gomicro") == nil {
		t.Errorf("no resolver for gomicro:// after the import")
	}
	server, method, err := dtmdriver.GetDriver().ParseServerMethod("gomicro://127.0.0.1:2379/trans/trans.Trans/TransIn")
	if err != nil || server != "gomicro://127.0.0.1:2379/trans" || method != "/trans.Trans/TransIn" {
		t.Errorf("ParseServerMethod = %q, %q, %v", server, method, err)
	}
}

// other is a second driver, for the conflict. It has the methods of both
// dtmdriver generations, as ours do, so that the test builds at this module's
// oldest dtmdriver (v0.0.1) as well as at v0.0.6.
type other struct{}

func (other) GetName() string                                  { return "dtm-driver-other" }
func (other) RegisterAddrResolver()                            {}
func (other) RegisterService(string, string) error             { return nil }
func (other) RegisterGrpcResolver()                            {}
func (other) RegisterGrpcService(string, string) error         { return nil }
func (other) ParseServerMethod(string) (string, string, error) { return "", "", nil }

// TestSecondDriverPanics checks the message a user gets when two packages
// select different drivers: it names both and says what to import.
func TestSecondDriverPanics(t *testing.T) {
	dtmdriver.Register(other{})
	defer func() {
		msg := fmt.Sprint(recover())
		for _, want := range []string{
			"github.com/dtmkit/drivers/driver-gomicro/use: cannot select dtm-driver-other",
			gomicrodriver.Name + " is already selected",
			"blank-import a single github.com/dtmkit/drivers/driver-*/use package",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic %q\nwant it to contain %q", msg, want)
			}
		}
	}()
	mustSelect("dtm-driver-other")
}
