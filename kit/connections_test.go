package kit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errTestClosed = errors.New("test: closed")

// TestConnectionsMakeOnePerKey: callers at once get the one connection of
// their key; another key gets its own.
func TestConnectionsMakeOnePerKey(t *testing.T) {
	conns := NewConnections[string, int](context.Background(), errTestClosed)
	var made atomic.Int32
	connect := func(context.Context) (int, error) { return int(made.Add(1)), nil }
	var wg sync.WaitGroup
	got := make([]int, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = conns.Get(context.Background(), "a", connect)
		}()
	}
	wg.Wait()
	for i, v := range got {
		if v != got[0] {
			t.Fatalf("caller %d got connection %d, caller 0 got %d", i, v, got[0])
		}
	}
	if b, _ := conns.Get(context.Background(), "b", connect); b == got[0] {
		t.Fatalf("key b got key a's connection %d", b)
	}
	if made.Load() != 2 {
		t.Fatalf("%d connections made for 2 keys", made.Load())
	}
	var closed []int
	conns.Close(func(v int) { closed = append(closed, v) })
	if len(closed) != 2 {
		t.Fatalf("Close closed %v, want both connections", closed)
	}
}

// TestConnectionsForgetAFailure: a failed connection is returned to its
// callers, and the next Get connects again.
func TestConnectionsForgetAFailure(t *testing.T) {
	conns := NewConnections[string, int](context.Background(), errTestClosed)
	defer conns.Close(func(int) {})
	refused := errors.New("refused")
	if _, err := conns.Get(context.Background(), "a", func(context.Context) (int, error) { return 0, refused }); err != refused {
		t.Fatalf("Get = %v, want the connection's error", err)
	}
	v, err := conns.Get(context.Background(), "a", func(context.Context) (int, error) { return 7, nil })
	if err != nil || v != 7 {
		t.Fatalf("Get after a failure = %d, %v; want a new connection", v, err)
	}
}

// TestConnectionsWaitWithTheCallersContext: a caller whose context ends
// stops waiting while the connection goes on, and a later caller gets it.
func TestConnectionsWaitWithTheCallersContext(t *testing.T) {
	conns := NewConnections[string, int](context.Background(), errTestClosed)
	defer conns.Close(func(int) {})
	release := make(chan struct{})
	connect := func(context.Context) (int, error) { <-release; return 1, nil }
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := conns.Get(ctx, "a", connect); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Get with an ended context = %v, want its error", err)
	}
	close(release)
	if v, err := conns.Get(context.Background(), "a", connect); err != nil || v != 1 {
		t.Fatalf("Get = %d, %v; want the connection made meanwhile", v, err)
	}
}

// TestConnectionsCloseStopsConnecting: Close ends the context of a
// connection being made and waits for it; a connection failed that way is
// not closed, and Get returns the closed error afterwards.
func TestConnectionsCloseStopsConnecting(t *testing.T) {
	conns := NewConnections[string, int](context.Background(), errTestClosed)
	started := make(chan struct{})
	var returned atomic.Bool
	connect := func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		returned.Store(true)
		return 0, ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, _ = conns.Get(ctx, "a", connect)
	conns.Close(func(v int) { t.Errorf("Close closed a connection never made (%d)", v) })
	if !returned.Load() {
		t.Fatal("Close returned before the connection being made did")
	}
	if _, err := conns.Get(context.Background(), "a", connect); err != errTestClosed {
		t.Fatalf("Get after Close = %v, want the closed error", err)
	}
}
