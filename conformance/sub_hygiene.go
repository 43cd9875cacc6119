package conformance

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/kit"
	"go.uber.org/goleak"
)

// genericBadTargets fail for every driver: an unknown scheme, and dtm's own
// target with endpoints that are not host:port.
func genericBadTargets(e *Env) []BadTarget {
	target, _, _ := e.Harness.DtmRegistration(e.Dtm.GrpcAddr)
	return []BadTarget{
		{Target: "unknownscheme://127.0.0.1:1/key", Endpoint: "127.0.0.1:1", WantErr: "bad"},
		{Target: "::::", Endpoint: "127.0.0.1:1", WantErr: "bad"},
		{Target: target, Endpoint: "", WantErr: "host:port"},
		{Target: target, Endpoint: "no-port", WantErr: "host:port"},
		{Target: target, Endpoint: "127.0.0.1:99999", WantErr: "port"},
	}
}

// testBadTargets registers malformed targets and endpoints: each returns an
// error saying what is wrong and quoting the input redacted, nothing panics
// or exits, and no goroutine is left behind.
func testBadTargets(t *testing.T, e *Env) {
	cases := genericBadTargets(e)
	if bt, ok := e.Harness.(BadTargeter); ok {
		cases = append(cases, bt.BadTargets()...)
	}
	d := dtmdriver.GetDriver()
	baseline := goleak.IgnoreCurrent()
	for _, c := range cases {
		err, panicked := registerSafely(d, c.Target, c.Endpoint)
		name := fmt.Sprintf("RegisterService(%q, %q)", c.Target, c.Endpoint)
		switch {
		case panicked != nil:
			t.Errorf("%s panicked: %v", name, panicked)
		case err == nil:
			t.Errorf("%s = nil, want an error containing %q", name, c.WantErr)
		case !strings.Contains(err.Error(), c.WantErr):
			t.Errorf("%s error %q does not say %q", name, err, c.WantErr)
		case !quotesEither(err.Error(), c.Target, c.Endpoint):
			t.Errorf("%s error %q quotes neither the target nor the endpoint", name, err)
		}
	}
	e.expectNoGoroutineLeft(t, "by the bad registrations", baseline, reconnecting)
}

func quotesEither(msg, target, endpoint string) bool {
	return strings.Contains(msg, strconv.Quote(kit.Redact(target))) ||
		strings.Contains(msg, strconv.Quote(kit.Redact(endpoint)))
}

func registerSafely(d dtmdriver.Driver, target, endpoint string) (err error, panicked any) {
	defer func() { panicked = recover() }()
	return d.RegisterService(target, endpoint), nil
}

