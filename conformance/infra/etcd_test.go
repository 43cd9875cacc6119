package infra

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"
	"go.uber.org/zap"
)

// TestStoppedMemberKeepsItsAddress: a stopped member's client address stays
// taken (no other test server can get it, whose answers a client of every
// member would receive) and resets connections, and the member serves on
// it again after RestartMember.
func TestStoppedMemberKeepsItsAddress(t *testing.T) {
	e, err := StartEtcd(EtcdOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	addr := e.HostList()[0]
	e.StopMember(0)
	if ln, err := net.Listen("tcp", addr); err == nil {
		ln.Close()
		t.Fatalf("the stopped member's address %s could be taken", addr)
	}
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = conn.Read(make([]byte, 1))
		conn.Close()
	}
	if err == nil || isTimeout(err) {
		t.Fatalf("a connection to the stopped member: %v, want it reset", err)
	}
	if err := e.RestartMember(0); err != nil {
		t.Fatal(err)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{addr}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := cli.Put(ctx, "k", "v"); err != nil {
		t.Fatalf("put through the restarted member: %v", err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestEtcdPeerGoroutinesCoverANewLeader: a new leader opens HTTP connections
// to the other members by itself (the goroutines a leak check then finds),
// and EtcdPeerGoroutines names every goroutine those bring.
func TestEtcdPeerGoroutinesCoverANewLeader(t *testing.T) {
	e, err := StartEtcd(EtcdOptions{Members: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	leader, follower := -1, uint64(0)
	for i, endpoint := range e.Endpoints {
		cli, err := clientv3.New(clientv3.Config{Endpoints: []string{endpoint}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
		if err != nil {
			t.Fatal(err)
		}
		status, err := cli.Status(ctx, endpoint)
		cli.Close()
		if err != nil {
			t.Fatalf("status of %s: %v", endpoint, err)
		}
		if status.Leader == status.Header.MemberId {
			leader = i
		} else {
			follower = status.Header.MemberId
		}
	}
	if leader < 0 {
		t.Fatal("no member says it leads")
	}
	baseline := goleak.IgnoreCurrent()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{e.Endpoints[leader]}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cli.MoveLeader(ctx, follower)
	cli.Close()
	if err != nil {
		t.Fatalf("move the leadership: %v", err)
	}
	var ignore []goleak.Option
	for _, f := range EtcdPeerGoroutines {
		ignore = append(ignore, goleak.IgnoreAnyFunction(f))
	}
	if err := WaitFor(30*time.Second, "the new leader's connections", func() bool {
		left := goleak.Find(baseline)
		return left != nil && strings.Contains(left.Error(), "net/http.(*persistConn).readLoop")
	}); err != nil {
		t.Fatal(err)
	}
	var left error
	if WaitFor(15*time.Second, "no other goroutine", func() bool {
		left = goleak.Find(append(ignore, baseline)...)
		return left == nil
	}) != nil {
		t.Errorf("goroutines EtcdPeerGoroutines does not name: %v", left)
	}
}
