package kit

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const marker = "Mk0123Secret"

// TestEtcdTargetShowsNoPassword: no exported string nor any formatting of
// an EtcdTarget carries its password, directly or inside another struct.
func TestEtcdTargetShowsNoPassword(t *testing.T) {
	for _, in := range []string{
		"etcd://root:" + marker + "@h:2379/k",
		"etcd://h:2379/k?user=root&pass=" + marker + "&tls=true",
	} {
		tgt, err := ParseEtcdTarget(in)
		if err != nil {
			t.Fatal(err)
		}
		if tgt.Pass.Reveal() != marker {
			t.Fatalf("ParseEtcdTarget(%q) lost the password", in)
		}
		holder := struct {
			target EtcdTarget
			list   []EtcdTarget
		}{tgt, []EtcdTarget{tgt}}
		js, _ := json.Marshal(tgt)
		for name, s := range map[string]string{
			"String":     tgt.String(),
			"ClusterKey": tgt.ClusterKey(),
			"%v":         fmt.Sprintf("%v", tgt),
			"%+v":        fmt.Sprintf("%+v", tgt),
			"%#v":        fmt.Sprintf("%#v", tgt),
			"%+v &":      fmt.Sprintf("%+v", &tgt),
			"%+v holder": fmt.Sprintf("%+v", holder),
			"%#v holder": fmt.Sprintf("%#v", holder),
			"%v Pass":    fmt.Sprintf("%v %s %q %x", tgt.Pass, tgt.Pass, tgt.Pass, tgt.Pass),
			"JSON":       string(js),
		} {
			if strings.Contains(s, marker) {
				t.Errorf("%s of %q shows the password: %s", name, in, s)
			}
		}
		if s := tgt.String(); !strings.Contains(s, "user=root") || !strings.Contains(s, "pass="+Redacted) {
			t.Errorf("String() = %q: want the user and a redacted pass", s)
		}
	}
}

func TestClusterKey(t *testing.T) {
	key := func(s string) string {
		tgt, err := ParseEtcdTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		return tgt.ClusterKey()
	}
	if key("etcd://h1:1,h2:2/a") != key("etcd:///h2:2,h1:1?key=b") {
		t.Error("ClusterKey depends on the host order or the key")
	}
	for _, other := range []string{
		"etcd://h1:1,h2:2/a?user=u&pass=p",
		"etcd://h1:1,h2:2/a?user=u&pass=q",
		"etcd://h1:1,h2:2/a?user=v&pass=p",
		"etcd://h1:1,h2:2/a?user=u&passwordFile=/p",
		"etcd://h1:1,h2:2/a?tls=true",
	} {
		if key(other) == key("etcd://h1:1,h2:2/a") {
			t.Errorf("ClusterKey(%q) is that of the same hosts without credentials", other)
		}
	}
	if key("etcd://h:1/a?user=u&pass=p") == key("etcd://h:1/a?user=u&pass=q") {
		t.Error("ClusterKey ignores the password")
	}
}

// TestPasswordFile: the password is read when asked for, not when the
// target is parsed, so a rotated file is read on the next connection; errors
// name the file, not its content.
func TestPasswordFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "etcd-password")
	tgt, err := ParseEtcdTarget("etcd://h:1/k?user=root&passwordFile=" + file)
	if err != nil {
		t.Fatalf("parse with a missing file: %v", err)
	}
	if tgt.PassFile != file || tgt.Pass.IsSet() {
		t.Fatalf("parsed %+v", tgt)
	}
	if _, err := tgt.Password(); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("Password() with no file: %v, want an error naming %s", err, file)
	}
	for _, content := range []string{marker + "\n", marker + "-rotated\r\n"} {
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := tgt.Password(); err != nil || got != strings.TrimRight(content, "\r\n") {
			t.Errorf("Password() = %q, %v; want the file's first line", got, err)
		}
	}
	if err := os.WriteFile(file, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := tgt.Password(); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Password() of an empty file: %v", err)
	}
	if strings.Contains(fmt.Sprintf("%+v %s", tgt, tgt.ClusterKey()), marker) {
		t.Error("the target shows the file's content")
	}
}

func TestReadSecretFileErrorsShowNoContent(t *testing.T) {
	file := filepath.Join(t.TempDir(), "big")
	if err := os.WriteFile(file, []byte(strings.Repeat(marker, maxSecretFile/len(marker)+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadSecretFile(file)
	if err == nil || !strings.Contains(err.Error(), file) || strings.Contains(err.Error(), marker) {
		t.Errorf("ReadSecretFile of a too large file: %v", err)
	}
}
