package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	rpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	rpbalpha "google.golang.org/grpc/reflection/grpc_reflection_v1alpha"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// reflectMethods lists the methods of every service conn's server offers,
// as "/pkg.Service/Method", through gRPC server reflection (v1, then
// v1alpha, which older servers register). ok is false when the server has
// no reflection.
func reflectMethods(conn *grpc.ClientConn, timeout time.Duration) (methods []string, ok bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ask := reflectV1(ctx, conn)
	if _, err := ask(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}}); status.Code(err) == codes.Unimplemented {
		ask = reflectV1alpha(ctx, conn)
	}
	resp, err := ask(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_ListServices{}})
	if status.Code(err) == codes.Unimplemented {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for _, svc := range resp.GetListServicesResponse().GetService() {
		name := svc.GetName()
		if strings.HasPrefix(name, "grpc.reflection.") {
			continue
		}
		found := false
		r, err := ask(&rpb.ServerReflectionRequest{MessageRequest: &rpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: name}})
		if status.Code(err) == codes.Unavailable || status.Code(err) == codes.DeadlineExceeded {
			return methods, true, fmt.Errorf("reflection: file of %s: %w", name, err)
		}
		for _, raw := range r.GetFileDescriptorResponse().GetFileDescriptorProto() {
			var fd descriptorpb.FileDescriptorProto
			if proto.Unmarshal(raw, &fd) != nil {
				continue
			}
			for _, s := range fd.GetService() {
				if qualified(fd.GetPackage(), s.GetName()) != name {
					continue
				}
				found = true
				for _, m := range s.GetMethod() {
					methods = append(methods, "/"+name+"/"+m.GetName())
				}
			}
		}
		if !found {
			// the server lists the service but cannot describe it (a
			// hand-written grpc.ServiceDesc): name the service only
			methods = append(methods, "/"+name+"/")
		}
	}
	return methods, true, nil
}

func qualified(pkg, name string) string {
	if pkg == "" {
		return name
	}
	return pkg + "." + name
}

// asker sends one reflection request and returns its answer; an error
// answer is returned as an error.
type asker func(*rpb.ServerReflectionRequest) (*rpb.ServerReflectionResponse, error)

func reflectV1(ctx context.Context, conn *grpc.ClientConn) asker {
	return func(req *rpb.ServerReflectionRequest) (*rpb.ServerReflectionResponse, error) {
		stream, err := rpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
		if err != nil {
			return nil, err
		}
		defer func() { _ = stream.CloseSend() }()
		if err := stream.Send(req); err != nil {
			return nil, err
		}
		resp, err := stream.Recv()
		if err != nil {
			return nil, err
		}
		if e := resp.GetErrorResponse(); e != nil {
			return nil, status.Error(codes.Code(e.GetErrorCode()), e.GetErrorMessage())
		}
		return resp, nil
	}
}

// reflectV1alpha asks through v1alpha; its messages are v1's, field for
// field, so they convert through the wire format.
func reflectV1alpha(ctx context.Context, conn *grpc.ClientConn) asker {
	return func(req *rpb.ServerReflectionRequest) (*rpb.ServerReflectionResponse, error) {
		var alphaReq rpbalpha.ServerReflectionRequest
		if err := convert(req, &alphaReq); err != nil {
			return nil, err
		}
		stream, err := rpbalpha.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
		if err != nil {
			return nil, err
		}
		defer func() { _ = stream.CloseSend() }()
		if err := stream.Send(&alphaReq); err != nil {
			return nil, err
		}
		alphaResp, err := stream.Recv()
		if err != nil {
			return nil, err
		}
		var resp rpb.ServerReflectionResponse
		if err := convert(alphaResp, &resp); err != nil {
			return nil, err
		}
		if e := resp.GetErrorResponse(); e != nil {
			return nil, status.Error(codes.Code(e.GetErrorCode()), e.GetErrorMessage())
		}
		return &resp, nil
	}
}

func convert(from, to proto.Message) error {
	b, err := proto.Marshal(from)
	if err != nil {
		return err
	}
	return proto.Unmarshal(b, to)
}
