package kittest

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dtmkit/drivers/kit"
)

// minSecret is the shortest secret CheckNoSecret looks for: shorter ones
// occur elsewhere in a URL or an error's text by chance.
const minSecret = 6

// secretParam matches a parameter whose name ends in a secret word, and its
// value up to the next '&' (url.ParseQuery's separator). The name may be
// glued to other text and its letters, like the '=', percent-escaped, since
// url.ParseQuery decodes names before the drivers compare them.
var secretParam = regexp.MustCompile(escapable(`(?:password|passwd|pass|pwd|token|secret)=`) + `([^&]*)`)

// escapable turns a literal pattern of letters, '=' and the (?:...|...)
// around them into one that also matches each letter and the '=' as a
// percent-escape of either case, ignoring case.
func escapable(p string) string {
	var b strings.Builder
	b.WriteString("(?i)")
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '=' || 'a' <= c && c <= 'z':
			b.WriteString("(?:" + regexp.QuoteMeta(string(c)))
			for _, v := range []byte{c, upper(c)} {
				b.WriteString("|%" + hexByte(v))
			}
			b.WriteString(")")
		case c == '(' && strings.HasPrefix(p[i:], "(?:"):
			b.WriteString("(?:")
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// hexByte is c as two hex digits; (?i) makes the pattern match either case.
func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// Secrets returns what in s may be a password or a token, found without the
// code under test and erring on the side of finding too much: the value of
// every parameter whose (decoded) name ends in password, passwd, pass, pwd,
// token or secret, wherever it stands; the text between any ':' and a later
// '@' with no '/' or '?' between them (a userinfo password, wherever it
// stands); each also percent-decoded and cut at its first '/' (where a
// method may start). Only candidates of at least 6 bytes are returned.
func Secrets(s string) []string {
	var out []string
	add := func(v string) {
		for _, c := range []string{v, decode(v), cutSlash(v), cutSlash(decode(v))} {
			if len(c) >= minSecret && !contains(out, c) {
				out = append(out, c)
			}
		}
	}
	for _, m := range secretParam.FindAllStringSubmatchIndex(s, -1) {
		add(s[m[2]:m[3]])
	}
	for _, span := range userinfoPasswords(s) {
		add(s[span[0]:span[1]])
	}
	return out
}

// userinfoPasswords returns the spans from each ':' (or %3A) to each later
// '@' (or %40) with neither '/' nor '?' between.
func userinfoPasswords(s string) [][2]int {
	var spans [][2]int
	for at := 0; at < len(s); at++ {
		if !isAt(s, at) {
			continue
		}
		for i := at - 1; i >= 0 && s[i] != '/' && s[i] != '?'; i-- {
			if s[i] == ':' {
				spans = append(spans, [2]int{i + 1, at})
			} else if i+3 <= len(s) && strings.EqualFold(s[i:i+3], "%3a") {
				spans = append(spans, [2]int{i + 3, at})
			}
		}
	}
	return spans
}

func isAt(s string, i int) bool {
	return s[i] == '@' || i+3 <= len(s) && strings.EqualFold(s[i:i+3], "%40")
}

// decode decodes the valid percent-escapes of s and leaves the rest.
func decode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

func cutSlash(s string) string {
	before, _, _ := strings.Cut(s, "/")
	return before
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// public returns s with every candidate secret span blanked, with a byte
// that s does not hold, which it returns too: what remains is text an error
// may quote although it also stands in a secret.
func public(s string) (pub string, blankByte byte) {
	for strings.IndexByte(s, blankByte) >= 0 && blankByte < 0xff {
		blankByte++
	}
	b := []byte(s)
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			b[i] = blankByte
		}
	}
	for _, m := range secretParam.FindAllStringSubmatchIndex(s, -1) {
		blank(m[2], m[3])
	}
	for _, span := range userinfoPasswords(s) {
		blank(span[0], span[1])
	}
	return string(b), blankByte
}

// CheckNoSecret fails t if err shows a secret of in (see Secrets), unless
// that text also stands in a part of in that is no secret: as is,
// percent-decoded (errors may quote parameter names, which are decoded) or
// Go-quoted (errors quote their input with %q, whose escapes hold digits).
func CheckNoSecret(t testing.TB, in string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	// the placeholder is no secret, but "pass=x" would match its "pass=xxxxx"
	msg := strings.ReplaceAll(err.Error(), kit.Redacted, "\x00")
	secrets := Secrets(in)
	if len(secrets) == 0 {
		return
	}
	pub, blank := public(in)
	// the blanks stay single bytes, not escapes such as \x00, whose digits
	// could join the text around them
	escaped := strconv.Quote(string(blank))
	quoted := strings.ReplaceAll(strconv.Quote(pub), escaped[1:len(escaped)-1], string(blank))
	for _, s := range secrets {
		if strings.Contains(msg, s) && !strings.Contains(pub, s) && !strings.Contains(decode(pub), s) &&
			!strings.Contains(quoted, s) {
			t.Fatalf("error %q shows the secret %q of %q", err.Error(), s, in)
		}
	}
}
