package gomicrodriver

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// ContentType is the content type of dtm's branch calls: dtm sends the bytes
// its client gave it as they are, with grpc's content-subtype dtm_raw.
// go-micro's gRPC server looks a codec up by content type and refuses one it
// does not know, so without ServerOption every branch call fails with
//
//	rpc error: code = Internal desc = {"id":"go.micro.server","code":500,"detail":"Unsupported Content-Type: application/grpc+dtm_raw","status":"Internal Server Error"}
//
// (dtm#571): dtm retries the branch until the transaction times out. The
// driver cannot change what dtm sends; the service's server must accept it.
const ContentType = "application/grpc+dtm_raw"

// protoContentType is what go-micro's server sees instead: dtm_raw bytes
// are a protobuf request.
const protoContentType = "application/grpc+proto"

// ServerOption lets a go-micro gRPC server take dtm's branch calls. Give it
// to go-micro's gRPC server through go-micro's own option for grpc server
// options, one line:
//
//	import grpcserver "go-micro.dev/v5/server/grpc"
//
//	srv := grpcserver.NewServer(grpcserver.Options(gomicrodriver.ServerOption()))
//
// (go-micro v4: the same Options of github.com/go-micro/plugins/v4/server/grpc).
// It is a grpc stream interceptor, chained after any the server has, that
// acts on dtm's calls only (content-subtype dtm_raw):
//
//   - go-micro's server is shown the content type application/grpc+proto,
//     which it has a codec for: the bytes dtm sends are the protobuf request
//     the dtm client marshalled, and grpc decodes them as such;
//   - a handler's gRPC status is kept. go-micro's server turns every error
//     that is not a go-micro error into codes.Unknown, so a handler's
//     status.Error(codes.Aborted, dtmcli.ResultFailure) (what
//     dtmgrpc.DtmError2GrpcError returns for dtmcli.ErrFailure) would reach
//     dtm as Unknown, which dtm retries instead of rolling back. The
//     interceptor restores the code go-micro wrote into the message.
//
// The package imports no go-micro package, so the option has one form for
// every go-micro version whose gRPC server takes grpc server options.
func ServerOption() grpc.ServerOption {
	return grpc.ChainStreamInterceptor(StreamServerInterceptor)
}

// StreamServerInterceptor is the interceptor of ServerOption, for a server
// that assembles its interceptors itself.
func StreamServerInterceptor(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	md, ok := metadata.FromIncomingContext(ss.Context())
	if !ok || !isDtmRaw(md.Get("content-type")) {
		return handler(srv, ss)
	}
	md = md.Copy()
	md.Set("content-type", protoContentType)
	err := handler(srv, &protoStream{ServerStream: ss, ctx: metadata.NewIncomingContext(ss.Context(), md)})
	return restoreCode(err)
}

// isDtmRaw says whether the content types are dtm's.
func isDtmRaw(types []string) bool {
	for _, t := range types {
		if t == ContentType {
			return true
		}
	}
	return false
}

// protoStream is a server stream whose context carries the protobuf content
// type.
type protoStream struct {
	grpc.ServerStream
	ctx context.Context
}

// Context returns the context with the rewritten metadata.
func (s *protoStream) Context() context.Context { return s.ctx }

// statusPrefix starts the text of a gRPC status error, which go-micro's
// server makes the message of the Unknown status it returns.
const statusPrefix = "rpc error: code = "

// restoreCode turns go-micro's Unknown status whose message is the text of a
// handler's status error ("rpc error: code = Aborted desc = FAILURE") back
// into that status. Any other error is returned as it is.
func restoreCode(err error) error {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.Unknown {
		return err
	}
	rest, ok := strings.CutPrefix(st.Message(), statusPrefix)
	if !ok {
		return err
	}
	name, desc, ok := strings.Cut(rest, " desc = ")
	if !ok {
		return err
	}
	for code := codes.OK; code <= codes.Unauthenticated; code++ {
		if code.String() == name {
			return status.Error(code, desc)
		}
	}
	return err
}
