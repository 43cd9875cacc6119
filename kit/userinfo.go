package kit

import (
	"net/url"
	"strings"
)

// SplitUserinfo splits a URL authority "[user[:password]@]rest" of a
// registry plug-in's target. reason is set when the userinfo is malformed
// (not path-escaped, or a password without a user), for the caller's
// URLError; the password comes back as a Secret.
func SplitUserinfo(authority string) (user string, pass Secret, rest, reason string) {
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return "", Secret{}, authority, ""
	}
	rawUser, rawPass, hasPass := strings.Cut(authority[:at], ":")
	user, err := url.PathUnescape(rawUser)
	if err != nil {
		return "", Secret{}, "", "malformed user"
	}
	if hasPass {
		p, err := url.PathUnescape(rawPass)
		if err != nil {
			return "", Secret{}, "", "malformed password"
		}
		pass = NewSecret(p)
	}
	if user == "" {
		return "", Secret{}, "", "a password needs a user name"
	}
	return user, pass, authority[at+1:], ""
}

// TargetString rebuilds, as scheme://[userinfo@]host/path[?query], the
// target URL grpc parsed, for a plug-in that parses targets as text.
func TargetString(scheme string, u *url.URL) string {
	raw := scheme + "://"
	if u.User != nil {
		raw += u.User.String() + "@"
	}
	raw += u.Host + u.EscapedPath()
	if u.RawQuery != "" {
		raw += "?" + u.RawQuery
	}
	return raw
}
