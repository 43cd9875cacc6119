package gomicrodriver

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// stream is the server stream of a call with the given incoming metadata.
type stream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s stream) Context() context.Context { return s.ctx }

func call(contentType string, handlerErr error) (seen string, err error) {
	ss := stream{ctx: metadata.NewIncomingContext(context.Background(), metadata.Pairs("content-type", contentType, "dtm-gid", "g1"))}
	err = StreamServerInterceptor(nil, ss, &grpc.StreamServerInfo{}, func(_ any, ss grpc.ServerStream) error {
		md, _ := metadata.FromIncomingContext(ss.Context())
		seen = md.Get("content-type")[0] + " gid=" + md.Get("dtm-gid")[0]
		return handlerErr
	})
	return seen, err
}

// TestInterceptorShowsProto: go-micro's server sees dtm's calls as protobuf
// calls; dtm's metadata stays; other calls are untouched.
func TestInterceptorShowsProto(t *testing.T) {
	if seen, err := call(ContentType, nil); seen != "application/grpc+proto gid=g1" || err != nil {
		t.Errorf("dtm call: handler saw %q, error %v", seen, err)
	}
	if seen, _ := call("application/grpc+json", nil); seen != "application/grpc+json gid=g1" {
		t.Errorf("json call: handler saw %q", seen)
	}
}

// TestInterceptorRestoresCodes: the Unknown status go-micro makes of a
// handler's status error gets its code back, so dtm rolls back on Aborted
// and waits on FailedPrecondition.
func TestInterceptorRestoresCodes(t *testing.T) {
	// what go-micro's server returns for a handler error that is not a
	// go-micro error: status.New(codes.Unknown, handlerErr.Error()).Err()
	flattened := func(handlerErr error) error { return status.New(codes.Unknown, handlerErr.Error()).Err() }
	cases := []struct {
		handlerErr error
		code       codes.Code
		msg        string
	}{
		{status.Error(codes.Aborted, "FAILURE"), codes.Aborted, "FAILURE"},
		{status.Error(codes.FailedPrecondition, "ONGOING"), codes.FailedPrecondition, "ONGOING"},
		{status.Error(codes.Aborted, "a desc = with rpc error: code = Internal inside"), codes.Aborted, "a desc = with rpc error: code = Internal inside"},
		{errors.New("disk full"), codes.Unknown, "disk full"},
		{errors.New("rpc error: code = Nonsense desc = x"), codes.Unknown, "rpc error: code = Nonsense desc = x"},
	}
	for _, c := range cases {
		_, err := call(ContentType, flattened(c.handlerErr))
		if st := status.Convert(err); st.Code() != c.code || st.Message() != c.msg {
			t.Errorf("handler error %v: dtm gets %v, want code %v message %q", c.handlerErr, err, c.code, c.msg)
		}
	}
	// go-micro's own errors already carry their code
	micro := status.Error(codes.FailedPrecondition, `{"code":412}`)
	if _, err := call(ContentType, micro); err != micro {
		t.Errorf("go-micro error changed: %v", err)
	}
	// only dtm's calls are touched
	if _, err := call("application/grpc+proto", flattened(status.Error(codes.Aborted, "FAILURE"))); status.Code(err) != codes.Unknown {
		t.Errorf("a non-dtm call's error was changed: %v", err)
	}
}

func TestServerOption(t *testing.T) {
	if ServerOption() == nil {
		t.Fatal("nil option")
	}
}
