package polaris

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const marker = "Mk0123Secret"

// TestTokenFile: a target names its service token by a file, read for each
// request, not when the target is parsed, so a rotated file is read by the
// next one; errors name the file, never its content.
func TestTokenFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "polaris-token")
	target := "polaris://dtm?namespace=prod&tokenFile=" + file
	r, err := parseRegistration(target, "10.0.0.1:36790")
	if err != nil {
		t.Fatalf("parse with a file yet to be written: %v", err)
	}
	if _, err := r.serviceToken(); err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("serviceToken with no file: %v, want an error naming %s", err, file)
	}
	// RegisterService reads it before it creates the SDK context
	d := &Driver{}
	err = d.RegisterService(target, "10.0.0.1:36790")
	if err == nil || !strings.Contains(err.Error(), file) {
		t.Errorf("RegisterService with no file: %v, want an error naming %s", err, file)
	}
	if d.current() != nil {
		t.Error("RegisterService created the SDK context before reading the token")
	}
	for _, token := range []string{marker, marker + "-rotated"} {
		if err := os.WriteFile(file, []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, err := r.serviceToken(); err != nil || got.Reveal() != token {
			t.Errorf("serviceToken = %v, %v; want the file's %q", got, err, token)
		}
	}
	if _, err := parseRegistration(target+"&token=x", "10.0.0.1:36790"); err == nil || !strings.Contains(err.Error(), "give one") {
		t.Errorf("token and tokenFile: %v", err)
	}
}

// TestRegistrationDoesNotFormat: a registration, which Close keeps, prints
// no token in any format.
func TestRegistrationDoesNotFormat(t *testing.T) {
	r, err := parseRegistration("polaris://dtm?namespace=prod&token="+marker, "10.0.0.1:36790")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{r, *r} {
		for _, f := range []string{"%v", "%+v", "%#v"} {
			if s := fmt.Sprintf(f, v); strings.Contains(s, marker) {
				t.Errorf("%s of %T shows the token: %s", f, v, s)
			}
		}
	}
}
