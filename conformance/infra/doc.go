// Package infra starts the real infrastructure the conformance suite and the
// examples run on, inside the process and on 127.0.0.1: embedded etcd (one
// member or a cluster, with auth and TLS on request) and the dtm server. It
// also has the small helpers tests share: free ports and waiting on a
// condition with a deadline.
package infra
