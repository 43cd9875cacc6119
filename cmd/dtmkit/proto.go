package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
)

// protoMethods reads the services of .proto files, as "/pkg.Service/Method".
// It is a small reader, not a compiler: it strips comments and strings and
// looks for the package, service and rpc declarations, which is all check
// needs to name the methods a service declares.
func protoMethods(files []string) ([]string, error) {
	var methods []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read -proto file: %w", err)
		}
		m, err := parseProto(string(b))
		if err != nil {
			return nil, fmt.Errorf("-proto %s: %w", f, err)
		}
		methods = append(methods, m...)
	}
	return methods, nil
}

var (
	protoPackage = regexp.MustCompile(`\bpackage\s+([A-Za-z_][\w.]*)\s*;`)
	protoService = regexp.MustCompile(`\bservice\s+([A-Za-z_]\w*)\s*\{`)
	protoRPC     = regexp.MustCompile(`\brpc\s+([A-Za-z_]\w*)\s*\(`)
)

// parseProto returns the methods declared in one .proto file's text.
func parseProto(src string) ([]string, error) {
	src = stripProtoComments(src)
	pkg := ""
	if m := protoPackage.FindStringSubmatch(src); m != nil {
		pkg = m[1]
	}
	var methods []string
	for _, loc := range protoService.FindAllStringSubmatchIndex(src, -1) {
		name := src[loc[2]:loc[3]]
		body, ok := block(src[loc[1]:])
		if !ok {
			return nil, fmt.Errorf("service %s: no closing '}'", name)
		}
		for _, rpc := range protoRPC.FindAllStringSubmatch(body, -1) {
			methods = append(methods, "/"+qualified(pkg, name)+"/"+rpc[1])
		}
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("no service with an rpc in it")
	}
	return methods, nil
}

// block returns src up to the '}' closing a block already opened.
func block(src string) (string, bool) {
	depth := 1
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return src[:i], true
			}
		}
	}
	return "", false
}

// stripProtoComments blanks // and /* */ comments and string literals.
func stripProtoComments(src string) string {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		switch {
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			b.WriteByte('\n')
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
			b.WriteByte(' ')
		case src[i] == '"' || src[i] == '\'':
			q := src[i]
			for i++; i < len(src) && src[i] != q; i++ {
				if src[i] == '\\' {
					i++
				}
			}
			b.WriteString(`""`)
		default:
			b.WriteByte(src[i])
		}
	}
	return b.String()
}
