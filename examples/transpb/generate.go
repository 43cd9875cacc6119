// Package transpb holds the generated code of trans.proto. The generated
// files are committed, so building needs no protoc; to regenerate, install
// protoc, protoc-gen-go v1.36.11 and protoc-gen-go-grpc v1.6.0, then run
// go generate.
package transpb

//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative trans.proto
