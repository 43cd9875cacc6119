package gozero

import (
	"context"
	"fmt"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// revokeTimeout bounds how long Close waits for one registration to go.
const revokeTimeout = 5 * time.Second

// waitRevoked waits until etcd lists p.endpoint under p's key no more.
// go-zero's publisher revokes its lease asynchronously and exposes neither the
// lease nor the key, so this reads the key's prefix with a short-lived
// client of its own, authenticated as the target says.
func (p *publication) waitRevoked() error {
	t := p.target
	fail := func(what string, err error) error {
		return fmt.Errorf("%s: close registration of %s under key %q on etcd %s: %s: %w",
			Name, p.endpoint, t.Key, strings.Join(t.Hosts, ","), what, redactErr(err))
	}
	tlsCfg, err := t.TLS.TLSConfig()
	if err != nil {
		return fail("TLS", err)
	}
	pass, err := t.Password()
	if err != nil {
		return fail("credentials", err)
	}
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   t.Hosts,
		Username:    t.User,
		Password:    pass,
		TLS:         tlsCfg,
		DialTimeout: revokeTimeout,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		return fail("connect", err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), revokeTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		listed, err := p.listed(ctx, cli)
		if err != nil {
			return fail("read key", err)
		}
		if !listed {
			return nil
		}
		select {
		case <-ctx.Done():
			return fail("still listed", ctx.Err())
		case <-tick.C:
		}
	}
}

// listed reports whether etcd holds p.endpoint under "<key>/", where go-zero
// publishes "<key>/<lease id>".
func (p *publication) listed(ctx context.Context, cli *clientv3.Client) (bool, error) {
	resp, err := cli.Get(ctx, p.target.Key+"/", clientv3.WithPrefix())
	if err != nil {
		return false, err
	}
	for _, kv := range resp.Kvs {
		if string(kv.Value) == p.endpoint {
			return true, nil
		}
	}
	return false, nil
}
