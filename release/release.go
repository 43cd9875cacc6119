// Package release proves that this repository installs the way users install
// Go modules: its tests build a file-based module proxy from the working tree
// at Version (see modproxy) and, outside the workspace, go get each driver,
// build a dtm server and a client with it, go install the bundled dtm server
// and run it, and run the conformance suite from a third-party module.
//
// `make release-check` runs them; RELEASING.md says how a release is cut.
package release

// Version is the version the next release tags every published module with.
// Every published go.mod requires its siblings at this version.
const Version = "v0.1.0"
