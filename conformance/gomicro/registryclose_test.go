package gomicro_test

import (
	"fmt"
	"reflect"
	"unsafe"

	"go-micro.dev/v5/registry"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// closeRegistry closes the etcd client of a go-micro etcd registry. go-micro's
// registry has no Close: its client, watches and lease keep-alives live as
// long as the process, whose end closes them. The harness' instances stand
// for processes of their own, so each one's end closes its registry's
// client, reaching the unexported field (go-micro v5.30.0's etcdRegistry.client).
func closeRegistry(reg registry.Registry) error {
	v := reflect.ValueOf(reg)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("go-micro registry %T is not a pointer to a struct", reg)
	}
	f := v.Elem().FieldByName("client")
	if !f.IsValid() || f.Type() != reflect.TypeOf((*clientv3.Client)(nil)) {
		return fmt.Errorf("go-micro registry %T has no client *clientv3.Client field", reg)
	}
	c := *(**clientv3.Client)(unsafe.Pointer(f.UnsafeAddr()))
	if c == nil {
		return nil
	}
	return c.Close()
}
