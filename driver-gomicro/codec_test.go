package gomicrodriver

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// TestCodec: a protobuf request round-trips, as go-micro's server decodes
// dtm's bytes into the handler's request type; raw bytes pass through as
// dtm's own codec passes them.
func TestCodec(t *testing.T) {
	var c Codec
	if c.Name() != "dtm_raw" || ContentType != "application/grpc+"+c.Name() {
		t.Fatalf("name %q, content type %q", c.Name(), ContentType)
	}
	in := wrapperspb.String("TransIn 30")
	wire, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var got wrapperspb.StringValue
	if err := c.Unmarshal(wire, &got); err != nil || got.Value != in.Value {
		t.Fatalf("Unmarshal = %v, %v", got.Value, err)
	}
	out, err := c.Marshal(in)
	if err != nil || !bytes.Equal(out, wire) {
		t.Fatalf("Marshal = %x, %v; want %x", out, err, wire)
	}
	if out, err := c.Marshal(wire); err != nil || !bytes.Equal(out, wire) {
		t.Fatalf("Marshal(raw) = %x, %v", out, err)
	}
	var raw []byte
	if err := c.Unmarshal(wire, &raw); err != nil || !bytes.Equal(raw, wire) {
		t.Fatalf("Unmarshal(raw) = %x, %v", raw, err)
	}
}
