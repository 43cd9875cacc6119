// Package protoconflict lets polaris-go share a binary with etcd's client.
//
// polaris' API (github.com/polarismesh/specification, which polaris-go
// v1.6.1 imports) and etcd's (go.etcd.io/etcd/api/v3/authpb) both register a
// protobuf file named "auth.proto". The protobuf runtime panics at start-up
// on such a conflict unless GOLANG_PROTOBUF_REGISTRATION_CONFLICT says
// otherwise, so a dtm server or client holding this driver and an etcd-based
// one (go-zero's, kratos') would not start. The two files describe
// different packages (etcd's authpb, polaris' v1), so only the registry
// lookup of the file by its name is lost.
//
// This package imports only os, so Go initialises it before both protobuf
// packages: among packages whose imports are ready, the one first by import
// path goes first, and "github.com/dtmkit/..." sorts before
// "github.com/polarismesh/..." and "go.etcd.io/...". Its init sets the
// variable to "warn" (the runtime then prints one warning and goes on) unless
// the environment already sets it.
package protoconflict

import "os"

// EnvVar is the protobuf runtime's conflict-policy variable.
const EnvVar = "GOLANG_PROTOBUF_REGISTRATION_CONFLICT"

func init() {
	if _, set := os.LookupEnv(EnvVar); !set {
		_ = os.Setenv(EnvVar, "warn")
	}
}
