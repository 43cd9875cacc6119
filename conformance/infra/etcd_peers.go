package infra

// EtcdPeerGoroutines name (as goleak.IgnoreAnyFunction takes them) the
// goroutines an embedded etcd cluster of several members starts on its own,
// whatever its clients do: its leader polls the other members' versions
// and hashes over HTTP every few seconds, on connections its peer
// transport keeps idle for good, so a new leader (after a member was
// stopped, or at any election) opens new ones: two client goroutines per
// connection, and on the serving member one reading each connection and
// one serving it, which after an answer can wait for that read to stop
// until the peer read timeout (the member's connections set a fresh read
// deadline on every read, which can undo the one net/http sets). A
// leak check in a process running such a cluster ignores them; an HTTP
// client a driver leaked would hide among them, which is why only the
// harnesses of drivers that use no net/http (the etcd ones) list them.
var EtcdPeerGoroutines = []string{
	"net/http.(*persistConn).readLoop",
	"net/http.(*persistConn).writeLoop",
	"github.com/soheilhy/cmux.(*MuxConn).Read",
	"net/http.(*connReader).abortPendingRead",
}
