package kit

import (
	"sort"
	"strings"
)

// Redacted replaces every secret that Redact removes.
const Redacted = "xxxxx"

// secretWords end the names of parameters whose values are secrets.
var secretWords = []string{"password", "passwd", "pass", "pwd", "token", "secret"}

// Redact returns s with its secrets replaced by Redacted. It errs on the
// side of hiding too much, since an over-redacted message costs nothing and
// an under-redacted one leaks:
//
//   - the value of every parameter whose name ends in password, passwd,
//     pass, pwd, token or secret, in any case and wherever it stands
//     ("?pass=", "&Svcpass=", "pass=" at the start), up to the next '&' or
//     the end of s: a value may hold '/', so a method written after it goes
//     too. Names are compared percent-decoded, as url.ParseQuery decodes
//     them ("p%61ss=" is "pass="), and an escaped '=' counts as one;
//   - the password of any userinfo: in each run of s between '/' and '?',
//     from the first ':' to the last '@' ("user:p@ss@host" hides "p@ss"),
//     escaped ':' and '@' included.
//
// It does not parse s as a URL, so it works on malformed input and on log
// lines, and it returns s itself, without allocating, when s holds no '@',
// no '%' and no secret name followed by '='.
func Redact(s string) string {
	if strings.IndexByte(s, '=') < 0 && strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '%') < 0 {
		return s
	}
	v := newView(s)
	spans := v.userinfoSpans(v.paramSpans(nil))
	if len(spans) == 0 {
		return s
	}
	return replaceSpans(s, spans)
}

// view is s with its percent-escapes decoded; each decoded byte remembers
// where it starts in s. Without a '%' in s it is s itself, and allocates
// nothing.
type view struct {
	s   string
	dec []byte // nil when s has no '%'
	off []int  // off[i]: where dec[i] starts in s; off[len(dec)] = len(s)
}

func newView(s string) view {
	v := view{s: s}
	if strings.IndexByte(s, '%') < 0 {
		return v
	}
	v.dec = make([]byte, 0, len(s))
	v.off = make([]int, 0, len(s)+1)
	for i := 0; i < len(s); i++ {
		v.off = append(v.off, i)
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v.dec = append(v.dec, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		v.dec = append(v.dec, s[i])
	}
	v.off = append(v.off, len(s))
	return v
}

func (v *view) len() int {
	if v.dec == nil {
		return len(v.s)
	}
	return len(v.dec)
}

// at is the i-th decoded byte.
func (v *view) at(i int) byte {
	if v.dec == nil {
		return v.s[i]
	}
	return v.dec[i]
}

// raw is where the i-th decoded byte starts in s.
func (v *view) raw(i int) int {
	if v.dec == nil {
		return i
	}
	return v.off[i]
}

// literal reports whether the i-th decoded byte is c as written, not escaped.
func (v *view) literal(i int, c byte) bool { return v.s[v.raw(i)] == c }

// paramSpans appends the spans of s holding the values of secret parameters.
func (v *view) paramSpans(spans [][2]int) [][2]int {
	for i := 0; i < v.len(); i++ {
		if v.at(i) != '=' || !v.secretNameBefore(i) {
			continue
		}
		start := v.raw(i + 1)
		end := strings.IndexByte(v.s[start:], '&') // an escaped '&' is part of the value
		if end < 0 {
			end = len(v.s)
		} else {
			end += start
		}
		if end > start {
			spans = append(spans, [2]int{start, end})
		}
	}
	return spans
}

// secretNameBefore reports whether the decoded text before i ends in a
// secret word, ignoring ASCII case.
func (v *view) secretNameBefore(i int) bool {
	for _, w := range secretWords {
		if i < len(w) {
			continue
		}
		k := 0
		for k < len(w) && lower(v.at(i-len(w)+k)) == w[k] {
			k++
		}
		if k == len(w) {
			return true
		}
	}
	return false
}

// userinfoSpans appends the spans of s holding userinfo passwords: in each
// run between a literal '/' or '?', from after the first ':' to the last '@'.
func (v *view) userinfoSpans(spans [][2]int) [][2]int {
	start := 0
	for i := 0; i <= v.len(); i++ {
		if i < v.len() && !(v.at(i) == '/' && v.literal(i, '/') || v.at(i) == '?' && v.literal(i, '?')) {
			continue
		}
		at, colon := -1, -1
		for j := i - 1; j >= start; j-- {
			if v.at(j) == '@' {
				at = j
				break
			}
		}
		for j := start; j < at; j++ {
			if v.at(j) == ':' {
				colon = j
				break
			}
		}
		if colon >= 0 && colon+1 < at {
			spans = append(spans, [2]int{v.raw(colon + 1), v.raw(at)})
		}
		start = i + 1
	}
	return spans
}

// replaceSpans replaces each span of s, merged where they overlap or touch,
// by Redacted.
func replaceSpans(s string, spans [][2]int) string {
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	b.Grow(len(s))
	done := 0 // s[:done] is written
	for i := 0; i < len(spans); {
		start, end := spans[i][0], spans[i][1]
		for i++; i < len(spans) && spans[i][0] <= end; i++ {
			end = max(end, spans[i][1])
		}
		b.WriteString(s[done:start])
		b.WriteString(Redacted)
		done = end
	}
	b.WriteString(s[done:])
	return b.String()
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
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
