package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	gozero "github.com/dtmkit/drivers/driver-gozero"
	"github.com/dtmkit/drivers/kit"
)

// go-zero: services publish "<key>/<id>" = "host:port" in etcd.
func init() {
	register(&driverInfo{
		name:    gozero.Name,
		aliases: []string{"gozero", "go-zero", "zrpc"},
		schemes: []string{gozero.EtcdScheme, gozero.DiscovScheme, gozero.DirectScheme, gozero.K8sScheme},
		registry: func(ctx context.Context, server string) *registryView {
			if !strings.HasPrefix(server, gozero.EtcdScheme+"://") && !strings.HasPrefix(server, gozero.DiscovScheme+"://") {
				return nil // direct, k8s, host:port: the addresses are not in etcd
			}
			t, err := kit.ParseEtcdTarget(server)
			if err != nil {
				return &registryView{Where: "etcd", Err: err, Fix: "write the etcd hosts and key as the error says"}
			}
			view := &registryView{Where: etcdWhere(t, fmt.Sprintf("keys %s/* (go-zero publishes <key>/<id> = host:port)", t.Key))}
			kvs, known, err := etcdPrefix(ctx, t, t.Key+"/", cutLastSegment)
			if err != nil {
				view.Err, view.Fix = err, etcdFix(err)
				return view
			}
			for _, kv := range kvs {
				view.Entries = append(view.Entries, registryEntry{Key: kv[0], Addr: kv[1]})
			}
			view.Known = known
			return view
		},
		upstreamSplit: upstreamGozeroSplit,
		fix: func(uri string, err error) string {
			msg := err.Error()
			switch {
			case strings.Contains(msg, "belongs in the query"):
				return "go-zero's BuildTarget form puts the key in the query: etcd:///<hosts>?key=<key>/<pkg.Service>/<Method>"
			case strings.Contains(msg, "no key"):
				return "name the etcd key the service registers under (its RpcServerConf.Etcd.Key): etcd://<hosts>/<key>/<pkg.Service>/<Method>"
			case strings.Contains(msg, "want scheme"):
				return "dtm-driver-gozero resolves etcd://, discov://, direct:// and k8s://; for consul or nacos add that registry's package to the dtm server"
			}
			return ""
		},
		targetRegistry: func(ctx context.Context, target string) (string, string, error) {
			return etcdTargetRegistry(ctx, target, func(t kit.EtcdTarget) string { return t.Key + "/" })
		},
	})
}

// cutLastSegment is the service key of a go-zero registration key.
func cutLastSegment(key string) string {
	if i := strings.LastIndexByte(key, '/'); i > 0 {
		return key[:i]
	}
	return ""
}

// upstreamGozeroSplit is ParseServerMethod of github.com/dtm-labs/
// dtmdriver-gozero v0.0.7, the go-zero driver dtm v1.19.0's release binary
// links, for its etcd and discov forms; it returns the URL as is for others.
func upstreamGozeroSplit(uri string) (server, method string, err error) {
	if !strings.Contains(uri, "//") {
		sep := strings.IndexByte(uri, '/')
		if sep == -1 {
			return "", "", fmt.Errorf("bad url: no '/' found")
		}
		return uri[:sep], uri[sep:], nil
	}
	u, err := url.Parse(uri)
	if err != nil || u.Path == "" {
		return "", "", fmt.Errorf("url.Parse fails and upstream returns an empty server, which dtm cannot dial")
	}
	index := strings.IndexByte(u.Path[1:], '/') + 1
	return u.Scheme + "://" + u.Host + u.Path[:index], u.Path[index:], nil
}
