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
// etcd host list.
type etcdSecurity struct {
	user, pass string
	tls        kit.TLSFiles
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
// without either changes nothing and uses whatever is registered. The
// returned release forgets the settings when the caller's first use of them
// failed (a wrong password, say), so that a corrected target is accepted.
func applySecurity(t kit.EtcdTarget) (release func(), err error) {
	s := etcdSecurity{user: t.User, pass: t.Pass, tls: t.TLS}
	if s == (etcdSecurity{}) {
		return func() {}, nil
	}
	hosts := sortedHosts(t.Hosts)
	key := strings.Join(hosts, ",")
	applied.Lock()
	defer applied.Unlock()
	if prev, ok := applied.byHosts[key]; ok {
		if prev != s {
			return nil, fmt.Errorf("etcd %s is already used with other credentials or TLS files in this process; "+
				"go-zero keeps one identity per host list", key)
		}
		return func() {}, nil
	}
	if s.tls.Enabled {
		f := s.tls
		if err := discov.RegisterTLS(hosts, f.CertFile, f.KeyFile, f.CAFile, f.InsecureSkipVerify); err != nil {
			return nil, fmt.Errorf("etcd %s: load TLS files: %w", key, err)
		}
	}
	if s.user != "" {
		discov.RegisterAccount(hosts, s.user, s.pass)
	}
	applied.byHosts[key] = s
	return func() {
		applied.Lock()
		defer applied.Unlock()
		if applied.byHosts[key] == s {
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
