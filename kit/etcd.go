package kit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
)

// EtcdTarget is an etcd registration or discovery target: the cluster, the
// key, and how to authenticate. It accepts two forms:
//
//	scheme://[user:pass@]h1:2379,h2:2379/key[?query]   (legacy, dtm docs)
//	scheme:///h1:2379,h2:2379?key=key[&query]          (go-zero BuildTarget)
//
// Query parameters: user (or username); pass (or password), or
// passwordFile, a file holding the password (a mounted secret), read by
// Password when the driver connects, so that the target, dtm's conf.yml and
// dtm's log hold no secret; tls=true, certFile (certPath), certKeyFile
// (keyFile, certKeyPath), caFile (caCertFile, caPath),
// insecureSkipVerify=true. Any other parameters are kept in Query for the
// driver.
//
// Formatting an EtcdTarget (String, GoString, %v, %+v, %#v) shows no
// password.
type EtcdTarget struct {
	Scheme string
	Hosts  []string
	Key    string
	User   string
	// Pass is the password written in the target, if any.
	Pass Secret
	// PassFile names the file that holds the password, if any.
	PassFile string
	TLS      TLSFiles
	// Query holds the parameters not consumed above.
	Query url.Values
}

// TLSFiles names the files of a TLS client configuration.
type TLSFiles struct {
	Enabled            bool
	CertFile           string
	KeyFile            string
	CAFile             string
	InsecureSkipVerify bool
}

// ParseEtcdTarget parses an etcd target in either form. Errors quote the
// target with secrets redacted.
func ParseEtcdTarget(target string) (EtcdTarget, error) {
	var t EtcdTarget
	schemeEnd := strings.Index(target, "://")
	if schemeEnd <= 0 {
		return t, urlError(target, "want scheme://hosts/key or scheme:///hosts?key=key")
	}
	t.Scheme = target[:schemeEnd]
	rest := target[schemeEnd+3:]
	rawQuery := ""
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest, rawQuery = rest[:q], rest[q+1:]
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return t, urlError(target, "malformed query")
	}
	authority, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndexByte(authority, '@'); at >= 0 {
		userinfo := authority[:at]
		authority = authority[at+1:]
		user, pass, _ := strings.Cut(userinfo, ":")
		if t.User, err = url.PathUnescape(user); err != nil {
			return t, urlError(target, "malformed user name")
		}
		if pass, err = url.PathUnescape(pass); err != nil {
			return t, urlError(target, "malformed password")
		}
		t.Pass = NewSecret(pass)
	}
	hosts := authority
	if hosts == "" { // BuildTarget form: hosts are the path, the key is in the query
		hosts, path, _ = strings.Cut(path, "/")
	}
	if k := query.Get("key"); k != "" {
		if path != "" {
			return t, urlError(target, "key given twice, in the path and in the query")
		}
		path = k
	}
	query.Del("key")
	if hosts == "" {
		return t, urlError(target, "no etcd hosts")
	}
	for _, h := range strings.Split(hosts, ",") {
		if err := ValidateHostPort(h); err != nil {
			return t, NewURLError(target, "bad etcd host", err)
		}
		t.Hosts = append(t.Hosts, h)
	}
	if path == "" {
		return t, urlError(target, "no key")
	}
	if hasEmptySegment(path) {
		return t, urlError(target, "empty segment in key")
	}
	t.Key = path
	if err := t.takeQuery(query); err != nil {
		return t, NewURLError(target, "bad query", err)
	}
	return t, nil
}

