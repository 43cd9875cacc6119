package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/polarismesh/polaris-go/api"

	polaris "github.com/dtmkit/drivers/driver-polaris"
)

// polaris: services register in a polaris namespace; the driver resolves
// the healthy, non-isolated instances with a weight above 0.
func init() {
	register(&driverInfo{
		name:    polaris.Name,
		aliases: []string{"polaris"},
		schemes: []string{polaris.PolarisScheme},
		// polaris-go answers from instances it persisted on an earlier
		// run until the server's answer comes: check wants the server's
		prepare: func() func() {
			dir, err := os.MkdirTemp("", "dtmkit-polaris-")
			if err != nil {
				return func() {}
			}
			_ = polaris.Configure(polaris.Options{CacheDir: dir})
			return func() { _ = os.RemoveAll(dir) }
		},
		registry: func(ctx context.Context, server string) *registryView {
			u, err := url.Parse(server)
			if err != nil || u.Scheme != polaris.PolarisScheme {
				return nil
			}
			ns := u.Query().Get("namespace")
			if ns == "" {
				ns = polaris.DefaultNamespace
			}
			view := &registryView{Where: fmt.Sprintf("polaris %s, namespace %s, service %s", polarisAddresses(), ns, u.Host)}
			entries, err := polarisInstances(ctx, ns, u.Host)
			if err != nil {
				view.Err = err
				view.Fix = "check the polaris server address ($" + polaris.AddressesEnv + ", ./polaris.yaml, or 127.0.0.1:8091, as for dtm), the namespace and the service name"
				return view
			}
			view.Entries = entries
			return view
		},
	})
}

// polarisAddresses says where the driver finds the polaris server, in the
// order it looks.
func polarisAddresses() string {
	if v := os.Getenv(polaris.AddressesEnv); v != "" {
		return v + " ($" + polaris.AddressesEnv + ")"
	}
	if _, err := os.Stat("polaris.yaml"); err == nil {
		return "of ./polaris.yaml"
	}
	return polaris.DefaultAddress + " (the default)"
}

// polarisInstances reads every instance of the service, healthy or not,
// through the driver's SDK context, bounded by ctx.
func polarisInstances(ctx context.Context, namespace, service string) ([]registryEntry, error) {
	sdk, err := polaris.SDKContext()
	if err != nil {
		return nil, err
	}
	type result struct {
		entries []registryEntry
		err     error
	}
	done := make(chan result, 1)
	go func() {
		req := &api.GetAllInstancesRequest{}
		req.Namespace, req.Service = namespace, service
		resp, err := api.NewConsumerAPIByContext(sdk).GetAllInstances(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		var entries []registryEntry
		for _, in := range resp.Instances {
			w, healthy := in.GetWeight(), in.IsHealthy()
			e := registryEntry{
				Addr:     net.JoinHostPort(in.GetHost(), strconv.FormatUint(uint64(in.GetPort()), 10)),
				Weight:   &w,
				Healthy:  &healthy,
				Isolated: in.IsIsolated(),
			}
			var skip []string
			if !healthy {
				skip = append(skip, "unhealthy")
			}
			if in.IsIsolated() {
				skip = append(skip, "isolated")
			}
			if w <= 0 {
				skip = append(skip, "weight 0")
			}
			if len(skip) > 0 {
				e.Note = "skipped by the driver: " + strings.Join(skip, ", ")
			}
			entries = append(entries, e)
		}
		done <- result{entries: entries}
	}()
	select {
	case r := <-done:
		return r.entries, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("no answer: %w", ctx.Err())
	}
}
