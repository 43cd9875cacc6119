package busi

import (
	"context"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// Register returns the function that registers busi.Busi, served by the
// instance named instance over b, on a grpc server. Frameworks take such a
// function when they build their servers.
func (b *Bank) Register(instance string) func(*grpc.Server) {
	return func(s *grpc.Server) {
		s.RegisterService(b.serviceDesc(instance), b)
	}
}

// serviceDesc describes busi.Busi by hand, so the suite needs no protoc: every
// method takes a structpb.Struct and returns emptypb.Empty.
func (b *Bank) serviceDesc(instance string) *grpc.ServiceDesc {
	desc := &grpc.ServiceDesc{ServiceName: ServiceName, HandlerType: (*any)(nil)}
	for method := range effects {
		name := method[len("/"+ServiceName+"/"):]
		desc.Methods = append(desc.Methods, grpc.MethodDesc{
			MethodName: name,
			Handler:    b.handler(instance, method),
		})
	}
	return desc
}

func (b *Bank) handler(instance, method string) grpc.MethodHandler {
	return func(_ any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
		in := new(structpb.Struct)
		if err := dec(in); err != nil {
			return nil, err
		}
		call := func(ctx context.Context, req any) (any, error) {
			return b.serve(ctx, instance, method, req.(*structpb.Struct))
		}
		if interceptor == nil {
			return call(ctx, in)
		}
		return interceptor(ctx, in, &grpc.UnaryServerInfo{Server: b, FullMethod: method}, call)
	}
}

func (b *Bank) serve(ctx context.Context, instance, method string, in *structpb.Struct) (*emptypb.Empty, error) {
	req, err := reqFromProto(in)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	tb := dtmgimp.TransBaseFromGrpc(ctx)
	c, cr := b.deliver(Call{Instance: instance, Method: method, Gid: tb.Gid, BranchID: tb.BranchID, Op: tb.Op,
		UserID: req.UserID, Amount: req.Amount, Attempt: attemptOf(ctx)}, req)
	if cr != nil {
		cr.carryOut()
	}
	switch c.Answer {
	case OK:
		return &emptypb.Empty{}, nil
	case Failure:
		return nil, status.Error(codes.Aborted, "busi: injected failure")
	case Ongoing:
		return nil, status.Error(codes.FailedPrecondition, "busi: injected ongoing")
	default: // the instance has crashed: this answer reaches no one
		return nil, status.Error(codes.Unavailable, "busi: crashed")
	}
}
