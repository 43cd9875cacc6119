package kit

import (
	"net/url"
	"testing"
)

func TestSplitUserinfo(t *testing.T) {
	for _, c := range []struct {
		in, user, pass, rest, reason string
	}{
		{in: "h:1", rest: "h:1"},
		{in: "u@h:1", user: "u", rest: "h:1"},
		{in: "u:p%40ss@h:1", user: "u", pass: "p@ss", rest: "h:1"},
		{in: "u:p@x@h:1", user: "u", pass: "p@x", rest: "h:1"},
		{in: ":p@h:1", reason: "a password needs a user name"},
		{in: "%zz@h:1", reason: "malformed user"},
		{in: "u:%zz@h:1", reason: "malformed password"},
	} {
		user, pass, rest, reason := SplitUserinfo(c.in)
		if user != c.user || pass.Reveal() != c.pass || rest != c.rest || reason != c.reason {
			t.Errorf("SplitUserinfo(%q) = %q, %q, %q, %q; want %q, %q, %q, %q",
				c.in, user, pass.Reveal(), rest, reason, c.user, c.pass, c.rest, c.reason)
		}
	}
}

func TestTargetString(t *testing.T) {
	for _, raw := range []string{"consul://u:p@h:8500/svc?wait=1s", "nacos://h:8848/svc", "x://h/a%2Fb"} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := TargetString(u.Scheme, u); got != raw {
			t.Errorf("TargetString of %q = %q", raw, got)
		}
	}
}
