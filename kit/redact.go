package kit

import "strings"

// Redacted replaces every secret that Redact removes.
const Redacted = "xxxxx"

// secretKeys are the query parameters whose values are secrets. Matching is
// case-insensitive.
var secretKeys = []string{"password", "pass", "passwd", "pwd", "token", "secret"}

// Redact returns s with the password of any userinfo ("user:pass@") and the
// values of secret query parameters (password, pass, token, ...) replaced by
// Redacted. It does not parse s as a URL, so it works on malformed input too,
// and it returns s itself when there is nothing to hide.
func Redact(s string) string {
	if !mayHoldSecret(s) {
		return s
	}
	return redactQuery(redactUserinfo(s))
}

func mayHoldSecret(s string) bool {
	if strings.IndexByte(s, '@') >= 0 {
		return true
	}
	lower := strings.ToLower(s)
	for _, k := range secretKeys {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// redactUserinfo hides the password in "scheme://user:pass@host".
func redactUserinfo(s string) string {
	var b strings.Builder
	for {
		at := strings.IndexByte(s, '@')
		if at < 0 {
			b.WriteString(s)
			return b.String()
		}
		// the userinfo starts after the last "//" (or "/", ",", "?") before '@'
		start := strings.LastIndexAny(s[:at], "/,?&") + 1
		if colon := strings.IndexByte(s[start:at], ':'); colon >= 0 {
			b.WriteString(s[:start+colon+1])
			b.WriteString(Redacted)
		} else {
			b.WriteString(s[:at])
		}
		b.WriteByte('@')
		s = s[at+1:]
	}
}

// redactQuery hides the values of secret keys in "k=v" pairs separated by
// '?', '&' or ';'. A value runs to the next separator or '/', so a method
// appended after a query survives.
func redactQuery(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			break
		}
		eq += i
		keyStart := strings.LastIndexAny(s[:eq], "?&;") + 1
		end := eq + 1
		for end < len(s) && !strings.ContainsRune("&;#/", rune(s[end])) {
			end++
		}
		if keyStart > 0 && keyStart >= i && isSecretKey(s[keyStart:eq]) {
			b.WriteString(s[i : eq+1])
			b.WriteString(Redacted)
		} else {
			b.WriteString(s[i:end])
		}
		i = end
	}
	b.WriteString(s[i:])
	return b.String()
}

func isSecretKey(k string) bool {
	for _, sk := range secretKeys {
		if strings.EqualFold(k, sk) {
			return true
		}
	}
	return false
}
