package gozero

import (
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

func TestRegistryPlugins(t *testing.T) {
	kittest.CheckRegistryPlugins(t, kittest.PluginHost{
		Name:        Name,
		NewDriver:   func() kittest.PluginDriver { return &Driver{} },
		AddRegistry: AddRegistry,
		Scheme:      "gozerotest",
		OwnScheme:   EtcdScheme,
		Known:       "nacos",
		KnownImport: "github.com/dtmkit/drivers/driver-gozero/nacos",
	})
}
