package main

import (
	"context"
	"encoding/json"
	"strings"

	gomicrodriver "github.com/dtmkit/drivers/driver-gomicro"
	"github.com/dtmkit/drivers/kit"
)

// gomicroPrefix is where go-micro's etcd registry keeps services:
// /micro/registry/<service>/<node id> = a JSON registry.Service of one node.
const gomicroPrefix = "/micro/registry/"

// gomicro: services register through go-micro's etcd registry.
func init() {
	register(&driverInfo{
		name:    gomicrodriver.Name,
		aliases: []string{"gomicro", "go-micro"},
		schemes: []string{gomicrodriver.Scheme},
		registry: func(ctx context.Context, server string) *registryView {
			t, err := kit.ParseEtcdTarget(server)
			if err != nil {
				return &registryView{Where: "etcd", Err: err, Fix: "write the etcd hosts and service as the error says"}
			}
			prefix := gomicroPrefix + strings.ReplaceAll(t.Key, "/", "-") + "/"
			view := &registryView{Where: etcdWhere(t, "keys "+prefix+"* (go-micro's etcd registry)")}
			kvs, known, err := etcdPrefix(ctx, t, prefix, gomicroService)
			if err != nil {
				view.Err, view.Fix = err, etcdFix(err)
				return view
			}
			for _, kv := range kvs {
				view.Entries = append(view.Entries, gomicroEntries(kv[0], kv[1])...)
			}
			view.Known = known
			return view
		},
		targetRegistry: func(ctx context.Context, target string) (string, string, error) {
			return etcdTargetRegistry(ctx, target, func(t kit.EtcdTarget) string {
				return gomicroPrefix + strings.ReplaceAll(t.Key, "/", "-") + "/"
			})
		},
	})
}

// gomicroService is the service of a go-micro registry key.
func gomicroService(key string) string {
	rest, ok := strings.CutPrefix(key, gomicroPrefix)
	if !ok {
		return ""
	}
	svc, _, _ := strings.Cut(rest, "/")
	return svc
}

// gomicroEntries reads one registration: the driver dials the nodes whose
// metadata says protocol=grpc.
func gomicroEntries(key, value string) []registryEntry {
	var s struct {
		Nodes []struct {
			Address  string            `json:"address"`
			Metadata map[string]string `json:"metadata"`
		} `json:"nodes"`
	}
	if err := json.Unmarshal([]byte(value), &s); err != nil || len(s.Nodes) == 0 {
		return []registryEntry{{Key: key, Note: "not a go-micro registry.Service: skipped"}}
	}
	var out []registryEntry
	for _, n := range s.Nodes {
		e := registryEntry{Key: key, Addr: n.Address}
		if p := n.Metadata["protocol"]; p != "grpc" {
			e.Note = "protocol=" + p + ", not grpc (go-micro's default server): skipped, dtm cannot call it"
		}
		out = append(out, e)
	}
	return out
}
