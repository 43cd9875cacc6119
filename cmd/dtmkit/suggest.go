package main

import (
	"strings"
)

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// closest returns the candidate nearest to s by edit distance, or "" when
// none is near enough to be a likely misspelling (more than half of s
// differs).
func closest(s string, candidates []string) string {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(s, c)
		if bestD < 0 || d < bestD || d == bestD && c < best {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(len(s), 2)/2 {
		return ""
	}
	return best
}

// methodSuggestion explains why method, "/pkg.Service/Method", is not among
// known (full methods of the same form) and names the one meant, if it can
// tell: the common mistakes first, then the closest by edit distance.
func methodSuggestion(method string, known []string) (meant, why string) {
	svc, name := splitMethod(method)
	type cand struct{ full, svc, name string }
	var cands []cand
	for _, k := range known {
		s, n := splitMethod(k)
		cands = append(cands, cand{k, s, n})
	}
	// the Go name, in the right service: proto's snake_case method
	// (rpc trans_out) is TransOut in the generated Go code
	for _, c := range cands {
		if c.svc == svc && c.name != name && fold(c.name) == fold(name) {
			if strings.Contains(c.name, "_") || strings.Contains(name, "_") {
				return c.full, "the proto declares the method as " + c.name + "; " + name +
					" is a Go name (generated code turns rpc names into Go names); " +
					"the invoke path is the FullMethodName constant in your *_grpc.pb.go"
			}
			return c.full, "gRPC method names are case-sensitive: the proto declares " + c.name
		}
	}
	// the service without or with the wrong package, or named after a Go
	// type (TransSvcClient, TransSvcServer, UnimplementedTransSvcServer)
	short := goServiceName(lastDot(svc))
	for _, c := range cands {
		if c.svc != svc && fold(lastDot(c.svc)) == fold(short) && fold(c.name) == fold(name) {
			switch {
			case !strings.Contains(svc, "."):
				return c.full, "the service is named with its proto package: " + c.svc + ", not " + svc
			case lastDot(c.svc) != lastDot(svc):
				return c.full, svc + " is a Go type name; the gRPC service is " + c.svc +
					" (the FullMethodName constant in your *_grpc.pb.go has the invoke path)"
			default:
				return c.full, "the proto package is " + strings.TrimSuffix(c.svc, "."+lastDot(c.svc)) +
					" (the package line of the .proto, not the Go package): write " + c.full
			}
		}
	}
	var fulls []string
	for _, c := range cands {
		fulls = append(fulls, c.full)
	}
	if best := closest(method, fulls); best != "" {
		return best, "the closest method the service has"
	}
	return "", ""
}

// splitMethod splits "/pkg.Service/Method".
func splitMethod(m string) (svc, name string) {
	m = strings.TrimPrefix(m, "/")
	svc, name, _ = strings.Cut(m, "/")
	return svc, name
}

// lastDot is what follows the last '.' of s.
func lastDot(s string) string {
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// goServiceName strips the Go type decorations protoc-gen-go-grpc adds to a
// service name.
func goServiceName(s string) string {
	s = strings.TrimPrefix(s, "Unimplemented")
	for _, suffix := range []string{"Client", "Server"} {
		if t, ok := strings.CutSuffix(s, suffix); ok && t != "" {
			return t
		}
	}
	return s
}

// fold lowercases s and drops '_', so trans_out and TransOut compare equal.
func fold(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}
