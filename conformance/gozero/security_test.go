package gozero_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/zeromicro/go-zero/core/discov"
	"github.com/zeromicro/go-zero/zrpc"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// rootPassword is the secured etcd's root password; no error or log may
// contain it, nor the wrong ones below.
const rootPassword = "root-hunter2"

// secureEtcd is a second etcd, with auth on and TLS. dtm stays registered on
// the harness' plain etcd; these subtests register on this one directly.
type secureEtcd struct {
	etcd   *infra.Etcd
	client *clientv3.Client
}

// securedEtcd starts the secured etcd once; the harness' Close stops it,
// after go-zero has revoked what was registered there.
func (h *harness) securedEtcd(t *testing.T) *secureEtcd {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.secure != nil {
		return h.secure
	}
	e, err := infra.StartEtcd(infra.EtcdOptions{RootPassword: rootPassword, TLS: true})
	if err != nil {
		t.Fatalf("start etcd with auth and TLS: %v", err)
	}
	client, err := e.Client()
	if err != nil {
		e.Close()
		t.Fatal(err)
	}
	h.secure = &secureEtcd{etcd: e, client: client}
	return h.secure
}

func (s *secureEtcd) close() {
	_ = s.client.Close()
	s.etcd.Close()
}

// port is the etcd's client port, to spell its address another way.
func (s *secureEtcd) port() string {
	return s.etcd.HostList()[0][strings.LastIndexByte(s.etcd.HostList()[0], ':')+1:]
}

// query is the driver's query for this etcd: root with pass, and the
// certificate files (escaped, so the query holds no "/").
func (s *secureEtcd) query(pass string) string {
	c := s.etcd.Certs
	return url.Values{
		"user": {"root"}, "pass": {pass},
		"certFile": {c.CertFile}, "certKeyFile": {c.KeyFile}, "caFile": {c.CAFile},
	}.Encode()
}

// queryFile is query with the password named by a file (passwordFile)
// rather than written in the target.
func (s *secureEtcd) queryFile(t *testing.T, pass string) string {
	file := filepath.Join(t.TempDir(), "etcd-password")
	if err := os.WriteFile(file, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(s.query(pass))
	q.Del("pass")
	q.Set("passwordFile", file)
	return q.Encode()
}

// zrpcConf is how a go-zero service configures this etcd.
func (s *secureEtcd) zrpcConf(key string) discov.EtcdConf {
	c := s.etcd.Certs
	return discov.EtcdConf{Hosts: s.etcd.HostList(), Key: key, User: "root", Pass: rootPassword,
		CertFile: c.CertFile, CertKeyFile: c.KeyFile, CACertFile: c.CAFile}
}

// testWrongPassword registers with a wrong password: the error names the
// hosts, the user and etcd's reason, and not the password. It addresses the
// etcd as localhost, a host list nothing in the process has used, since
// go-zero keeps one connection per host list and its identity. It runs before
// testEtcdAuthTLS, which then uses localhost with the right password: a
// failed attempt must not stand in the way of a corrected one.
func testWrongPassword(t *testing.T, h *harness, env *conformance.Env) {
	s := h.securedEtcd(t)
	const wrong = "wrong-hunter2"
	target := "etcd://localhost:" + s.port() + "/dtm-wrong?" + s.query(wrong)
	d := &gozero.Driver{}
	defer d.Close()
	start := time.Now()
	err := d.RegisterGrpcService(target, env.Dtm.GrpcAddr)
	if err == nil {
		t.Fatal("RegisterGrpcService with a wrong password succeeded")
	}
	t.Logf("error after %v: %v", time.Since(start).Round(time.Millisecond), err)
	msg := err.Error()
	for _, want := range []string{"authentication failed", "localhost:" + s.port(), `as user "root"`, "dtm-wrong"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, wrong) || strings.Contains(msg, rootPassword) {
		t.Errorf("error leaks a password: %q", msg)
	}
}

// testEtcdAuthTLS runs dtm's registration, resolution and a saga end to end
// on etcd with auth and TLS, each through the credentials and files named in
// a target's query: dtm's password in a file (passwordFile), the branch's
// written inline.
func testEtcdAuthTLS(t *testing.T, h *harness, env *conformance.Env) {
	s := h.securedEtcd(t)
	hosts := s.etcd.Hosts()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// dtm registers itself with the credentials its Target names ...
	const dtmSecureKey = "dtm-secure"
	d := &gozero.Driver{}
	defer d.Close()
	if err := d.RegisterGrpcService("etcd://"+hosts+"/"+dtmSecureKey+"?"+s.queryFile(t, rootPassword), env.Dtm.GrpcAddr); err != nil {
		t.Fatalf("RegisterGrpcService on etcd with auth and TLS: %v", err)
	}
	if ok, err := listed(s.client, dtmSecureKey, env.Dtm.GrpcAddr); err != nil || !ok {
		t.Fatalf("dtm not registered under %s: %v", dtmSecureKey, err)
	}
	// ... which also serve resolving on those hosts: a client dials dtm
	// with no credentials in the URL.
	conn, err := dtmgimp.GetGrpcConn("etcd://"+hosts+"/"+dtmSecureKey, false)
	if err != nil {
		t.Fatal(err)
	}
	newGid(t, conn, "the secured registration")

	// A second identity for hosts in use is refused, without the password.
	const other = "other-hunter2"
	err = (&gozero.Driver{}).RegisterGrpcService("etcd://"+hosts+"/dtm-other?"+s.query(other), env.Dtm.GrpcAddr)
	if err == nil || !strings.Contains(err.Error(), "other credentials") || strings.Contains(err.Error(), other) {
		t.Errorf("a second password for %s: %v; want a refusal without the password", hosts, err)
	}

	// A go-zero service registers itself on the secured etcd, configured
	// with Etcd.User/Pass and the TLS files.
	const key = "secure.rpc"
	conf := s.zrpcConf(key)
	if _, err := h.startRegisteredZrpc(ctx, s.client, conf, env.Bank.Register("secure-1")); err != nil {
		t.Fatal(err)
	}
	// dtm reaches it through a branch URL holding the credentials (on
	// localhost, used so far only with the wrong password) and through the
	// service's own BuildTarget.
	legacy := "etcd://localhost:" + s.port() + "/" + key
	build, err := zrpc.RpcClientConf{Etcd: conf}.BuildTarget()
	if err != nil {
		t.Fatal(err)
	}
	expectServed(t, transfer(t, env, withQuery(legacy, s.query(rootPassword)), at(build)), "secure-1", "secure-1")

	// Close revokes dtm's secured registration before it returns.
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if ok, err := listed(s.client, dtmSecureKey, env.Dtm.GrpcAddr); err != nil || ok {
		t.Fatalf("dtm still registered under %s after Close (read error %v)", dtmSecureKey, err)
	}
}
