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
	schemeEnd := strings.Index(uri, "://")
	if schemeEnd < 0 {
		return splitPlain(uri)
	}
	if schemeEnd == 0 {
		return u, urlError(uri, "empty scheme")
	}
	u.Scheme = uri[:schemeEnd]
	if !validScheme(u.Scheme) {
		return u, urlError(uri, "invalid scheme")
	}
	rest := uri[schemeEnd+3:] // authority, path and query
	restStart := schemeEnd + 3

	q := strings.IndexByte(rest, '?')
	if q >= 0 && strings.IndexByte(rest[q:], '/') >= 0 {
		// BuildTarget form: the method was appended after the query.
		m, err := methodAtEnd(uri, rest)
		if err != nil {
			return u, err
		}
		u.Method = rest[m:]
		u.Server = uri[:restStart+m]
		u.Query = rest[q+1 : m]
		rest = rest[:q]
	} else {
		path := rest
		if q >= 0 {
			path, u.Query = rest[:q], rest[q+1:]
		}
		m, err := methodAtEnd(uri, path)
		if err != nil {
			return u, err
		}
		u.Method = path[m:]
		if q >= 0 {
			u.Server = uri[:restStart+m] + rest[q:]
		} else {
			u.Server = uri[:restStart+m]
		}
		rest = path[:m]
	}
	if slash := strings.IndexByte(rest, '/'); slash >= 0 {
		u.Authority, u.Endpoint = rest[:slash], rest[slash+1:]
		if u.Endpoint == "" {
			return u, urlError(uri, "empty path segment before the method")
		}
	} else {
		u.Authority = rest
	}
	if hasEmptySegment(u.Endpoint) {
		return u, urlError(uri, "empty path segment")
	}
	return u, nil
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
	if q := strings.IndexByte(u.Method, '?'); q >= 0 {
		return u, urlError(uri, "a query needs a scheme")
	}
	if !validMethod(u.Method) {
		return u, urlError(uri, "method must be /pkg.Service/Method")
	}
	return u, nil
}

// methodAtEnd returns the index in s of the "/" that starts the method made of
// s's last two segments.
func methodAtEnd(uri, s string) (int, error) {
	last := strings.LastIndexByte(s, '/')
	if last < 0 {
		return 0, urlError(uri, "no method: want .../pkg.Service/Method")
	}
	first := strings.LastIndexByte(s[:last], '/')
	if first < 0 {
		return 0, urlError(uri, "no method: want .../pkg.Service/Method")
	}
	if first+1 == last || last+1 == len(s) {
		return 0, urlError(uri, "empty service or method name")
	}
	if strings.IndexByte(s[first:], '?') >= 0 {
		return 0, urlError(uri, "method must follow the query, not contain it")
	}
	return first, nil
}

// validMethod reports whether m is "/a/b" with non-empty a and b.
func validMethod(m string) bool {
	if len(m) < 4 || m[0] != '/' {
		return false
	}
	i := strings.IndexByte(m[1:], '/') + 1
	return i > 1 && i < len(m)-1 && strings.IndexByte(m[i+1:], '/') < 0
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
