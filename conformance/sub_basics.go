package conformance

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/kit"
	"google.golang.org/protobuf/types/known/emptypb"
)

// testInterface checks the driver in use is the harness' and that it has
// both generations of methods.
func testInterface(t *testing.T, e *Env) {
	d := dtmdriver.GetDriver()
	if got := d.GetName(); got != e.Harness.DriverName() {
		t.Fatalf("dtm uses driver %q, want %q", got, e.Harness.DriverName())
	}
	legacy, ok := d.(kit.LegacyDriver)
	if !ok {
		t.Fatalf("%T lacks the dtmdriver v0.0.1-v0.0.3 methods (RegisterGrpcResolver, RegisterGrpcService)", d)
	}
	if err := d.RegisterService("", ""); err != nil {
		t.Errorf("RegisterService with an empty target: %v, want a no-op", err)
	}
	if err := legacy.RegisterGrpcService("", ""); err != nil {
		t.Errorf("RegisterGrpcService with an empty target: %v, want a no-op", err)
	}
}

// genericParseCases hold for every driver.
func genericParseCases(e *Env) []ParseCase {
	ok := e.URL + busi.TransIn
	return []ParseCase{
		{URL: "127.0.0.1:8080" + busi.TransIn, Server: "127.0.0.1:8080", Method: busi.TransIn},
		{URL: ok, Method: busi.TransIn}, // Server depends on the driver
		{URL: "", WantErr: "empty"},
		{URL: "/", WantErr: "bad URL"},
		{URL: "//", WantErr: "bad URL"},
		{URL: "no-method", WantErr: "bad URL"},
		{URL: "127.0.0.1:8080", WantErr: "bad URL"},
		{URL: e.URL, WantErr: "bad URL"},
		{URL: e.URL + "/busi.Busi/", WantErr: "bad URL"},
		{URL: e.URL + "//TransIn", WantErr: "bad URL"},
		{URL: "unknownscheme://127.0.0.1:1/key" + busi.TransIn, WantErr: "bad URL"},
		{URL: "://127.0.0.1:1/key" + busi.TransIn, WantErr: "bad URL"},
		{URL: "\x00\xff://\x7f" + busi.TransIn, WantErr: "bad URL"},
		{URL: "unknownscheme://root:hunter2@127.0.0.1:1/key" + busi.TransIn + "?token=hunter2", WantErr: "bad URL"},
	}
}

// testParseServerMethod runs the generic cases and the harness' own: valid
// URLs split as expected; malformed ones give an error quoting the input,
// redacted; nothing panics.
func testParseServerMethod(t *testing.T, e *Env) {
	d := dtmdriver.GetDriver()
	for _, c := range append(genericParseCases(e), e.Harness.ParseCases()...) {
		server, method, err, panicked := parseSafely(d, c.URL)
		name := fmt.Sprintf("ParseServerMethod(%q)", c.URL)
		switch {
		case panicked != nil:
			t.Errorf("%s panicked: %v", name, panicked)
		case c.WantErr == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case c.WantErr == "" && (method != c.Method || server == "" || c.Server != "" && server != c.Server):
			t.Errorf("%s = %q, %q; want %q, %q", name, server, method, c.Server, c.Method)
		case c.WantErr != "" && err == nil:
			t.Errorf("%s = %q, %q, nil; want an error containing %q", name, server, method, c.WantErr)
		case c.WantErr != "" && !strings.Contains(err.Error(), c.WantErr):
			t.Errorf("%s error %q does not say %q", name, err, c.WantErr)
		case c.WantErr != "" && c.URL != "" && !strings.Contains(err.Error(), strconv.Quote(kit.Redact(c.URL))):
			t.Errorf("%s error %q does not quote the (redacted) input", name, err)
		case err != nil && strings.Contains(err.Error(), "hunter2"):
			t.Errorf("%s error leaks a secret: %q", name, err)
		}
	}
}

func parseSafely(d dtmdriver.Driver, url string) (server, method string, err error, panicked any) {
	defer func() { panicked = recover() }()
	server, method, err = d.ParseServerMethod(url)
	return
}

// testRegisterService checks dtm registered itself through the driver at
// start-up, by reaching it through the driver's URL.
func testRegisterService(t *testing.T, e *Env) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := dtmgimp.GetGrpcConn(e.DtmURL, false)
	if err != nil {
		t.Fatalf("dial dtm at %q: %v", e.DtmURL, err)
	}
	reply, err := dtmgpb.NewDtmClient(conn).NewGid(ctx, &emptypb.Empty{})
	if err != nil {
		t.Fatalf("NewGid through %q: %v", e.DtmURL, err)
	}
	if reply.Gid == "" {
		t.Fatal("NewGid returned an empty gid")
	}
}
