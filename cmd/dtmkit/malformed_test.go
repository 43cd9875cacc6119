package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/dtm-labs/dtmdriver"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	polaris "github.com/dtmkit/drivers/driver-polaris"
	protocol1 "github.com/dtmkit/drivers/driver-protocol1"
	"github.com/dtmkit/drivers/kit"
	"github.com/dtmkit/drivers/kit/kittest"
)

// splitters are a fresh instance of each driver, outside dtmdriver's
// selection: splitting needs no resolver and no network.
func splitters() map[string]dtmdriver.Driver {
	return map[string]dtmdriver.Driver{
		gozero.Name:       &gozero.Driver{},
		kratosdriver.Name: &kratosdriver.Driver{},
		polaris.Name:      &polaris.Driver{},
		protocol1.Name:    &protocol1.Driver{},
	}
}

// splitReport runs the split step of uri with the driver d and renders the
// report both ways.
func splitReport(t testing.TB, d dtmdriver.Driver, uri string) (*Report, string) {
	t.Helper()
	rep := &Report{Check: "url", Input: kit.Redact(uri)} // as checkURL does
	_, _, _ = splitStep(rep, drivers[d.GetName()], d, uri)
	rep.finish("")
	var text, js bytes.Buffer
	if err := rep.write(&text, false); err != nil {
		t.Fatal(err)
	}
	if err := rep.write(&js, true); err != nil {
		t.Fatal(err)
	}
	return rep, text.String() + js.String()
}

// TestMalformedURLs: each driver's split step on malformed URLs fails with
// a message that quotes the URL redacted and says what to write, and
// nothing panics.
func TestMalformedURLs(t *testing.T) {
	cases := []struct{ url, want string }{
		{"", "empty URL"},
		{"/", ""},
		{"etcd://", ""},
		{"etcd://127.0.0.1:2379", "no method"},
		{"etcd://127.0.0.1:2379/trans.rpc", ""},
		{"etcd://127.0.0.1:2379/trans.rpc/TransOut", ""},
		{"etcd://127.0.0.1:2379//trans.TransSvc/TransOut", ""},
		{"://x/a.B/C", "empty scheme"},
		{"etcd://127.0.0.1:2379/trans.rpc/trans.TransSvc/TransOut?user=root&pass=hunter2secret&x=%zz", ""},
		{"etcd://root:hunter2secret@/k/a.B/C", ""},
		{"polaris:///a.B/C", ""},
		{"\x00\xff/a.B/C", ""},
		{strings.Repeat("a/", 5000), ""},
	}
	for name, d := range splitters() {
		for _, c := range cases {
			rep, out := splitReport(t, d, c.url)
			s := rep.failed()
			if s == nil {
				continue // a form this driver accepts
			}
			if rep.OK || s.Fix == "" {
				t.Errorf("%s %q: failed without a fix: %+v", name, c.url, s)
			}
			if c.want != "" && !strings.Contains(s.Summary, c.want) {
				t.Errorf("%s %q: %q lacks %q", name, c.url, s.Summary, c.want)
			}
			kittest.CheckNoSecret(t, c.url, errors.New(out))
		}
	}
}

// FuzzSplitStep: no input makes the split step or the report panic, an
// accepted URL has a server and a method, and no output shows a secret.
func FuzzSplitStep(f *testing.F) {
	for _, s := range kittest.Seeds {
		f.Add(s)
	}
	ds := splitters()
	f.Fuzz(func(t *testing.T, uri string) {
		for _, d := range ds {
			rep, out := splitReport(t, d, uri)
			if rep.failed() == nil && (rep.Server == "" || !strings.HasPrefix(rep.Method, "/")) {
				t.Errorf("%s accepted %q with server %q method %q", d.GetName(), uri, rep.Server, rep.Method)
			}
			kittest.CheckNoSecret(t, uri, errors.New(out))
		}
	})
}

