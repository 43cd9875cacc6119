// Command dtmkit explains, before dtm fails on it, whether dtm would reach a
// branch URL's gRPC method, and whether a dtm server's configuration would
// start:
//
//	go install github.com/dtmkit/drivers/cmd/dtmkit@v0.1.0
//	dtmkit check -driver gozero 'etcd://127.0.0.1:2379/trans.rpc/trans.TransSvc/TransOut'
//	dtmkit check -c conf.yml
//
// A URL check goes the way dtm goes on a branch call: the driver splits the
// URL into server and method (ParseServerMethod), the driver's gRPC resolver
// lists the server's instances, each instance is dialled as dtm dials, and
// the method is looked for there. Each step that fails says how to fix it in
// one sentence. Exit status: 0 when dtm would reach the method, 1 when it
// would not, 2 on a usage error.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0 // dtm would reach the method (or the configuration would start dtm)
	exitFail  = 1 // it would not
	exitUsage = 2 // the command line is wrong
)

const usage = `usage:
  dtmkit check [-driver name] [-proto file.proto]... [-timeout 5s] [-json] [-probe=false] URL
  dtmkit check -c conf.yml [-timeout 5s] [-json]

check explains whether dtm would reach the gRPC method of the branch URL, or
whether the dtm server configuration conf.yml would start. Run
"dtmkit check -h" for the flags.
`

// run is main without the process: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] != "check" {
		fmt.Fprintf(stderr, "dtmkit: unknown command %q: the only command is check\n%s", args[0], usage)
		return exitUsage
	}
	opts, err := parseFlags(args[1:], stderr)
	if err != nil {
		if err == errHelp {
			return exitOK
		}
		fmt.Fprintf(stderr, "dtmkit check: %v\n", err)
		return exitUsage
	}
	var rep *Report
	if opts.conf != "" {
		rep = checkConf(opts)
	} else {
		rep = checkURL(opts)
	}
	if err := rep.write(stdout, opts.json); err != nil {
		fmt.Fprintf(stderr, "dtmkit check: write the report: %v\n", err)
		return exitFail
	}
	if rep.OK {
		return exitOK
	}
	return exitFail
}
