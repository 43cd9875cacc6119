package gozero

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dtmkit/drivers/kit"
)

// RegisterGrpcService is called once when dtm starts, with MicroService.Target
// and MicroService.EndPoint. It publishes endpoint under the target's key as
// a zrpc server registers itself (a key "<key>/<lease id>" on a lease of
// go-zero's discov.TimeToLive, kept alive and renewed after an outage), so
// go-zero clients find dtm with the same target; it needs one listed etcd
// member up, not all (see publication). The target is etcd:// or discov://, in the legacy form
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
	pub, err := publish(t, endpoint)
	if err != nil {
		release()
		return fmt.Errorf("%s: publish %s under key %q on etcd %s%s: %w%s",
			Name, endpoint, t.Key, strings.Join(t.Hosts, ","), asUser(t), redactErr(err), hint(err))
	}
	d.mu.Lock()
	d.publications = append(d.publications, pub)
	d.mu.Unlock()
	return nil
}

// Close revokes every registration RegisterGrpcService made, waiting a few
// seconds at most for each, so that etcd (or the plug-in's registry) no
// longer lists the endpoints and nobody resolves this process once Close
// returns. The keep-alive goroutines end first.
func (d *Driver) Close() error {
	d.mu.Lock()
	pubs := d.publications
	d.publications = nil
	d.mu.Unlock()
	errs := []error{d.revocations.RevokeAll()}
	for _, p := range pubs {
		if err := p.unpublish(); err != nil {
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
		return " (no etcd member answered within the driver's dial timeout)"
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
