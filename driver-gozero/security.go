package gozero

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/zeromicro/go-zero/core/discov"

	"github.com/dtmkit/drivers/kit"
)

// etcdSecurity is what go-zero's account and TLS registries hold for one
// etcd host list. The password is a kit.Secret, which no formatting shows.
type etcdSecurity struct {
	user     string
	pass     kit.Secret
	passFile string
	tls      kit.TLSFiles
}

// isZero reports whether s names no credentials and no TLS files.
func (s etcdSecurity) isZero() bool {
	return s.user == "" && !s.pass.IsSet() && s.passFile == "" && s.tls == (kit.TLSFiles{})
}

// same reports whether s and o are the same identity: the same user and TLS
// files, and the same password or the same password file.
func (s etcdSecurity) same(o etcdSecurity) bool {
	return s.user == o.user && s.pass.Equal(o.pass) && s.passFile == o.passFile && s.tls == o.tls
}

// applied records the settings given to go-zero per host list. go-zero keys
// its account and TLS registries and its pooled etcd clients by the sorted
// host list alone, process-wide, and a pooled client keeps the identity it
// was created with for the life of the process, so a second, different
// identity for the same hosts would silently be ignored: applySecurity
// refuses it instead.
//
// It is the one piece of driver state kept outside Driver, on purpose: it
// mirrors go-zero's process-wide registries, so a record per Driver would
// let two Driver values, or one Driver after Close, give one host list two
// identities. conformance/gozero checks the refusal across Driver values.
var applied = struct {
	sync.Mutex
	byHosts map[string]etcdSecurity
}{byHosts: map[string]etcdSecurity{}}

// applySecurity gives go-zero's account and TLS registries the credentials
// and TLS files of t, for publishing and for resolving on t's hosts. A target
// without either changes nothing and uses whatever is registered. A password
// file is read here, when go-zero is about to connect, and again on every
// call, so that a rotated file reaches the clients go-zero creates next. The
// returned release forgets the settings when the caller's first use of them
// failed (a wrong password, say), so that a corrected target is accepted.
func applySecurity(t kit.EtcdTarget) (release func(), err error) {
	s := etcdSecurity{user: t.User, pass: t.Pass, passFile: t.PassFile, tls: t.TLS}
	if s.isZero() {
		return func() {}, nil
	}
	hosts := sortedHosts(t.Hosts)
	key := strings.Join(hosts, ",")
	applied.Lock()
	defer applied.Unlock()
	prev, ok := applied.byHosts[key]
	if ok && !prev.same(s) {
		return nil, fmt.Errorf("etcd %s is already used with other credentials or TLS files in this process; "+
			"go-zero keeps one identity per host list", key)
	}
	if ok && s.passFile == "" {
		return func() {}, nil
	}
	pass, err := t.Password()
	if err != nil {
		return nil, fmt.Errorf("etcd %s: %w", key, err)
	}
	if !ok && s.tls.Enabled {
		f := s.tls
		if err := discov.RegisterTLS(hosts, f.CertFile, f.KeyFile, f.CAFile, f.InsecureSkipVerify); err != nil {
			return nil, fmt.Errorf("etcd %s: load TLS files: %w", key, err)
		}
	}
	if s.user != "" {
		discov.RegisterAccount(hosts, s.user, pass)
	}
	if ok { // a password file read again
		return func() {}, nil
	}
	applied.byHosts[key] = s
	return func() {
		applied.Lock()
		defer applied.Unlock()
		if cur, ok := applied.byHosts[key]; ok && cur.same(s) {
			delete(applied.byHosts, key)
		}
	}, nil
}

// sortedHosts returns a sorted copy: go-zero sorts the slices it is given in
// place, and the caller's order is its own.
func sortedHosts(hosts []string) []string {
	s := append([]string(nil), hosts...)
	sort.Strings(s)
	return s
}

// hasIdentity reports whether t names credentials or TLS files of its own.
func hasIdentity(t kit.EtcdTarget) bool {
	return !(etcdSecurity{user: t.User, pass: t.Pass, passFile: t.PassFile, tls: t.TLS}).isZero()
}

// withRecordedIdentity returns t with the identity applySecurity recorded for
// its hosts, if any: a target without credentials resolves on hosts that dtm
// registered on (or another target named) with theirs, so branch URLs need
// no secret.
func withRecordedIdentity(t kit.EtcdTarget) kit.EtcdTarget {
	applied.Lock()
	s, ok := applied.byHosts[strings.Join(sortedHosts(t.Hosts), ",")]
	applied.Unlock()
	if ok {
		t.User, t.Pass, t.PassFile, t.TLS = s.user, s.pass, s.passFile, s.tls
	}
	return t
}
