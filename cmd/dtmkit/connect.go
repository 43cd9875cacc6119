package main

import (
	"context"
	"errors"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// probe is what calling one instance found.
type probe struct {
	addr       string
	connected  bool
	connectErr string
	took       time.Duration
	method     string // methodFound, methodMissing, or "" when not probed
	answer     string // the server's answer to the probe
	unknownSvc bool   // the server does not know the service at all
	conn       *grpc.ClientConn
}

const (
	methodFound   = "found"
	methodMissing = "missing"
)

// undecodable is a request no protobuf message decodes: a field tag cut
// short. A server that has the method fails to decode it before any handler
// or unary interceptor runs, and says so; one that has not answers
// Unimplemented.
var undecodable = []byte{0x80}

// rawCodec sends bytes as they are. It has the name of dtm's own codec for
// branch calls, so the server sees the content type dtm sends
// (application/grpc+dtm_raw).
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) { return v.([]byte), nil }
func (rawCodec) Unmarshal(data []byte, v any) error {
	*(v.(*[]byte)) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "dtm_raw" }

// dialInstance connects to addr as dtm does (insecure, no TLS) and, when
// method is not empty, calls it with the undecodable request. The caller
// closes p.conn.
func dialInstance(addr, method string, timeout time.Duration) probe {
	p := probe{addr: addr}
	start := time.Now()
	conn, err := grpc.NewClient("passthrough:///"+addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		p.connectErr = err.Error()
		return p
	}
	p.conn = conn
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if method == "" {
		p.connected, p.connectErr = waitReady(ctx, conn)
		p.took = time.Since(start)
		return p
	}
	var reply []byte
	err = conn.Invoke(ctx, method, undecodable, &reply, grpc.ForceCodec(rawCodec{}))
	p.took = time.Since(start)
	st, _ := status.FromError(err)
	switch {
	case err == nil:
		// a handler that ignores its request: the method exists
		p.connected, p.method, p.answer = true, methodFound, "OK"
	case st.Code() == codes.Unavailable:
		p.connectErr = st.Message()
	case st.Code() == codes.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded):
		if conn.GetState() == connectivity.Ready {
			p.connected = true
			p.answer = "no answer within " + timeout.String()
		} else {
			p.connectErr = "no connection within " + timeout.String() + " (state " + conn.GetState().String() + ")"
		}
	case st.Code() == codes.Unimplemented:
		p.connected, p.method, p.answer = true, methodMissing, st.Message()
		p.unknownSvc = strings.HasPrefix(st.Message(), "unknown service")
	default:
		// Internal "grpc: error unmarshalling request" from a server that
		// has the method; any other answer also came from past the
		// method lookup
		p.connected, p.method, p.answer = true, methodFound, st.Code().String()+": "+st.Message()
	}
	return p
}

// waitReady waits until conn is ready, or fails, or ctx ends.
func waitReady(ctx context.Context, conn *grpc.ClientConn) (bool, string) {
	conn.Connect()
	for {
		s := conn.GetState()
		switch s {
		case connectivity.Ready:
			return true, ""
		case connectivity.TransientFailure, connectivity.Shutdown:
			return false, "connection " + strings.ToLower(s.String())
		}
		if !conn.WaitForStateChange(ctx, s) {
			return false, "no connection within the timeout (state " + s.String() + ")"
		}
	}
}
