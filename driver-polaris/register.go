package polaris

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/polarismesh/polaris-go/api"

	"github.com/dtmkit/drivers/kit"
)

// registerForms is quoted in errors about RegisterService's target.
const registerForms = "want polaris://<service>?namespace=<ns>[&token=<t> or &tokenFile=<file>][&ttl=<seconds>][&weight=<w>]"

// DefaultTTL is the heartbeat TTL, in seconds, of a target that sets none.
const DefaultTTL = 5

// maxTTL is the largest TTL the polaris server honours (it replaces larger
// ones with its default).
const maxTTL = 60

// registration is one instance registered through RegisterService.
type registration struct {
	namespace, service string
	// token is the service token written in the target; tokenFile names a
	// file holding it instead, read for each request.
	token     kit.Secret
	tokenFile string
	host      string
	port      int
	ttl       int
	weight    *int
}

// parseRegistration reads RegisterService's target and endpoint.
func parseRegistration(target, endpoint string) (*registration, error) {
	rest, ok := cutPrefixFold(target, PolarisScheme+"://")
	if !ok {
		return nil, kit.NewURLError(target, registerForms, nil)
	}
	service, query, _ := strings.Cut(rest, "?")
	if strings.IndexByte(service, '/') >= 0 {
		return nil, kit.NewURLError(target,
			"upstream's polaris://host:port/<service> form is not supported: put the address in EndPoint and "+registerForms, nil)
	}
	if !validName(service) {
		return nil, kit.NewURLError(target, "service must be a name of letters, digits, '.', '_' and '-': "+registerForms, nil)
	}
	r := &registration{service: service, namespace: DefaultNamespace, ttl: DefaultTTL}
	values, err := url.ParseQuery(query)
	if err != nil {
		return nil, kit.NewURLError(target, "malformed query", nil)
	}
	for k, v := range values {
		if len(v) != 1 {
			return nil, kit.NewURLError(target, "query parameter "+k+" given more than once", nil)
		}
		switch k {
		case "namespace":
			if !validName(v[0]) {
				return nil, kit.NewURLError(target, "namespace must be a name of letters, digits, '.', '_' and '-'", nil)
			}
			r.namespace = v[0]
		case "token":
			r.token = kit.NewSecret(v[0])
		case "tokenFile":
			r.tokenFile = v[0]
		case "ttl":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 1 || n > maxTTL {
				return nil, kit.NewURLError(target, fmt.Sprintf("ttl must be whole seconds from 1 to %d", maxTTL), nil)
			}
			r.ttl = n
		case "weight":
			n, err := strconv.Atoi(v[0])
			if err != nil || n < 0 || n > 10000 {
				return nil, kit.NewURLError(target, "weight must be an integer from 0 to 10000", nil)
			}
			r.weight = &n
		default:
			return nil, kit.NewURLError(target, "unknown query parameter "+k+": "+registerForms, nil)
		}
	}
	if r.token.IsSet() && r.tokenFile != "" {
		return nil, kit.NewURLError(target, "token and tokenFile: give one", nil)
	}
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return nil, kit.NewURLError(endpoint, "EndPoint must be host:port", err)
	}
	host, port, _ := net.SplitHostPort(endpoint)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return nil, kit.NewURLError(endpoint, "EndPoint must be an address others can reach, not "+host, nil)
	}
	r.host = host
	r.port, _ = strconv.Atoi(port)
	return r, nil
}

// register implements RegisterGrpcService for a non-empty target.
func (d *Driver) register(target, endpoint string) error {
	r, err := parseRegistration(target, endpoint)
	if err != nil {
		return err
	}
	token, err := r.serviceToken()
	if err != nil {
		return r.errorf("register", token, err)
	}
	ctx, err := d.SDKContext()
	if err != nil {
		return err
	}
	req := r.registerRequest(token)
	// RegisterInstance heartbeats every TTL from polaris-go's own goroutine,
	// until Deregister or the context's destruction.
	if _, err := api.NewProviderAPIByContext(ctx).RegisterInstance(req); err != nil {
		return r.errorf("register", token, err)
	}
	d.addRegistration(r)
	return nil
}

// registerRequest is the request that registers r.
func (r *registration) registerRequest(token kit.Secret) *api.InstanceRegisterRequest {
	req := &api.InstanceRegisterRequest{}
	req.Namespace, req.Service, req.ServiceToken = r.namespace, r.service, token.Reveal()
	req.Host, req.Port = r.host, r.port
	req.SetTTL(r.ttl)
	req.Weight = r.weight
	protocol := "grpc"
	req.Protocol = &protocol
	return req
}

// serviceToken returns the service token: the one in the target, or the
// content of tokenFile, read now, so that a rotated file is read by the next
// request. Errors name the file, never its content.
func (r *registration) serviceToken() (kit.Secret, error) {
	if r.tokenFile == "" {
		return r.token, nil
	}
	token, err := kit.ReadSecretFile(r.tokenFile)
	if err != nil {
		return kit.Secret{}, fmt.Errorf("service token: %w", err)
	}
	return token, nil
}

// errorf describes a failed operation on r. polaris-go's errors may print
// the request, token included, so the token is cut from their text (and the
// error is not wrapped, which would keep the original text reachable).
func (r *registration) errorf(op string, token kit.Secret, err error) error {
	text := err.Error()
	if t := token.Reveal(); t != "" {
		text = strings.ReplaceAll(text, t, kit.Redacted)
	}
	return fmt.Errorf(errPrefix+"%s %s as an instance of %s in namespace %s: %w",
		op, net.JoinHostPort(r.host, strconv.Itoa(r.port)), r.service, r.namespace, errors.New(text))
}

// cutPrefixFold is strings.CutPrefix ignoring ASCII case.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