// testSecrets registers with a credential holding a unique marker, parses
// branch URLs holding it, and runs a saga through branch URLs carrying it
// (where the driver takes a credential), while capturing everything the
// process writes to stdout and stderr and everything dtm logs: the marker
// appears in none of it, nor in any error. dtm logs every request it gets,
// branch URLs included, so its log is checked as a dtm server that redacts
// its log lines writes it (infra.Logs redacts with kit.Redact).
func testSecrets(t *testing.T, e *Env) {
	st := e.Harness.(SecretTargeter)
	marker := fmt.Sprintf("Mk%dSecret", time.Now().UnixNano())
	capture, err := captureOutput()
	if err != nil {
		t.Fatalf("capture output: %v", err)
	}
	e.Logs.SetDebug(true)
	var errs, sagaURLs []string
	var output string
	setUpErr := func() error {
		// deferred, so that a t.Fatal on the way restores stdout and stderr
		defer func() {
			e.Logs.SetDebug(false)
			output = capture()
		}()
		d := dtmdriver.GetDriver()
		target, endpoint, err := st.SecretTarget(marker)
		if err != nil {
			return fmt.Errorf("SecretTarget: %w", err)
		}
		if err, p := registerSafely(d, target, endpoint); p != nil {
			errs = append(errs, fmt.Sprint(p))
		} else if err != nil {
			errs = append(errs, err.Error())
		}
		for _, u := range []string{
			"unknownscheme://root:" + marker + "@127.0.0.1:1/key" + busi.TransIn,
			e.URL + busi.TransIn + "?token=" + marker + "&password=" + marker,
			e.URL + "?pass=" + marker,
		} {
			if _, _, err := d.ParseServerMethod(u); err != nil {
				errs = append(errs, err.Error())
			}
		}
		url, served := Prefix(e.URL), e.Service+"-1"
		if ss, ok := e.Harness.(SecretServicer); ok {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			served = "secret-1"
			if url, err = ss.SecretService(ctx, marker, e.Bank.Register(served)); err != nil {
				return fmt.Errorf("SecretService: %w", err)
			}
		}
		from, to := e.User(), e.User()
		gids := e.SubmitSagas(t, url, 1, 1, from, to)
		e.ExpectAllSucceed(t, gids, 30*time.Second)
		sagaURLs = e.Dtm.BranchURLs(gids[0])
		for _, c := range e.Bank.Calls(gids[0]) {
			if c.Instance != served {
				return fmt.Errorf("the saga's branch %s was served by %s, want %s", c.BranchID, c.Instance, served)
			}
		}
		return nil
	}()
	if setUpErr != nil {
		t.Fatal(setUpErr)
	}
	if _, ok := e.Harness.(SecretServicer); ok {
		// the credential went through dtm: it stored the branch URLs with it
		if n := strings.Count(strings.Join(sagaURLs, " "), marker); n == 0 {
			t.Errorf("the saga's branch URLs %q do not hold the marker", sagaURLs)
		}
	} else {
		t.Logf("%T takes no credential in branch URLs: the saga ran through plain ones", e.Harness)
	}
	for _, msg := range errs {
		if strings.Contains(msg, marker) {
			t.Errorf("an error shows the secret: %s", msg)
		}
	}
	if strings.Contains(output, marker) {
		t.Errorf("stdout or stderr shows the secret:\n%s", excerpt(output, marker))
	}
	if logs := e.Logs.String(); strings.Contains(logs, marker) {
		t.Errorf("dtm's log shows the secret:\n%s", excerpt(logs, marker))
	}
	t.Logf("checked %d errors, %d bytes of output and %d bytes of dtm log", len(errs), len(output), len(e.Logs.String()))
}

// excerpt returns the lines of s that contain marker.
func excerpt(s, marker string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, marker) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// captureOutput sends the process' stdout and stderr (the file descriptors,
// so whatever writes to them is caught) to a pipe until the returned function
// is called, which restores them and returns what was written.
func captureOutput() (func() string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	saved := map[int]int{}
	for _, fd := range []int{1, 2} {
		dup, err := dupFD(fd)
		if err != nil {
			return nil, err
		}
		saved[fd] = dup
		if err := redirectFD(int(w.Fd()), fd); err != nil {
			return nil, err
		}
	}
	var buf strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		b := make([]byte, 32<<10)
		for {
			n, err := r.Read(b)
			buf.Write(b[:n])
			if err != nil {
				return
			}
		}
	}()
	return func() string {
		for fd, dup := range saved {
			_ = redirectFD(dup, fd)
			_ = closeFD(dup)
		}
		_ = w.Close()
		<-done
		_ = r.Close()
		return buf.String()
	}, nil
}

// testClose calls the driver's Close from several goroutines at once, twice
// over: every call succeeds. Once the run ends, after the harness' Close,
// no goroutine may be left that did not run before the run began, bar dtm's
// and those the harness names as its framework's (LongLived).
func testClose(t *testing.T, e *Env) {
	d := dtmdriver.GetDriver()
	closer, ok := d.(Closer)
	if !ok {
		t.Fatalf("%T has no Close() error method", d)
	}
	for round := 0; round < 2; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- closer.Close() }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("Close (round %d): %v", round+1, err)
			}
		}
	}
	e.checkGoroutines = true
}
