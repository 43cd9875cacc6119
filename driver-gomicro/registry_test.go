package gomicrodriver

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestGrpcNodeAddrs reads values as go-micro v5.30.0's etcd registry writes
// them (testdata/registry, the JSON of the Service each server registered,
// as registry/etcd encodes it: a gRPC server's node, a default RPC server's
// node), keeping only gRPC nodes.
func TestGrpcNodeAddrs(t *testing.T) {
	grpcNode, err := os.ReadFile("testdata/registry/grpc-node.json")
	if err != nil {
		t.Fatal(err)
	}
	rpcNode, err := os.ReadFile("testdata/registry/rpc-node.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := grpcNodeAddrs(grpcNode); strings.Join(got, " ") != "127.0.0.1:41853" {
		t.Errorf("gRPC node: %q", got)
	}
	if got := grpcNodeAddrs(rpcNode); len(got) != 0 {
		t.Errorf("RPC node kept: %q", got)
	}
	for _, v := range []string{"", "null", "{", `{"nodes":[{"address":"nohost","metadata":{"protocol":"grpc"}}]}`} {
		if got := grpcNodeAddrs([]byte(v)); len(got) != 0 {
			t.Errorf("grpcNodeAddrs(%q) = %q", v, got)
		}
	}
}

func TestAddressesMergesAndSorts(t *testing.T) {
	got := addresses(map[string][]string{"k2": {"10.0.0.2:1", "10.0.0.1:1"}, "k1": {"10.0.0.1:1"}, "k3": nil})
	if len(got) != 2 || got[0].Addr != "10.0.0.1:1" || got[1].Addr != "10.0.0.2:1" {
		t.Fatalf("addresses %+v", got)
	}
}

// TestDtmNodeIsAGrpcNode: what dtm registers has the fields go-micro writes
// for a gRPC server, and the driver reads it back.
func TestDtmNodeIsAGrpcNode(t *testing.T) {
	v, err := dtmNode("dtmservice", "dtmservice-1", "127.0.0.1:36790")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "version", "metadata", "endpoints", "nodes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, v)
		}
	}
	if got := grpcNodeAddrs(v); strings.Join(got, " ") != "127.0.0.1:36790" {
		t.Errorf("read back %q from %s", got, v)
	}
	if k := nodeKey("team/dtm", "team/dtm-1"); k != "/micro/registry/team-dtm/team-dtm-1" {
		t.Errorf("nodeKey = %q", k)
	}
}
