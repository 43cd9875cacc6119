package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dtmkit/drivers/kit"
)

// options are check's command line.
type options struct {
	driver  string        // -driver, a name or alias (see drivers.go)
	conf    string        // -c: a dtm server configuration to check
	protos  []string      // -proto files describing the services
	timeout time.Duration // bound on each network step
	json    bool          // -json output
	probe   bool          // whether to call the method with an undecodable request
	url     string        // the branch URL
}

// errHelp is returned by parseFlags after -h printed the flags.
var errHelp = errors.New("help requested")

// defaultTimeout bounds each network step (registry, connection, method).
const defaultTimeout = 5 * time.Second

// protoFiles is the repeatable -proto flag.
type protoFiles []string

func (p *protoFiles) String() string     { return strings.Join(*p, ",") }
func (p *protoFiles) Set(v string) error { *p = append(*p, v); return nil }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{timeout: defaultTimeout, probe: true}
	fs := flag.NewFlagSet("dtmkit check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.driver, "driver", "", "the dtm driver, by name or short name: "+driverNames()+
		" (default: the one whose schemes include the URL's)")
	fs.StringVar(&o.conf, "c", "", "check this dtm server configuration (conf.yml) instead of a URL")
	fs.Var((*protoFiles)(&o.protos), "proto", "a .proto file declaring the service, to name the methods when the service has no server reflection (repeatable)")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "bound on each network step: registry, connection, method")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.BoolVar(&o.probe, "probe", true, "call the method with a request no server can decode, which fails before any handler runs, to prove the method exists")
	// flags may follow the URL: parse what follows it too
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return o, errHelp
			}
			return o, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
	if o.timeout <= 0 {
		return o, fmt.Errorf("-timeout must be positive, not %s", o.timeout)
	}
	switch {
	case o.conf != "" && len(rest) > 0:
		return o, fmt.Errorf("give either -c conf.yml or a URL, not both (got %q)", kit.Redact(strings.Join(rest, " ")))
	case o.conf != "":
	case len(rest) == 0:
		return o, errors.New("no URL: give the branch URL to check, e.g. etcd://127.0.0.1:2379/trans.rpc/trans.TransSvc/TransOut, or -c conf.yml")
	case len(rest) > 1:
		return o, fmt.Errorf("one URL at a time (got %d: %q); quote a URL holding '&' or '?' for the shell", len(rest), kit.Redact(strings.Join(rest, " ")))
	default:
		o.url = rest[0]
	}
	return o, nil
}
