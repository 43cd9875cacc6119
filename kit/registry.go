package kit

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"google.golang.org/grpc/resolver"
)

// Registry is a service registry that a plug-in package adds to a driver,
// as a database/sql driver adds itself to database/sql: the plug-in's init
// hands it to the driver (gozero.AddRegistry, kratosdriver.AddRegistry),
// so that a program pays for a registry's client only when it
// blank-imports the plug-in. A Registry serves one URL scheme in every role
// a driver has: resolving branch servers, checking branch URLs, and
// registering dtm.
type Registry struct {
	// Scheme is the URL scheme the registry serves ("nacos").
	Scheme string
	// Package is the import path of the plug-in, quoted in errors.
	Package string
	// Builder resolves Scheme targets. The driver registers it with grpc
	// when dtmdriver.Use selects the driver, wrapped as the driver wraps
	// its own builders (round_robin, see WithRoundRobin); Builder.Scheme
	// must return Scheme.
	Builder resolver.Builder
	// CheckServer validates a branch URL of this scheme, split by
	// SplitBranchURL, for ParseServerMethod: nil means Builder would
	// resolve u.Server. It runs on a branch URL's first use only (drivers
	// cache successes), so it may allocate. Its errors quote uri, with
	// secrets redacted (NewURLError).
	CheckServer func(uri string, u BranchURL) error
	// Register publishes endpoint under target (dtm's MicroService.Target
	// and EndPoint) and returns the function that removes it again, which
	// the driver's Close calls. Revoke returns once the registry no longer
	// lists endpoint, or with an error after a bounded wait.
	Register func(target, endpoint string) (revoke func() error, err error)
}

// Registries is the set of registry plug-ins of one driver, keyed by
// scheme. A driver keeps one in a package variable, since plug-ins add
// themselves from their init, before any Driver is used. The zero value is
// ready to use; Known may be set in its declaration.
type Registries struct {
	// Known maps the schemes of plug-ins that exist for the driver to
	// their import paths, so that a URL with such a scheme in a program
	// that lacks the import gets an error naming the import.
	Known map[string]string

	mu       sync.RWMutex
	byScheme map[string]Registry
	// wrap is set once RegisterResolvers ran: plug-ins added later have
	// their builders registered at once.
	wrap func(resolver.Builder) resolver.Builder
}

// Add adds r. It panics, as sql.Register does, when r lacks a Scheme,
// Builder or Register, when Builder serves another scheme, or when a
// plug-in already serves the scheme: these are programming errors found at
// start-up.
func (rs *Registries) Add(r Registry) {
	switch {
	case r.Scheme == "" || r.Builder == nil || r.Register == nil:
		panic(fmt.Sprintf("kit: registry plug-in %q: Scheme, Builder and Register are required", r.Package))
	case r.Builder.Scheme() != r.Scheme:
		panic(fmt.Sprintf("kit: registry plug-in %q: Builder serves %q, not %q", r.Package, r.Builder.Scheme(), r.Scheme))
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if prev, dup := rs.byScheme[r.Scheme]; dup {
		panic(fmt.Sprintf("kit: scheme %q added twice, by %q and %q", r.Scheme, prev.Package, r.Package))
	}
	if rs.byScheme == nil {
		rs.byScheme = map[string]Registry{}
	}
	rs.byScheme[r.Scheme] = r
	if rs.wrap != nil {
		resolver.Register(rs.wrap(r.Builder))
	}
}

// Lookup returns the plug-in serving scheme.
func (rs *Registries) Lookup(scheme string) (Registry, bool) {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	r, ok := rs.byScheme[scheme]
	return r, ok
}

// Schemes returns the schemes the added plug-ins serve, sorted.
func (rs *Registries) Schemes() []string {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	s := make([]string, 0, len(rs.byScheme))
	for scheme := range rs.byScheme {
		s = append(s, scheme)
	}
	sort.Strings(s)
	return s
}

// RegisterResolvers registers every plug-in's Builder with grpc, through
// wrap, and makes Add register those of plug-ins added later. A driver
// calls it from RegisterGrpcResolver. Calling it again registers the
// builders again (grpc keeps the last one per scheme).
func (rs *Registries) RegisterResolvers(wrap func(resolver.Builder) resolver.Builder) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.wrap = wrap
	for _, r := range rs.byScheme {
		resolver.Register(wrap(r.Builder))
	}
}

// CheckServer applies the plug-in's check of a branch URL whose scheme is
// not one of the driver's own. builtin names the driver's own schemes
// ("etcd, discov or direct"). For a scheme no plug-in serves, the error
// quotes uri and lists the schemes served, and for a known plug-in not
// imported, names the import that adds it.
func (rs *Registries) CheckServer(uri string, u BranchURL, builtin string) error {
	r, ok := rs.Lookup(u.Scheme)
	if !ok {
		return rs.UnknownScheme(uri, u.Scheme, builtin)
	}
	if r.CheckServer == nil {
		return nil
	}
	return r.CheckServer(uri, u)
}

// Register registers endpoint in the plug-in serving target's scheme.
// handled is false, and nothing happens, when target's scheme is neither
// served by a plug-in nor that of a Known one: the driver's own schemes.
// For a Known plug-in that was not added, err names its import.
func (rs *Registries) Register(target, endpoint string) (revoke func() error, handled bool, err error) {
	scheme, _, ok := strings.Cut(target, "://")
	if !ok {
		return nil, false, nil
	}
	r, ok := rs.Lookup(scheme)
	if !ok {
		if pkg, known := rs.Known[scheme]; known {
			return nil, true, NewURLError(target, fmt.Sprintf("scheme %s needs the plug-in: blank-import %q", scheme, pkg), nil)
		}
		return nil, false, nil
	}
	revoke, err = r.Register(target, endpoint)
	return revoke, true, err
}

// UnknownScheme is the error for input whose scheme neither the driver
// (builtin) nor an added plug-in serves.
func (rs *Registries) UnknownScheme(input, scheme, builtin string) error {
	want := "scheme " + scheme + " is not served: want scheme " + builtin
	if added := rs.Schemes(); len(added) > 0 {
		want += ", or " + strings.Join(added, ", ") + " (added by plug-ins)"
	}
	if pkg, ok := rs.Known[scheme]; ok {
		return NewURLError(input, fmt.Sprintf("%s; scheme %s needs the plug-in: blank-import %q", want, scheme, pkg), nil)
	}
	return NewURLError(input, want, nil)
}

// Revocations collects the revoke functions of the registrations a driver
// made, for its Close. The zero value is ready to use.
type Revocations struct {
	mu  sync.Mutex
	fns []func() error
}

// Add records revoke.
func (r *Revocations) Add(revoke func() error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fns = append(r.fns, revoke)
}

// RevokeAll calls every recorded revoke once, in the order added, and
// forgets them; it returns their errors joined.
func (r *Revocations) RevokeAll() error {
	r.mu.Lock()
	fns := r.fns
	r.fns = nil
	r.mu.Unlock()
	var errs []error
	for _, revoke := range fns {
		errs = append(errs, revoke())
	}
	return errors.Join(errs...)
}
