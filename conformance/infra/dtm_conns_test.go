package infra

import (
	"testing"

	"github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp"
)

// TestCloseDtmConns: the connections dtm's client caches are the ones
// CloseDtmConns closes and forgets, so the next call dials again.
func TestCloseDtmConns(t *testing.T) {
	const server = "passthrough:///127.0.0.1:1"
	first, err := dtmgimp.GetGrpcConn(server, true)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := dtmgimp.GetGrpcConn(server, true); again != first {
		t.Fatal("dtm's client did not cache the connection")
	}
	if n := CloseDtmConns(); n != 1 {
		t.Fatalf("CloseDtmConns closed %d connections, want 1", n)
	}
	next, err := dtmgimp.GetGrpcConn(server, true)
	if err != nil {
		t.Fatal(err)
	}
	defer CloseDtmConns()
	if next == first {
		t.Fatal("dtm's client still hands out the closed connection")
	}
}
