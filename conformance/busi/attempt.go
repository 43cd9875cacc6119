package busi

import (
	"context"
	"strconv"
	"sync/atomic"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// attemptKey is the gRPC metadata key that carries the ID of the client call
// a delivery belongs to.
const attemptKey = "busi-attempt"

var lastAttempt atomic.Uint64

// StampAttempts is a client interceptor that gives every call its own ID, in
// the metadata, which the service records with each delivery (Call.Attempt).
// Installed outermost in dtm's client (dtmgrpc.AddUnaryInterceptor), it
// numbers the calls dtm makes: a delivery that shares its ID with another was
// made by something below dtm (a retry or hedging policy, a balancer or
// middleware calling twice) and is a double delivery dtm never asked for.
func StampAttempts(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	id := strconv.FormatUint(lastAttempt.Add(1), 10)
	return invoker(metadata.AppendToOutgoingContext(ctx, attemptKey, id), method, req, reply, cc, opts...)
}

// attemptOf returns the attempt ID of an incoming call, "" if it has none.
func attemptOf(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get(attemptKey); len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}