// TestUsage: a wrong command line is exit status 2 and says what to give.
func TestUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "usage:"},
		{[]string{"chek"}, `unknown command "chek"`},
		{[]string{"check"}, "no URL"},
		{[]string{"check", "a/b.C/D", "e/f.G/H"}, "one URL at a time"},
		{[]string{"check", "-c", "x.yml", "a/b.C/D?pass=hunter2secret"}, "give either -c conf.yml or a URL"},
		{[]string{"check", "-timeout", "-1s", "a/b.C/D"}, "-timeout must be positive"},
		{[]string{"check", "-nosuchflag", "a/b.C/D"}, "flag provided but not defined"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", c.args, code, exitUsage)
		}
		if !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%q: stderr %q lacks %q", c.args, stderr.String(), c.want)
		}
		if strings.Contains(stderr.String(), "hunter2secret") {
			t.Errorf("%q: the secret is in %q", c.args, stderr.String())
		}
	}
	if code := run([]string{"check", "-h"}, io.Discard, io.Discard); code != exitOK {
		t.Errorf("-h: exit %d", code)
	}
}

// TestUnknownDriver and friends fail before any driver is selected, so
// they run in this process.
func TestDriverChoice(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "-driver", "gozer", "etcd://h:2379/k/a.B/C"}, "did you mean dtm-driver-gozero?"},
		{[]string{"check", "zookeeper://h:2181/k/a.B/C"}, "no bundled driver serves zookeeper:// URLs"},
		{[]string{"check", "consul://h:8500/k/a.B/C"}, "consul:// is served by dtm-driver-gozero and dtm-driver-kratos"},
		{[]string{"check", "direct:///h:1/a.B/C"}, "direct:// is served by dtm-driver-gozero and dtm-driver-kratos"},
	} {
		var stdout bytes.Buffer
		if code := run(c.args, &stdout, io.Discard); code != exitFail {
			t.Errorf("%q: exit %d, want %d", c.args, code, exitFail)
		}
		if !strings.Contains(stdout.String(), c.want) {
			t.Errorf("%q: output %q lacks %q", c.args, stdout.String(), c.want)
		}
	}
}

// TestMethodSuggestion covers the mistakes methodSuggestion names.
func TestMethodSuggestion(t *testing.T) {
	known := []string{"/trans.TransSvc/trans_out", "/trans.TransSvc/TransIn", "/busi.v1.Busi/TransIn"}
	for _, c := range []struct{ method, meant, why string }{
		{"/trans.TransSvc/TransOut", "/trans.TransSvc/trans_out", "is a Go name"},
		{"/trans.TransSvc/transin", "/trans.TransSvc/TransIn", "case-sensitive"},
		{"/TransSvc/TransIn", "/trans.TransSvc/TransIn", "with its proto package"},
		{"/trans.TransSvcClient/TransIn", "/trans.TransSvc/TransIn", "is a Go type name"},
		{"/busipb.Busi/TransIn", "/busi.v1.Busi/TransIn", "the proto package is busi.v1"},
		{"/trans.TransSvc/TransInn", "/trans.TransSvc/TransIn", "closest"},
		{"/x.Y/Z", "", ""},
	} {
		meant, why := methodSuggestion(c.method, known)
		if meant != c.meant || !strings.Contains(why, c.why) {
			t.Errorf("%s: got %q (%q), want %q (%q)", c.method, meant, why, c.meant, c.why)
		}
	}
}

// TestParseProto reads the services of a .proto file, comments and
// strings aside.
func TestParseProto(t *testing.T) {
	m, err := protoMethods([]string{"testdata/trans.proto"})
	if err != nil || strings.Join(m, " ") != "/trans.TransSvc/trans_out /trans.TransSvc/trans_in" {
		t.Errorf("got %q, %v", m, err)
	}
	for _, src := range []string{"", "service S {", "syntax = \"proto3\"; message M {}", "\x00{{{"} {
		if _, err := parseProto(src); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}
