package kratos_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtm-labs/dtm/client/dtmgrpc"
	"github.com/dtm-labs/dtmdriver"
	"github.com/dtmkit/drivers/conformance"
	"github.com/dtmkit/drivers/conformance/busi"
	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"google.golang.org/protobuf/types/known/emptypb"
)

// clientOnlyEnv makes the test binary act as a dtm client process; the other
// variables pass it what to do.
const (
	clientOnlyEnv = "DTMKIT_KRATOS_CLIENT_ONLY"
	dtmURLEnv     = "DTMKIT_KRATOS_DTM_URL"
	busiURLEnv    = "DTMKIT_KRATOS_BUSI_URL"
	gidEnv        = "DTMKIT_KRATOS_GID"
	usersEnv      = "DTMKIT_KRATOS_USERS"
)

// testClientOnlyProcess is dtm#542: a process that only uses dtm as a client
// (dtmgrpc.UseDriver, never RegisterGrpcService) calls discovery:// branches
// itself, as XA and TCC clients do. It runs a TCC transaction in a child
// process whose only driver call is UseDriver; the child resolves dtm and the
// kratos business service through etcd, and dtm confirms the branches.
func testClientOnlyProcess(t *testing.T, h *harness, env *conformance.Env) {
	from, to, gid := env.User(), env.User(), env.Gid("client-only")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		clientOnlyEnv+"=1",
		dtmURLEnv+"="+env.DtmURL,
		busiURLEnv+"="+h.ServiceURL(env.Service),
		gidEnv+"="+gid,
		fmt.Sprintf("%s=%d,%d", usersEnv, from, to),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("client-only process: %v\n%s", err, out)
	}
	env.WaitStatus(t, gid, "succeed")
	expectCalls(t, env, gid, env.Service+"-1", "try", "try", "confirm", "confirm")
	expectBalances(t, env, map[int64]int64{from: -amount, to: amount})
}

// runClientOnly is the child's main: it returns the exit status.
func runClientOnly() int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(os.Stderr, format+"\n", args...)
		return 1
	}
	var from, to int64
	users := strings.Split(os.Getenv(usersEnv), ",")
	if len(users) != 2 {
		return fail("%s=%q", usersEnv, os.Getenv(usersEnv))
	}
	from, _ = strconv.ParseInt(users[0], 10, 64)
	to, _ = strconv.ParseInt(users[1], 10, 64)
	dtmURL, url, gid := os.Getenv(dtmURLEnv), os.Getenv(busiURLEnv), os.Getenv(gidEnv)

	if err := dtmgrpc.UseDriver(kratosdriver.Name); err != nil {
		return fail("use driver: %v", err)
	}
	// this process registered nothing: discovery:///<service> has no home
	if _, _, err := dtmdriver.GetDriver().ParseServerMethod("discovery:///busi" + busi.TransIn); err == nil ||
		!strings.Contains(err.Error(), "RegisterGrpcService") {
		return fail("discovery:///busi in a client-only process: %v, want the no-registry error", err)
	}
	err := dtmgrpc.TccGlobalTransaction(dtmURL, gid, func(tcc *dtmgrpc.TccGrpc) error {
		r := &emptypb.Empty{}
		if err := tcc.CallBranch(busi.Req{UserID: from, Amount: amount}.Proto(),
			url+busi.TransOutTry, url+busi.TransOutConfirm, url+busi.TransOutCancel, r); err != nil {
			return fmt.Errorf("try %s: %w", url+busi.TransOutTry, err)
		}
		return tcc.CallBranch(busi.Req{UserID: to, Amount: amount}.Proto(),
			url+busi.TransInTry, url+busi.TransInConfirm, url+busi.TransInCancel, r)
	})
	if err != nil {
		return fail("tcc through %s: %v", dtmURL, err)
	}
	return 0
}
