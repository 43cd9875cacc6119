package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/reflection"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/dtmkit/drivers/conformance/busi"
	"github.com/dtmkit/drivers/conformance/infra"
)

// checkMainEnv makes the test binary run the command: each check runs in a
// process of its own, as dtm and the command do, since dtm's driver
// selection and grpc's resolvers are process-wide.
const checkMainEnv = "DTMKIT_CHECK_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(checkMainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	infra.Main(m)
}

// checkResult is one run of the command.
type checkResult struct {
	out  string
	code int
	took time.Duration
}

// runCheck runs "dtmkit check args..." in a new process, bounded to a
// minute, with env added to the environment.
func runCheck(t *testing.T, env []string, args ...string) checkResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], append([]string{"check"}, args...)...)
	// LOG_LEVEL quiets dtm's logger, which the test binary links
	cmd.Env = append(append(os.Environ(), checkMainEnv+"=1", "LOG_LEVEL=error"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := checkResult{out: stdout.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	default:
		t.Fatalf("run check: %v", err)
	}
	if stderr.Len() > 0 {
		t.Logf("stderr of check %s:\n%s", strings.Join(args, " "), stderr.String())
	}
	t.Logf("dtmkit check %s  (exit %d, %s)\n%s", strings.Join(args, " "), r.code, r.took.Round(time.Millisecond), r.out)
	return r
}

// expect fails t unless r exited with code and its output holds every want.
func (r checkResult) expect(t *testing.T, code int, wants ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit status %d, want %d", r.code, code)
	}
	for _, w := range wants {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// report parses -json output.
func (r checkResult) report(t *testing.T) Report {
	t.Helper()
	var rep Report
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil {
		t.Fatalf("-json output does not parse: %v\n%s", err, r.out)
	}
	return rep
}

// transMethods are trans.TransSvc's methods, named in snake_case as in
// testdata/trans.proto.
var transMethods = []string{"trans_out", "trans_in"}

func init() {
	// describe busi.Busi and trans.TransSvc in the registry, as generated
	// code does, so that server reflection can serve them
	var busiMethods []string
	for _, m := range []string{busi.TransOut, busi.TransOutRevert, busi.TransIn, busi.TransInRevert} {
		busiMethods = append(busiMethods, m[strings.LastIndexByte(m, '/')+1:])
	}
	registerServiceFile("busi", "Busi", busiMethods)
	registerServiceFile("trans", "TransSvc", transMethods)
}

// registerServiceFile registers a file declaring service pkg.svc with
// methods from Empty to Empty.
func registerServiceFile(pkg, svc string, methods []string) {
	empty := ".google.protobuf.Empty"
	fd := &descriptorpb.FileDescriptorProto{
		Name:       strp(pkg + "_check_test.proto"),
		Package:    strp(pkg),
		Dependency: []string{emptypb.File_google_protobuf_empty_proto.Path()},
		Syntax:     strp("proto3"),
		Service:    []*descriptorpb.ServiceDescriptorProto{{Name: strp(svc)}},
	}
	for _, m := range methods {
		fd.Service[0].Method = append(fd.Service[0].Method, &descriptorpb.MethodDescriptorProto{
			Name: strp(m), InputType: &empty, OutputType: &empty})
	}
	f, err := protodesc.NewFile(fd, protoregistry.GlobalFiles)
	if err != nil {
		panic(err)
	}
	if err := protoregistry.GlobalFiles.RegisterFile(f); err != nil {
		panic(err)
	}
}

func strp(s string) *string { return &s }

// transService is trans.TransSvc: every method takes and returns Empty.
func transService(s *grpc.Server) {
	desc := &grpc.ServiceDesc{ServiceName: "trans.TransSvc", HandlerType: (*any)(nil)}
	for _, m := range transMethods {
		desc.Methods = append(desc.Methods, grpc.MethodDesc{
			MethodName: m,
			Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				in := new(emptypb.Empty)
				if err := dec(in); err != nil {
					return nil, err
				}
				return &emptypb.Empty{}, nil
			},
		})
	}
	s.RegisterService(desc, struct{}{})
}

// service is a gRPC server serving busi.Busi (over bank, whose calls the
// tests count) and trans.TransSvc, with server reflection when asked.
type service struct {
	addr string
	srv  *grpc.Server
}

func startService(t *testing.T, bank *busi.Bank, withReflection bool) *service {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &service{addr: lis.Addr().String(), srv: grpc.NewServer()}
	bank.Register(s.addr)(s.srv)
	transService(s.srv)
	if withReflection {
		reflection.Register(s.srv)
	}
	go func() { _ = s.srv.Serve(lis) }()
	t.Cleanup(s.srv.Stop)
	return s
}

// deadAddr is a 127.0.0.1 address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	a, err := infra.FreeAddr()
	if err != nil {
		t.Fatal(err)
	}
	return a
}
