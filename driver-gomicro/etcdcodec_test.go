package gomicrodriver

import (
	"strings"
	"testing"

	"go.etcd.io/etcd/api/v3/etcdserverpb"
)

// TestEtcdCodec: etcd's messages round-trip through the codec the driver
// forces on its etcd client; anything else is an error naming the driver.
func TestEtcdCodec(t *testing.T) {
	var c etcdCodec
	in := &etcdserverpb.RangeRequest{Key: []byte("/micro/registry/dtmservice/"), RangeEnd: []byte("/micro/registry/dtmservice0")}
	b, err := c.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out etcdserverpb.RangeRequest
	if err := c.Unmarshal(b, &out); err != nil || string(out.Key) != string(in.Key) || string(out.RangeEnd) != string(in.RangeEnd) {
		t.Fatalf("round trip: %v, %v", &out, err)
	}
	if _, err := c.Marshal(42); err == nil || !strings.HasPrefix(err.Error(), Name+": ") {
		t.Errorf("Marshal(42): %v", err)
	}
	if err := c.Unmarshal(b, new(int)); err == nil || !strings.HasPrefix(err.Error(), Name+": ") {
		t.Errorf("Unmarshal into *int: %v", err)
	}
	if c.Name() != "proto" {
		t.Errorf("name %q", c.Name())
	}
}
