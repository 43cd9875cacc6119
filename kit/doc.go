// Package kit holds what every dtm driver in this collection shares: splitting
// branch URLs into the server dtm dials and the gRPC method it invokes, parsing
// etcd targets with their credentials and TLS settings, a resolver wrapper that
// gives dtm a load-balancing policy, the backoff of registry watches, the
// holders of the registry clients and watches a driver shares among its
// resolvers (Connections, Shared, Feed), and redaction of secrets in URLs.
//
// kit depends on grpc and the standard library only, so a driver that imports
// it pays nothing for the others' registries.
package kit
