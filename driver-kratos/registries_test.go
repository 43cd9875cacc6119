package kratosdriver

import (
	"testing"

	"github.com/dtmkit/drivers/kit/kittest"
)

func TestRegistryPlugins(t *testing.T) {
	kittest.CheckRegistryPlugins(t, kittest.PluginHost{
		Name:        Name,
		NewDriver:   func() kittest.PluginDriver { return &Driver{} },
		AddRegistry: AddRegistry,
		Scheme:      "kratostest",
		OwnScheme:   DiscoveryScheme,
		Known:       "nacos",
		KnownImport: "github.com/dtmkit/drivers/driver-kratos/nacos",
	})
}
