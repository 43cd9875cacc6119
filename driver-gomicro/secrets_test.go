package gomicrodriver

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

const marker = "Mk0123Secret"

// TestPasswordFile: a target names its password by a file, which is read
// when the driver connects, not when the target is parsed; a missing file
// is an error naming it, before any etcd is contacted.
func TestPasswordFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "etcd-password")
	target := "gomicro://127.0.0.1:1/dtmservice?user=root&passwordFile=" + file
	tgt, err := parseTarget(target, target)
	if err != nil {
		t.Fatalf("parse with a file yet to be written: %v", err)
	}
	if tgt.PassFile != file {
		t.Fatalf("parsed %v", tgt)
	}
	d := &Driver{}
	defer d.Close()
	if _, _, err := parseServerMethod(target + "/pkg.Svc/M"); err != nil {
		t.Fatalf("ParseServerMethod with a password file: %v", err)
	}
	err = d.RegisterGrpcService(target, "127.0.0.1:2")
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("RegisterGrpcService with no file: %v, want an error naming %s", err, file)
	}
}

// TestCredentialsDoNotFormat: the parsed target, which the driver keeps for
// its clusters, prints no password in any format.
func TestCredentialsDoNotFormat(t *testing.T) {
	target := "gomicro://root:" + marker + "@127.0.0.1:1/dtmservice"
	tgt, err := parseTarget(target, target)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"%v", "%+v", "%#v"} {
		if s := fmt.Sprintf(f, tgt); strings.Contains(s, marker) {
			t.Errorf("%s shows the password: %s", f, s)
		}
	}
}
