package kratos_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgpb"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/infra"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/kit"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/emptypb"
)

// secureEtcd is a second etcd with auth and TLS; dtm stays registered on the
// main one.
type secureEtcd struct {
	*infra.Etcd
	password string
	client   *clientv3.Client
}

// startSecureEtcd starts it once; the harness' Close stops it.
func (h *harness) startSecureEtcd() (*secureEtcd, error) {
	h.secureOnce.Do(func() {
		var b [12]byte
		_, _ = rand.Read(b[:])
		s := &secureEtcd{password: "pw-" + hex.EncodeToString(b[:])}
		// infra.StartEtcd with RootPassword and TLS fails: its etcd demands
		// client certificates (TrustedCAFile is set) and its own client has
		// none. Start it with TLS only and enable auth with a certificate.
		var err error
		if s.Etcd, err = infra.StartEtcd(infra.EtcdOptions{TLS: true}); err != nil {
			h.secureErr = fmt.Errorf("start etcd with auth and TLS: %w", err)
			return
		}
		if s.client, err = s.enableAuth(); err != nil {
			s.Etcd.Close()
			h.secureErr = fmt.Errorf("start etcd with auth and TLS: %w", err)
			return
		}
		h.secure = s
		h.onClose(func() {
			_ = s.client.Close()
			s.Etcd.Close()
		})
	})
	return h.secure, h.secureErr
}

// mustSecureEtcd is startSecureEtcd for a test.
func (h *harness) mustSecureEtcd(t *testing.T) *secureEtcd {
	t.Helper()
	s, err := h.startSecureEtcd()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// enableAuth creates root with s.password, enables auth, and returns a
// client logged in as root.
func (s *secureEtcd) enableAuth() (*clientv3.Client, error) {
	tlsConfig, err := kit.TLSFiles{Enabled: true, CAFile: s.Certs.CAFile, CertFile: s.Certs.CertFile,
		KeyFile: s.Certs.KeyFile}.TLSConfig()
	if err != nil {
		return nil, err
	}
	cfg := clientv3.Config{Endpoints: s.Endpoints, DialTimeout: 5 * time.Second, TLS: tlsConfig}
	c, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd client: %w", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.UserAdd(ctx, "root", s.password); err != nil {
		return nil, fmt.Errorf("add root: %w", err)
	}
	if _, err := c.UserGrantRole(ctx, "root", "root"); err != nil {
		return nil, fmt.Errorf("grant root: %w", err)
	}
	if _, err := c.AuthEnable(ctx); err != nil {
		return nil, fmt.Errorf("enable auth: %w", err)
	}
	cfg.Username, cfg.Password = "root", s.password
	root, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("etcd client as root: %w", err)
	}
	return root, nil
}

// query is the target query for user and password with upstream's TLS
// parameter names: this etcd wants the client's certificate.
func (s *secureEtcd) query(user, pass string) string {
	return url.Values{
		"user": {user}, "pass": {pass}, "tls": {"true"},
		"caPath": {s.Certs.CAFile}, "certPath": {s.Certs.CertFile}, "certKeyPath": {s.Certs.KeyFile},
	}.Encode()
}

// queryFile is query with the password named by a file (passwordFile)
// rather than written in the target.
func (s *secureEtcd) queryFile(t *testing.T, user, pass string) string {
	file := filepath.Join(t.TempDir(), "etcd-password")
	if err := os.WriteFile(file, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	q, _ := url.ParseQuery(s.query(user, pass))
	q.Del("pass")
	q.Set("passwordFile", file)
	return q.Encode()
}

// testEtcdAuthTLS: with etcd requiring a password and TLS, dtm registers,
// clients reach dtm, and dtm reaches a kratos service, all with the
// credentials and CA given in the URLs' query: dtm's password in a file
// (passwordFile), the others written inline.
func testEtcdAuthTLS(t *testing.T, h *harness, env *conformance.Env) {
	s := h.mustSecureEtcd(t)
	inst, err := startKratosInstance(timeout(t, 30*time.Second), s.client, "securebusi", env.Bank.Register("secure-1"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inst.Stop)

	// a dtm replica registering in the secure etcd
	d := &kratosdriver.Driver{}
	t.Cleanup(func() { _ = d.Close() })
	target := "discovery://" + s.Hosts() + "/" + dtmService + "?" + s.queryFile(t, "root", s.password)
	if err := d.RegisterGrpcService(target, "grpc://"+env.Dtm.GrpcAddr); err != nil {
		t.Fatalf("RegisterGrpcService on etcd with auth and TLS: %v", err)
	}
	if got := registered(t, s.client, dtmService); len(got) != 1 {
		t.Fatalf("secure etcd holds %+v, want dtm's instance", got)
	}

	// a client reaching dtm through the secure etcd
	dtmURL := "discovery://" + s.Hosts() + "/" + dtmService + "?" + s.query("root", s.password)
	conn, err := grpc.NewClient(dtmURL, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := dtmgpb.NewDtmClient(conn).NewGid(timeout(t, 15*time.Second), &emptypb.Empty{}); err != nil {
		t.Fatalf("NewGid through etcd with auth and TLS: %v", err)
	}

	// dtm calling branches resolved through the secure etcd
	prefix := "discovery://" + s.Hosts() + "/securebusi?" + s.query("root", s.password)
	gid, _, _ := sagaTransfer(t, env, prefix, "secure")
	expectCalls(t, env, gid, "secure-1", "action", "action")

	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if got := registered(t, s.client, dtmService); len(got) != 0 {
		t.Fatalf("after Close the secure etcd holds %+v", got)
	}
}

// testWrongCredential: a wrong password fails registration and resolution
// with an error that says so, and neither error shows a password.
func testWrongCredential(t *testing.T, h *harness, env *conformance.Env) {
	s := h.mustSecureEtcd(t)
	const wrong = "wrong-hunter2"
	target := "discovery://" + s.Hosts() + "/" + dtmService + "?" + s.query("root", wrong)
	d := &kratosdriver.Driver{}
	t.Cleanup(func() { _ = d.Close() })
	err := d.RegisterGrpcService(target, env.Dtm.GrpcAddr)
	checkCredentialError(t, "RegisterGrpcService", err, s.password, wrong)

	conn, err := grpc.NewClient("discovery://"+s.Hosts()+"/securebusi?"+s.query("root", wrong),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, err = healthpb.NewHealthClient(conn).Check(timeout(t, 15*time.Second), &healthpb.HealthCheckRequest{})
	checkCredentialError(t, "a call resolved with it", err, s.password, wrong)
}

func checkCredentialError(t *testing.T, what string, err error, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s with a wrong password: no error", what)
	}
	if !strings.Contains(err.Error(), "authentication failed") || !strings.Contains(err.Error(), "as user root") {
		t.Errorf("%s with a wrong password: %q does not say authentication as root failed", what, err)
	}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("%s: error %q shows a password", what, err)
		}
	}
	t.Logf("%s: %v", what, err)
}
