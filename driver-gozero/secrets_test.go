package gozero

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit"
)

const marker = "Mk0123Secret"

// TestCredentialsDoNotFormat: what the driver holds a password in prints
// none, in any format, alone or inside the driver.
func TestCredentialsDoNotFormat(t *testing.T) {
	tgt, err := parseEtcdTarget("etcd://h:2379/k?user=root&pass=" + marker)
	if err != nil {
		t.Fatal(err)
	}
	sec := etcdSecurity{user: tgt.User, pass: tgt.Pass, tls: tgt.TLS}
	pub := &publication{target: tgt, endpoint: "127.0.0.1:1"}
	d := &Driver{publications: []*publication{pub}}
	for _, v := range []any{sec, pub, d} {
		for _, f := range []string{"%v", "%+v", "%#v"} {
			if s := fmt.Sprintf(f, v); strings.Contains(s, marker) {
				t.Errorf("%s of %T shows the password: %s", f, v, s)
			}
		}
	}
}

// TestPasswordFile: a target names its password by a file, which is read
// when the driver connects, not when the target is parsed; a missing file
// is an error naming it.
func TestPasswordFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "etcd-password")
	target := "etcd://pwfile.invalid:2379/k?user=root&passwordFile=" + file
	tgt, err := parseEtcdTarget(target)
	if err != nil {
		t.Fatalf("parse with a file yet to be written: %v", err)
	}
	if _, _, err := parseServerMethod(target + "/pkg.Svc/M"); err != nil {
		t.Fatalf("ParseServerMethod with a password file: %v", err)
	}
	_, err = applySecurity(tgt)
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("applySecurity with no file: %v, want an error naming %s", err, file)
	}
	err = (&Driver{}).RegisterGrpcService(target, "127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Fatalf("RegisterGrpcService with no file: %v, want an error naming %s", err, file)
	}
	if err := os.WriteFile(file, []byte(marker+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	release, err := applySecurity(tgt)
	if err != nil {
		t.Fatalf("applySecurity with the file: %v", err)
	}
	defer release()
	// the same file again is the same identity; it is read again
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if _, err := applySecurity(tgt); err == nil || strings.Contains(err.Error(), marker) {
		t.Errorf("applySecurity after the file went: %v, want an error without the password", err)
	}
	// the password inline is another identity for these hosts
	inline := tgt
	inline.PassFile, inline.Pass = "", kit.NewSecret(marker)
	if _, err := applySecurity(inline); err == nil || strings.Contains(err.Error(), marker) {
		t.Errorf("a second identity: %v, want a refusal without the password", err)
	}
}