// takeQuery moves the credential and TLS parameters out of q.
func (t *EtcdTarget) takeQuery(q url.Values) error {
	take := func(names ...string) string {
		v := ""
		for _, n := range names {
			if s := q.Get(n); s != "" && v == "" {
				v = s
			}
			q.Del(n)
		}
		return v
	}
	if u := take("user", "username"); u != "" {
		t.User = u
	}
	if p := take("pass", "password"); p != "" {
		t.Pass = NewSecret(p)
	}
	t.PassFile = take("passwordFile")
	if t.Pass.IsSet() && t.PassFile != "" {
		return fmt.Errorf("a password and passwordFile: give one")
	}
	if (t.Pass.IsSet() || t.PassFile != "") && t.User == "" {
		return fmt.Errorf("a password needs a user")
	}
	f := &t.TLS
	f.CertFile = take("certFile", "certPath")
	f.KeyFile = take("certKeyFile", "keyFile", "certKeyPath")
	f.CAFile = take("caFile", "caCertFile", "caPath")
	var err error
	if f.InsecureSkipVerify, err = parseBool(take("insecureSkipVerify"), "insecureSkipVerify"); err != nil {
		return err
	}
	if f.Enabled, err = parseBool(take("tls"), "tls"); err != nil {
		return err
	}
	f.Enabled = f.Enabled || f.CertFile != "" || f.KeyFile != "" || f.CAFile != "" || f.InsecureSkipVerify
	if (f.CertFile == "") != (f.KeyFile == "") {
		return fmt.Errorf("certFile and certKeyFile go together")
	}
	t.Query = q
	return nil
}

func parseBool(v, name string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q is not a boolean", name, v)
	}
	return b, nil
}

// Password returns the password: the one written in the target, or the
// content of PassFile, read now, so that a rotated file is read on the next
// connection. Its errors name the file, never its content.
func (t EtcdTarget) Password() (string, error) {
	if t.PassFile == "" {
		return t.Pass.Reveal(), nil
	}
	s, err := ReadSecretFile(t.PassFile)
	if err != nil {
		return "", fmt.Errorf("etcd password: %w", err)
	}
	return s.Reveal(), nil
}

// clusterKeySalt makes ClusterKey useless outside this process: a hash of a
// password could be attacked offline, one keyed by a random salt cannot.
var clusterKeySalt = func() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported systems
	return b
}()

// ClusterKey identifies the cluster and the identity used on it, so that a
// driver can keep one client per distinct cluster rather than per target:
// targets naming the same hosts (in any order), user, password or password
// file and TLS files have the same key. It is an opaque hash, keyed by a
// per-process salt, so it shows no password, and holds only within this
// process.
func (t EtcdTarget) ClusterKey() string {
	hosts := append([]string(nil), t.Hosts...)
	sort.Strings(hosts)
	h := hmac.New(sha256.New, clusterKeySalt)
	for _, part := range []string{strings.Join(hosts, ","), t.User, t.Pass.Reveal(), t.PassFile, fmt.Sprint(t.TLS)} {
		// length-prefixed, so that no two lists of parts hash alike
		fmt.Fprintf(h, "%d:%s", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// String returns the target as scheme://hosts/key with its query, the
// password replaced by Redacted, so that it can be logged.
func (t EtcdTarget) String() string {
	q := url.Values{}
	for k, v := range t.Query {
		q[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("user", t.User)
	set("pass", t.Pass.String())
	set("passwordFile", t.PassFile)
	if f := t.TLS; f.Enabled {
		set("tls", "true")
		set("certFile", f.CertFile)
		set("certKeyFile", f.KeyFile)
		set("caFile", f.CAFile)
		if f.InsecureSkipVerify {
			set("insecureSkipVerify", "true")
		}
	}
	s := t.Scheme + "://" + strings.Join(t.Hosts, ",") + "/" + t.Key
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	// Query may hold a misspelt secret parameter
	return Redact(s)
}

// GoString is String in Go syntax, for %#v.
func (t EtcdTarget) GoString() string { return fmt.Sprintf("kit.EtcdTarget(%q)", t.String()) }

// TLSConfig builds the client TLS configuration, or returns nil when TLS is
// not enabled.
func (f TLSFiles) TLSConfig() (*tls.Config, error) {
	if !f.Enabled {
		return nil, nil
	}
	cfg := &tls.Config{InsecureSkipVerify: f.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
	if f.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if f.CAFile != "" {
		pem, err := os.ReadFile(f.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", f.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}
