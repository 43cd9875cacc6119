package kit

import (
	"strings"
)

// BranchURL is a branch URL split into its parts. Every field is a substring
// of the input, except Server when a query had to be moved in front of the
// method, so splitting the common forms allocates nothing.
type BranchURL struct {
	// Server is what dtm passes to grpc.Dial: everything but the method, with
	// the query (if any) kept at its end.
	Server string
	// Method is the gRPC method, "/pkg.Service/Method".
	Method string
	// Scheme is the part before "://", or "" for a plain "host:port/..." URL.
	Scheme string
	// Authority is what stands between "://" and the next "/" (hosts for
	// etcd's legacy form, empty in "etcd:///hosts?key=k").
	Authority string
	// Endpoint is the path between the authority and the method, without its
	// leading "/"; it may itself contain "/" (nested etcd keys).
	Endpoint string
	// Query is the query string without its "?", or "".
	Query string
}

// SplitBranchURL splits a dtm branch URL by the rules every driver here
// follows:
//   - the gRPC method is the last two path segments, "/pkg.Service/Method";
//   - a URL with no scheme ("host:port/pkg.Svc/M") splits at its first "/",
//     as dtm's default driver does;
//   - a query belongs to the server wherever the method was appended, so both
//     "etcd://h/key/pkg.Svc/M?user=u" and go-zero's BuildTarget form
//     "etcd:///h1,h2?key=k/pkg.Svc/M" give a server ending in the query.
//
// It checks only the shape common to all schemes; a driver checks the scheme
// and which of Authority and Endpoint it needs. Errors quote the input with
// secrets redacted.
func SplitBranchURL(uri string) (BranchURL, error) {
	var u BranchURL
	if uri == "" {
		return u, urlError(uri, "empty URL")
	}
	// A scheme is what precedes the first ':' when "//" follows it; in
	// "host:port/..." the first ':' is followed by the port.
	colon := strings.IndexByte(uri, ':')
	if colon < 0 || len(uri) < colon+3 || uri[colon+1] != '/' || uri[colon+2] != '/' {
		return splitPlain(uri)
	}
	if colon == 0 {
		return u, urlError(uri, "empty scheme")
	}
	u.Scheme = uri[:colon]
	if !validScheme(u.Scheme) {
		return u, urlError(uri, "invalid scheme")
	}
	restStart := colon + 3
	rest := uri[restStart:] // authority, path and query

	var path string // authority and endpoint
	q := strings.IndexByte(rest, '?')
	if m, ok := methodAfterQuery(rest, q); ok {
		// BuildTarget form: the method was appended after the query.
		u.Method, u.Server, u.Query = rest[m:], uri[:restStart+m], rest[q+1:m]
		path = rest[:q]
	} else {
		path = rest
		if q >= 0 {
			path, u.Query = rest[:q], rest[q+1:]
		}
		m, reason := methodStart(path)
		if reason != "" {
			return u, urlError(uri, reason)
		}
		u.Method = path[m:]
		if q >= 0 { // the query was appended after the method: it belongs to the server
			u.Server = uri[:restStart+m] + rest[q:]
		} else {
			u.Server = uri[:restStart+m]
		}
		path = path[:m]
	}
	if slash := strings.IndexByte(path, '/'); slash >= 0 {
		u.Authority, u.Endpoint = path[:slash], path[slash+1:]
		if u.Endpoint == "" {
			return u, urlError(uri, "empty path segment before the method")
		}
	} else {
		u.Authority = path
	}
	if hasEmptySegment(u.Endpoint) {
		return u, urlError(uri, "empty path segment")
	}
	return u, nil
}

// methodAfterQuery reports whether rest, whose query starts at q, ends with
// a method appended after the query, and where that method starts. That is
// go-zero's BuildTarget form, "scheme:///hosts?key=k/pkg.Svc/M" (empty
// authority), or any URL whose path before the query holds no method. When
// the path already ends with a method, a "/" in the query is part of a value
// ("...?caFile=/ca.pem").
func methodAfterQuery(rest string, q int) (int, bool) {
	if q < 0 || strings.IndexByte(rest[q:], '/') < 0 {
		return 0, false
	}
	m, reason := methodStart(rest)
	if reason != "" || m < q || strings.IndexByte(rest[m:], '?') >= 0 {
		return 0, false
	}
	if rest[0] != '/' {
		if _, reason := methodStart(rest[:q]); reason == "" {
			return 0, false
		}
	}
	return m, true
}

// methodStart returns the index of the "/" that starts the method made of
// s's last two segments, or a reason why s has no such method.
func methodStart(s string) (int, string) {
	last := strings.LastIndexByte(s, '/')
	first := -1
	if last > 0 {
		first = strings.LastIndexByte(s[:last], '/')
	}
	switch {
	case first < 0:
		return 0, "no method: want .../pkg.Service/Method"
	case first+1 == last || last+1 == len(s):
		return 0, "empty service or method name"
	}
	return first, ""
}

// splitPlain splits "host:port/pkg.Svc/M" at its first "/".
func splitPlain(uri string) (BranchURL, error) {
	var u BranchURL
	sep := strings.IndexByte(uri, '/')
	if sep <= 0 {
		if sep == 0 {
			return u, urlError(uri, "no server before the method")
		}
		return u, urlError(uri, "no method: want host:port/pkg.Service/Method")
	}
	u.Server, u.Method, u.Authority = uri[:sep], uri[sep:], uri[:sep]
	if !validMethod(u.Method) {
		if strings.IndexByte(u.Method, '?') >= 0 {
			return BranchURL{}, urlError(uri, "a query needs a scheme")
		}
		return BranchURL{}, urlError(uri, "method must be /pkg.Service/Method")
	}
	return u, nil
}

// validMethod reports whether m is "/a/b" with non-empty a and b and no
// query. IndexByte is vectorised, a byte loop is not: this is the fast way.
func validMethod(m string) bool {
	if len(m) < 4 || m[0] != '/' {
		return false
	}
	second := strings.IndexByte(m[1:], '/') + 1
	return second > 1 && second < len(m)-1 &&
		strings.IndexByte(m[second+1:], '/') < 0 && strings.IndexByte(m, '?') < 0
}

func hasEmptySegment(p string) bool {
	return p != "" && (p[0] == '/' || p[len(p)-1] == '/' || strings.Contains(p, "//"))
}

// validScheme follows RFC 3986: a letter, then letters, digits, "+", "-", ".".
func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
