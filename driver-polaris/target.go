package polaris

import (
	"encoding/base64"
	"encoding/json"
	"net/url"

	"github.com/dtmkit/drivers/kit"
)

// acceptedForms is quoted in errors so users see what would have worked.
const acceptedForms = "want polaris://<service>/pkg.Service/Method[?namespace=<ns>] or host:port/pkg.Service/Method"

// serviceTarget is what a polaris:// server string selects.
type serviceTarget struct {
	Service   string
	Namespace string
	// Metadata, from grpc-go-polaris' dst_metadata option, is what an
	// instance's metadata must contain to be used.
	Metadata map[string]string
}

// dialOptions is the part of grpc-go-polaris' base64 JSON "options" query
// parameter the driver honours. Routing by source service or headers is
// polaris' rule-based routing, which the driver does not do.
type dialOptions struct {
	Namespace   string            `json:"Namespace"`
	DstMetadata map[string]string `json:"dst_metadata"`
}

// parseTarget checks the parts of "polaris://<service>[?query]" and returns
// what they select. raw is what errors quote (redacted). The query may hold
// namespace and grpc-go-polaris' options.
func parseTarget(raw, service, query string) (serviceTarget, error) {
	t := serviceTarget{Service: service, Namespace: DefaultNamespace}
	if service == "" {
		return t, kit.NewURLError(raw, "no service name: "+acceptedForms, nil)
	}
	if !validName(service) {
		return t, kit.NewURLError(raw, "service must be a name of letters, digits, '.', '_' and '-'", nil)
	}
	if query == "" {
		return t, nil
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return t, kit.NewURLError(raw, "malformed query", nil)
	}
	var ns string
	for k, v := range values {
		if len(v) != 1 {
			return t, kit.NewURLError(raw, "query parameter "+k+" given more than once", nil)
		}
		switch k {
		case "namespace":
			ns = v[0]
			if !validName(ns) {
				return t, kit.NewURLError(raw, "namespace must be a name of letters, digits, '.', '_' and '-'", nil)
			}
		case "options":
			opts, err := decodeOptions(v[0])
			if err != nil {
				return t, kit.NewURLError(raw, "options: "+err.Error(), nil)
			}
			if opts.Namespace != "" {
				if !validName(opts.Namespace) {
					return t, kit.NewURLError(raw, "options: namespace must be a name of letters, digits, '.', '_' and '-'", nil)
				}
				t.Namespace = opts.Namespace
			}
			t.Metadata = opts.DstMetadata
		default:
			return t, kit.NewURLError(raw, "unknown query parameter "+k+": want namespace or options", nil)
		}
	}
	if ns != "" {
		if t.Namespace != DefaultNamespace && t.Namespace != ns {
			return t, kit.NewURLError(raw, "namespace and options name different namespaces", nil)
		}
		t.Namespace = ns
	}
	return t, nil
}

// decodeOptions decodes grpc-go-polaris' options: base64 (URL alphabet, as
// grpc-go-polaris writes it, or standard; padded or not) of a JSON object.
func decodeOptions(s string) (dialOptions, error) {
	var o dialOptions
	var data []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.URLEncoding, base64.RawURLEncoding, base64.StdEncoding, base64.RawStdEncoding} {
		if data, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return o, errNotBase64
	}
	if err := json.Unmarshal(data, &o); err != nil {
		return o, errNotJSON
	}
	return o, nil
}

type optionsError string

func (e optionsError) Error() string { return string(e) }

const (
	errNotBase64 = optionsError("not base64")
	errNotJSON   = optionsError("not a JSON object of grpc-go-polaris dial options")
)

// validName follows polaris' resource names, minus ':' and '/', which a
// URL authority cannot hold.
func validName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
