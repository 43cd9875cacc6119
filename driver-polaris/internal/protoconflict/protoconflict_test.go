package protoconflict

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// childEnv marks the test binary run by TestConflictPolicy.
const childEnv = "PROTOCONFLICT_CHILD"

// TestConflictPolicy runs TestRegisterTwoAuthProtos in a fresh process (the
// policy is read from the environment at init) and checks what a user sees:
// nothing when the environment says nothing, and the protobuf runtime's own
// behaviour when it sets the variable.
func TestConflictPolicy(t *testing.T) {
	for _, c := range []struct {
		env        string // "" leaves the variable unset
		wantPolicy string
		wantFail   bool   // the child process fails (panic)
		wantStderr string // "" wants an empty stderr
	}{
		{"", Policy, false, ""},
		{"warn", "warn", false, `WARNING: proto: file "auth.proto" is already registered`},
		{"panic", "panic", true, `file "auth.proto" is already registered`},
	} {
		t.Run("env="+c.env, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestRegisterTwoAuthProtos$", "-test.v")
			cmd.Env = append(withoutVar(os.Environ()), childEnv+"=1")
			if c.env != "" {
				cmd.Env = append(cmd.Env, EnvVar+"="+c.env)
			}
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			// protobuf-go spells the space after "proto:" as U+00A0 in some
			// builds (internal/detrand, to keep callers off exact texts)
			out := strings.ReplaceAll(stdout.String()+stderr.String(), "\u00a0", " ")
			if (err != nil) != c.wantFail {
				t.Fatalf("child: %v, want failure %v\n%s", err, c.wantFail, out)
			}
			if !c.wantFail && !strings.Contains(stdout.String(), "policy="+c.wantPolicy+"\n") {
				t.Errorf("child did not run with policy %q:\n%s", c.wantPolicy, out)
			}
			if c.wantStderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr is not empty:\n%s", stderr.String())
			}
			if c.wantStderr != "" && !strings.Contains(out, c.wantStderr) {
				t.Errorf("output lacks %q:\n%s", c.wantStderr, out)
			}
		})
	}
}

// TestRegisterTwoAuthProtos registers two files named auth.proto of
// different packages, as etcd's authpb and polaris' specification do, and
// checks that both register and resolve by their full names.
func TestRegisterTwoAuthProtos(t *testing.T) {
	if os.Getenv(childEnv) == "" {
		t.Skip("run by TestConflictPolicy in a process of its own")
	}
	fmt.Printf("policy=%s\n", os.Getenv(EnvVar))
	for _, pkg := range []string{"authpb", "v1"} {
		fdp := &descriptorpb.FileDescriptorProto{
			Name:        proto.String("auth.proto"),
			Package:     proto.String(pkg),
			Syntax:      proto.String("proto3"),
			MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("User")}},
		}
		fd, err := protodesc.NewFile(fdp, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := protoregistry.GlobalFiles.RegisterFile(fd); err != nil {
			t.Fatalf("register auth.proto of package %s: %v", pkg, err)
		}
		if _, err := protoregistry.GlobalFiles.FindDescriptorByName(fd.Messages().Get(0).FullName()); err != nil {
			t.Errorf("%s.User does not resolve: %v", pkg, err)
		}
	}
}

func withoutVar(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, EnvVar+"=") {
			out = append(out, kv)
		}
	}
	return out
}
