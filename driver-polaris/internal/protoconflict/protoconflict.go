// Package protoconflict lets polaris-go share a binary with etcd's client.
//
// polaris' API (github.com/polarismesh/specification, which polaris-go
// v1.6.1 imports) and etcd's (go.etcd.io/etcd/api/v3/authpb) both register a
// protobuf file named "auth.proto". The protobuf runtime panics at start-up
// on such a conflict unless GOLANG_PROTOBUF_REGISTRATION_CONFLICT says
// otherwise, so a dtm server or client holding this driver and an etcd-based
// one (go-zero's, kratos') would not start; with "warn" it starts but prints
// a warning on every start, which users take for a fault.
//
// The conflict is harmless, so this package sets "ignore": the two files
// describe different packages (etcd's authpb, polaris' v1) with no name in
// common, so both are registered and every message, enum and service in them
// resolves by its full name. Only the lookup of a file by the path
// "auth.proto" (protoregistry.GlobalFiles.FindFileByPath) is lost: it answers
// "multiple files named". The setting is process-wide, so another conflict
// in the same program goes unreported too; a user who wants to hear of one
// sets the variable to "warn" or "panic", and this package keeps what the
// environment says.
//
// This package imports only os, so Go initialises it before both protobuf
// packages: among packages whose imports are ready, the one first by import
// path goes first, and "github.com/dtmkit/..." sorts before
// "github.com/polarismesh/..." and "go.etcd.io/...".
package protoconflict

import "os"

// EnvVar is the protobuf runtime's conflict-policy variable.
const EnvVar = "GOLANG_PROTOBUF_REGISTRATION_CONFLICT"

// Policy is the value set when the environment sets none.
const Policy = "ignore"

func init() {
	if _, set := os.LookupEnv(EnvVar); !set {
		_ = os.Setenv(EnvVar, Policy)
	}
}
