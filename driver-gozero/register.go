package gozero

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/zeromicro/go-zero/core/discov"

	"github.com/dtmkit/drivers/kit"
)

// publication is one endpoint this driver keeps published.
type publication struct {
	target   kit.EtcdTarget
	endpoint string
	pub      *discov.Publisher
}

// RegisterGrpcService is called once when dtm starts, with MicroService.Target
// and MicroService.EndPoint. It publishes endpoint under the target's key
// with go-zero's own publisher (a leased key "<key>/<lease id>", kept alive),
// exactly as a zrpc server registers itself, so go-zero clients find dtm with
// the same target. The target is etcd:// or discov://, in the legacy form
// (etcd://h1:2379,h2:2379/key) or go-zero's BuildTarget form
// (etcd:///h1:2379,h2:2379?key=key); user and pass, and certFile,
// certKeyFile, caFile and insecureSkipVerify in its query apply to
// publishing and to resolving on the same hosts.
//
// A target of a registry plug-in's scheme (see AddRegistry) is registered
// by that plug-in, and revoked by Close too.
//
// An empty target is a no-op: direct and k8s deployments register nothing.
// dtm exits on an error here, so errors say what to fix; they never contain
// the password.
func (d *Driver) RegisterGrpcService(target, endpoint string) error {
	if target == "" {
		return nil
	}
	if handled, err := d.registerInPlugin(target, endpoint); handled {
		return kit.DriverError(Name, err)
	}
	t, err := parseEtcdTarget(target)
	if err != nil {
		return kit.DriverError(Name, err)
	}
	if err := kit.ValidateHostPort(endpoint); err != nil {
		return kit.DriverError(Name, kit.NewURLError(endpoint, "EndPoint must be host:port", err))
	}
	release, err := applySecurity(t)
	if err != nil {
		return kit.DriverError(Name, kit.NewURLError(target, "etcd credentials or TLS", err))
	}
	pub := discov.NewPublisher(t.Hosts, t.Key, endpoint)
	if err := pub.KeepAlive(); err != nil {
		release()
		return fmt.Errorf("%s: publish %s under key %q on etcd %s%s: %w%s",
			Name, endpoint, t.Key, strings.Join(t.Hosts, ","), asUser(t), redactErr(err), hint(err))
	}
	d.mu.Lock()
	d.publications = append(d.publications, &publication{target: t, endpoint: endpoint, pub: pub})
	d.mu.Unlock()
	return nil
}

// Close revokes every registration RegisterGrpcService made and waits, for a
// few seconds at most, until etcd (or the plug-in's registry) no longer
// lists the endpoints, so that nobody resolves this process once Close
// returns. go-zero's keep-alive
// goroutines end with the revocation. go-zero keeps its pooled etcd
// connection for later use, as in any go-zero process.
func (d *Driver) Close() error {
	d.mu.Lock()
	pubs := d.publications
	d.publications = nil
	d.mu.Unlock()
	for _, p := range pubs {
		p.pub.Stop()
	}
	errs := []error{d.revocations.RevokeAll()}
	for _, p := range pubs {
		if err := p.waitRevoked(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// asUser names the etcd user in errors, never the password.
func asUser(t kit.EtcdTarget) string {
	if t.User == "" {
		return ""
	}
	return fmt.Sprintf(" as user %q", t.User)
}

// hint explains the bare timeout etcd's client returns when no member answers.
func hint(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return " (no etcd member answered within go-zero's dial timeout)"
	}
	return ""
}

// redactErr hides any URL secret an underlying error might quote.
func redactErr(err error) error {
	if s := err.Error(); kit.Redact(s) != s {
		return errors.New(kit.Redact(s))
	}
	return err
}
