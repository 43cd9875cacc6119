package kittest

import (
	"fmt"
	"strings"
	"testing"

	"google.golang.org/grpc/resolver"
)

// ParsingDriver is the part of dtmdriver.Driver a use package's test reads,
// so that kittest needs no dtmdriver.
type ParsingDriver interface {
	GetName() string
	ParseServerMethod(uri string) (server, method string, err error)
}

// OtherDriver is a second driver, "dtm-driver-other", for the conflict a use
// package must report. It has the methods of both dtmdriver generations, as
// ours do, so that it registers at any dtmdriver version.
type OtherDriver struct{}

// OtherDriverName is OtherDriver's name.
const OtherDriverName = "dtm-driver-other"

// GetName returns OtherDriverName.
func (OtherDriver) GetName() string { return OtherDriverName }

// RegisterAddrResolver does nothing.
func (OtherDriver) RegisterAddrResolver() {}

// RegisterService registers nothing and returns nil.
func (OtherDriver) RegisterService(string, string) error { return nil }

// RegisterGrpcResolver does nothing.
func (OtherDriver) RegisterGrpcResolver() {}

// RegisterGrpcService registers nothing and returns nil.
func (OtherDriver) RegisterGrpcService(string, string) error { return nil }

// ParseServerMethod returns empty strings and nil.
func (OtherDriver) ParseServerMethod(string) (string, string, error) { return "", "", nil }

// UsePackage describes a driver's use package (driver-*/use), whose blank
// import registers and selects the driver in a client.
type UsePackage struct {
	// Path is the package's import path, which its panic names.
	Path string
	// Driver is the driver's name.
	Driver string
	// Selected returns dtmdriver.GetDriver().
	Selected func() ParsingDriver
	// Scheme is a scheme the driver resolves; URL a branch URL on it, and
	// Server and Method its split.
	Scheme, URL, Server, Method string
	// RegisterOther registers OtherDriver with dtmdriver.Register.
	RegisterOther func(OtherDriver)
	// Select is the package's own selection function, called with
	// OtherDriverName after the package's driver is selected.
	Select func(name string)
}

// CheckUsePackage checks what the blank import gives a client (the driver is
// dtm's, its scheme resolves, URLs split), then that selecting a second
// driver panics with a message naming both and what to import.
func CheckUsePackage(t *testing.T, p UsePackage) {
	t.Helper()
	d := p.Selected()
	if got := d.GetName(); got != p.Driver {
		t.Fatalf("selected driver = %q, want %q", got, p.Driver)
	}
	if resolver.Get(p.Scheme) == nil {
		t.Errorf("no resolver for %s:// after the import", p.Scheme)
	}
	server, method, err := d.ParseServerMethod(p.URL)
	if err != nil || server != p.Server || method != p.Method {
		t.Errorf("ParseServerMethod(%q) = %q, %q, %v; want %q, %q", p.URL, server, method, err, p.Server, p.Method)
	}

	p.RegisterOther(OtherDriver{})
	msg := func() (msg string) {
		defer func() { msg = fmt.Sprint(recover()) }()
		p.Select(OtherDriverName)
		return "no panic"
	}()
	for _, want := range []string{
		p.Path + ": cannot select " + OtherDriverName,
		p.Driver + " is already selected",
		"blank-import a single github.com/dtmkit/drivers/driver-*/use package",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("selecting a second driver: panic %q\nwant it to contain %q", msg, want)
		}
	}
}
