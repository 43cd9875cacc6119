package release

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance/infra"
)

// upstreamApp is a client app of testdata/clients, written against an
// upstream client package, and how to run it.
type upstreamApp struct {
	name     string
	upstream string // the upstream client package the app imports
	driver   string // our driver's directory
	dtmConf  string // the bundled dtm server's sample configuration
	// dtmKey is the etcd key prefix under which the driver registers dtm.
	dtmKey string
	// appConf is the app's configuration file, naming 127.0.0.1:2379 for
	// etcd and listen for its own service; flag passes it to the app.
	appConf, flag, listen string
}

var upstreamApps = []upstreamApp{
	{name: "gozero", upstream: "github.com/dtm-labs/driver-gozero", driver: "driver-gozero", dtmConf: "gozero.yml",
		dtmKey: "dtmservice/", appConf: "etc/app.yaml", flag: "-f", listen: "127.0.0.1:8080"},
	{name: "kratos", upstream: "github.com/dtm-labs/driver-kratos", driver: "driver-kratos", dtmConf: "kratos.yml",
		dtmKey: "/microservices/dtmservice/", appConf: "configs/config.yaml", flag: "-conf", listen: "127.0.0.1:9000"},
}

// TestUpstreamClientApps takes client apps written the way go-zero's and
// kratos' users write them, against the upstream client packages, changes
// only what the README's migration section says (the import path and the
// go.mod line), builds them from the release proxy, and runs each against
// the bundled dtm server's binary on embedded etcd: a 2-phase message, a TCC
// that commits and a TCC that rolls back must reach their final states in
// dtm with the balances the app reports.
func TestUpstreamClientApps(t *testing.T) {
	dtm := dtmBinary(t)
	for _, app := range upstreamApps {
		t.Run(app.name, func(t *testing.T) {
			start := time.Now()
			bin, dir := buildSwapped(t, app)
			built := time.Since(start)

			etcd, err := infra.StartEtcd(infra.EtcdOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer etcd.Close()
			server := startDtmServer(t, dtm, app.dtmConf, etcd.Hosts())
			defer server.stop(t)
			waitForKey(t, etcd, app.dtmKey)

			ran := time.Now()
			out := runApp(t, bin, dir, app, etcd.Hosts())
			t.Logf("build %s, run %s", built.Round(time.Second), time.Since(ran).Round(time.Millisecond))
			checkOutcomes(t, out, server)
			if logs := server.logs.String(); strings.Contains(logs, "WARNING: proto") {
				t.Errorf("dtm printed a protobuf registration warning:\n%s", logs)
			}
		})
	}
}

// buildSwapped copies the app into a user module directory, replaces the
// upstream import by our driver's use package and the go.mod requirement by
// our driver at the release version, and builds it. It returns the binary
// and the module directory.
func buildSwapped(t *testing.T, app upstreamApp) (bin, dir string) {
	t.Helper()
	dir = t.TempDir()
	copyTree(t, filepath.Join(repoRoot, "release", "testdata", "clients", app.name), dir)
	ours := modulePath(t, app.driver)
	swapped := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := strings.ReplaceAll(string(src), `"`+app.upstream+`"`, `"`+ours+`/use"`)
		if out == string(src) {
			return nil
		}
		swapped++
		return os.WriteFile(p, []byte(out), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if swapped != 1 {
		t.Fatalf("%d files import %s, want 1", swapped, app.upstream)
	}
	runGo(t, dir, "mod", "edit", "-droprequire="+app.upstream)
	runGo(t, dir, "get", ours+"@"+Version)
	runGo(t, dir, "mod", "tidy")
	bin = filepath.Join(t.TempDir(), app.name+"-app")
	runGo(t, dir, "build", "-o", bin, ".")
	return bin, dir
}

// runApp points the app's configuration at etcd and a free port and runs
// the app, which must succeed; it returns its standard output.
func runApp(t *testing.T, bin, dir string, app upstreamApp, etcdHosts string) string {
	t.Helper()
	confPath := filepath.Join(dir, app.appConf)
	conf, err := os.ReadFile(confPath)
	if err != nil {
		t.Fatal(err)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	pointed := strings.NewReplacer("127.0.0.1:2379", etcdHosts, app.listen, listen).Replace(string(conf))
	if !strings.Contains(pointed, listen) || !strings.Contains(pointed, etcdHosts) {
		t.Fatalf("%s no longer names %s and 127.0.0.1:2379", app.appConf, app.listen)
	}
	if err := os.WriteFile(confPath, []byte(pointed), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runBounded(dir, 2*time.Minute, bin, app.flag, app.appConf)
	if err != nil {
		t.Fatalf("%s app: %v\nstdout:\n%s\nstderr:\n%s", app.name, err, stdout, stderr)
	}
	t.Logf("%s app:\n%s", app.name, strings.Join(outcome.FindAllString(stdout, -1), "\n"))
	return stdout
}

// outcome is a line the apps print after each transaction.
var outcome = regexp.MustCompile(`(?m)^(msg|tcc) (\S+) (succeeded|rolled back): balances (.*)$`)

// checkOutcomes compares what the app reports with what it must report, and
// with what dtm stored: each transaction in its final state, and each of
// its final-phase branches done.
func checkOutcomes(t *testing.T, out string, server *dtmServer) {
	t.Helper()
	want := []struct {
		kind, outcome, balances string
		status, op              string // dtm's transaction status, the branch op that must have succeeded
	}{
		{"msg", "succeeded", "1=70 2=130 held=0", "succeed", "action"},
		{"tcc", "succeeded", "1=40 2=160 held=0", "succeed", "confirm"},
		{"tcc", "rolled back", "1=40 2=160 held=0", "failed", "cancel"},
	}
	got := outcome.FindAllStringSubmatch(out, -1)
	if len(got) != len(want) {
		t.Fatalf("the app reported %d transactions, want %d:\n%s", len(got), len(want), out)
	}
	for i, w := range want {
		kind, gid, result, balances := got[i][1], got[i][2], got[i][3], got[i][4]
		if kind != w.kind || result != w.outcome || balances != w.balances {
			t.Errorf("transaction %d: %s %s, balances %s; want %s %s, balances %s",
				i+1, kind, result, balances, w.kind, w.outcome, w.balances)
		}
		q := server.query(t, gid)
		if q.Transaction.Status != w.status {
			t.Errorf("%s %s: dtm status %q, want %q", kind, gid, q.Transaction.Status, w.status)
		}
		done := 0
		for _, b := range q.Branches {
			if b.Op == w.op && b.Status == "succeed" {
				done++
			}
		}
		if done != 2 {
			t.Errorf("%s %s: %d %s branches succeeded in dtm, want 2: %+v", kind, gid, done, w.op, q.Branches)
		}
	}
}

// waitForKey waits until dtm has registered itself under prefix.
func waitForKey(t *testing.T, etcd *infra.Etcd, prefix string) {
	t.Helper()
	cli, err := etcd.Client()
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	if err := infra.WaitFor(30*time.Second, "dtm to register under "+prefix, func() bool {
		return countKeys(cli, prefix) > 0
	}); err != nil {
		t.Fatal(err)
	}
}
