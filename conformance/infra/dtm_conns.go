package infra

import (
	"context"
	"sync"
	_ "unsafe" // for go:linkname

	_ "github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp" // defines the caches below
	"google.golang.org/grpc"
)

// dtm's client caches one grpc.ClientConn per server string, for the life of
// the process, in these two maps (dtm v1.19.0, client/dtmgrpc/dtmgimp), and
// has no way to close them.
//
//go:linkname dtmNormalClients github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp.normalClients
var dtmNormalClients sync.Map

//go:linkname dtmRawClients github.com/dtm-labs/dtm/client/dtmgrpc/dtmgimp.rawClients
var dtmRawClients sync.Map

// dtmConns are the connections dtm's client has made calls on. dtm v1.19.0
// dials a new server string on every call that finds it not yet cached, so
// concurrent first calls each dial, and all but the connection cached last
// are lost to it, still open.
var dtmConns sync.Map // *grpc.ClientConn → struct{}

// trackDtmConns is a client interceptor, installed in dtm's client when dtm
// starts, that records the connections dtm's client uses.
func trackDtmConns(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn,
	invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	dtmConns.Store(cc, struct{}{})
	return invoker(ctx, method, req, reply, cc, opts...)
}

// CloseDtmConns closes the connections dtm's client has cached or used
// (dtm's own branch calls and this process' calls to dtm) and forgets them, so that the
// next call to a server string dials it again, through the driver then in
// use. A test run closes them at its end: the resolvers they use are the
// driver's, which the run has closed, and a later run in the process would
// otherwise reuse them; and what is left running afterwards is then what
// the driver and its framework left, not dtm's cache. It returns how many it
// closed.
func CloseDtmConns() int {
	conns := map[*grpc.ClientConn]bool{}
	for _, m := range []*sync.Map{&dtmNormalClients, &dtmRawClients, &dtmConns} {
		m.Range(func(k, v any) bool {
			if conn, ok := v.(*grpc.ClientConn); ok {
				conns[conn] = true
			} else if conn, ok := k.(*grpc.ClientConn); ok {
				conns[conn] = true
			}
			m.Delete(k)
			return true
		})
	}
	for conn := range conns {
		_ = conn.Close()
	}
	return len(conns)
}
