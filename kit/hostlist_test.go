package kit

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateHostList(t *testing.T) {
	for _, ok := range []string{"a:1", "a:1,b:2", "[::1]:2379,10.0.0.1:2379"} {
		if err := ValidateHostList(ok); err != nil {
			t.Errorf("ValidateHostList(%q): %v", ok, err)
		}
		if n := testing.AllocsPerRun(100, func() { _ = ValidateHostList(ok) }); n != 0 {
			t.Errorf("ValidateHostList(%q) allocates %v times", ok, n)
		}
	}
	bad := map[string]string{
		"":               "is not host:port",
		"a:1,":           "is not host:port",
		",a:1":           "is not host:port",
		"a:1,b":          `"b" is not host:port`,
		"a:1,:2":         "has no host",
		"a:1,b:0":        "no valid port",
		"u:hunter2@a:1,": "is not host:port",
	}
	for in, want := range bad {
		err := ValidateHostList(in)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("ValidateHostList(%q) = %v, want %q without the secret", in, err, want)
		}
	}
}

func TestQueryNames(t *testing.T) {
	q := map[string][]string{"pas": {"hunter2"}, "b": {"1"}, "a": {"2", "3"}}
	if got := QueryNames(q); got != "a, b, pas" {
		t.Errorf("QueryNames = %q, want sorted names and no value", got)
	}
	if got := QueryNames(nil); got != "" {
		t.Errorf("QueryNames(nil) = %q", got)
	}
}

func TestDriverError(t *testing.T) {
	if DriverError("dtm-driver-x", nil) != nil {
		t.Fatal("a nil error got a prefix")
	}
	inner := NewURLError("etcd://h/k", "no method", nil)
	err := DriverError("dtm-driver-x", inner)
	if got := err.Error(); got != `dtm-driver-x: bad URL "etcd://h/k": no method` {
		t.Errorf("prefixed error %q", got)
	}
	var ue *URLError
	if !errors.As(err, &ue) || ue != inner {
		t.Error("the prefixed error does not unwrap to the URLError")
	}
	if again := DriverError("dtm-driver-x", err); again != err {
		t.Errorf("prefixed twice: %q", again)
	}
}
