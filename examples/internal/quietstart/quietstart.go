// Package quietstart keeps two start-up messages out of the quickstart's
// output, by setting environment variables before the packages that read
// them initialise:
//   - dtm's logger reads LOG_LEVEL in its init and complains when it is
//     unset; the quickstart installs its own logger for dtm anyway.
//   - etcd's client and polaris' API both register a protobuf file named
//     "auth.proto". They describe different packages, so the conflict is
//     harmless; driver-polaris sets the runtime to ignore it, and this
//     does the same for demos whatever drivers they link.
//
// It imports only os, so Go initialises it before those packages: among
// packages ready to initialise, the first by import path goes first, and
// they wait for larger dependencies.
package quietstart

import "os"

func init() {
	if os.Getenv("LOG_LEVEL") == "" {
		_ = os.Setenv("LOG_LEVEL", "error")
	}
	_ = os.Setenv("GOLANG_PROTOBUF_REGISTRATION_CONFLICT", "ignore")
}
