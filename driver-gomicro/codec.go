package gomicrodriver

import (
	"fmt"

	"google.golang.org/protobuf/proto"
)

// ContentType is the content type of dtm's branch calls. dtm sends the
// request bytes its client gave it as they are, with grpc's content-subtype
// dtm_raw, and go-micro's gRPC server refuses a content type it has no codec
// for: the branch fails with
//
//	Unsupported Content-Type: application/grpc+dtm_raw
//
// (dtm#571). The driver cannot change what dtm sends; the service registers
// Codec for it instead.
const ContentType = "application/grpc+dtm_raw"

// Codec lets a go-micro gRPC server take dtm's calls. Give it to the server
// with go-micro's own option, one line:
//
//	import grpcserver "go-micro.dev/v5/server/grpc"
//
//	srv := grpcserver.NewServer(grpcserver.Codec(gomicrodriver.ContentType, gomicrodriver.Codec{}))
//
// (with go-micro v4, the same option of github.com/go-micro/plugins/v4/server/grpc).
// The bytes dtm sends are a protobuf request, so Codec is protobuf's codec;
// it also passes raw bytes through, as dtm's own codec does. It implements
// grpc's encoding.Codec.
type Codec struct{}

// Marshal encodes a protobuf message, or returns raw bytes as they are.
func (Codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case proto.Message:
		return proto.Marshal(m)
	case []byte:
		return m, nil
	case *[]byte:
		return *m, nil
	}
	return nil, fmt.Errorf("%s: codec %s: cannot marshal %T: want a protobuf message or []byte", Name, ContentType, v)
}

// Unmarshal decodes data into a protobuf message, or copies it into a
// *[]byte.
func (Codec) Unmarshal(data []byte, v any) error {
	switch m := v.(type) {
	case proto.Message:
		return proto.Unmarshal(data, m)
	case *[]byte:
		*m = append((*m)[:0], data...)
		return nil
	}
	return fmt.Errorf("%s: codec %s: cannot unmarshal into %T: want a protobuf message or *[]byte", Name, ContentType, v)
}

// Name returns dtm's content-subtype, dtm_raw.
func (Codec) Name() string { return "dtm_raw" }
