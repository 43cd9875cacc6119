package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	kratosdriver "github.com/dtmkit/drivers/driver-kratos"
	"github.com/dtmkit/drivers/kit"
)

// kratosPrefix is where kratos' etcd registry keeps services:
// /microservices/<service>/<instance id> = a JSON ServiceInstance.
const kratosPrefix = "/microservices/"

// kratos: services register through kratos' etcd registry.
func init() {
	register(&driverInfo{
		name:    kratosdriver.Name,
		aliases: []string{"kratos"},
		schemes: []string{kratosdriver.DiscoveryScheme, kratosdriver.DirectScheme, kratosdriver.EtcdScheme},
		registry: func(ctx context.Context, server string) *registryView {
			if !strings.HasPrefix(server, kratosdriver.DiscoveryScheme+"://") && !strings.HasPrefix(server, kratosdriver.EtcdScheme+"://") {
				return nil // direct: the addresses are in the URL
			}
			t, err := kit.ParseEtcdTarget(server)
			if err != nil {
				return &registryView{Where: "etcd", Err: err, Fix: "write the etcd hosts and service as the error says"}
			}
			prefix := kratosPrefix + t.Key + "/"
			view := &registryView{Where: etcdWhere(t, "keys "+prefix+"* (kratos' etcd registry)")}
			kvs, known, err := etcdPrefix(ctx, t, prefix, kratosService)
			if err != nil {
				view.Err, view.Fix = err, etcdFix(err)
				return view
			}
			for _, kv := range kvs {
				view.Entries = append(view.Entries, kratosEntry(kv[0], kv[1]))
			}
			view.Known = known
			return view
		},
		fix: func(uri string, err error) string {
			msg := err.Error()
			switch {
			case strings.Contains(msg, "no registry"):
				return "check runs outside dtm, which has no registry of its own: write discovery://<etcd hosts>/<service>/... to check the same service (in dtm, discovery:/// reads MicroService.Target's etcd)"
			case strings.Contains(msg, "etcd:// names the etcd hosts"):
				return "write discovery://<etcd hosts>/<service>/<pkg.Service>/<Method>"
			}
			return ""
		},
		targetRegistry: func(ctx context.Context, target string) (string, string, error) {
			return etcdTargetRegistry(ctx, target, func(t kit.EtcdTarget) string { return kratosPrefix + t.Key + "/" })
		},
	})
}

// kratosService is the service of a kratos registry key.
func kratosService(key string) string {
	rest, ok := strings.CutPrefix(key, kratosPrefix)
	if !ok {
		return ""
	}
	svc, _, _ := strings.Cut(rest, "/")
	return svc
}

// kratosEntry reads one registration: the driver dials its plain grpc://
// endpoint.
func kratosEntry(key, value string) registryEntry {
	e := registryEntry{Key: key}
	var in struct {
		Endpoints []string `json:"endpoints"`
	}
	if err := json.Unmarshal([]byte(value), &in); err != nil {
		e.Note = "not a kratos ServiceInstance: skipped"
		return e
	}
	for _, ep := range in.Endpoints {
		u, err := url.Parse(ep)
		if err == nil && u.Scheme == "grpc" && u.Host != "" && u.Query().Get("isSecure") != "true" {
			e.Addr = u.Host
			return e
		}
	}
	e.Note = fmt.Sprintf("no plain grpc:// endpoint among %s: skipped (dtm dials without TLS)", strings.Join(in.Endpoints, ", "))
	return e
}
