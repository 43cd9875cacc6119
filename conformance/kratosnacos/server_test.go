package kratosnacos_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
)

// serverLists asks the nacos server itself, through its HTTP open API,
// whether it lists addr as an instance of service: a client's cache may
// miss the push for a service left without instances.
func (h *harness) serverLists(ctx context.Context, service, addr string) (bool, error) {
	q := url.Values{"serviceName": {service}, "namespaceId": {"public"}, "healthyOnly": {"false"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+h.srv.NacosAddr()+"/nacos/v1/ns/instance/list?"+q.Encode(), nil)
	if err != nil {
		return false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("nacos instance list %s: %s", service, resp.Status)
	}
	var list struct {
		Hosts []struct {
			IP   string `json:"ip"`
			Port uint64 `json:"port"`
		} `json:"hosts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return false, fmt.Errorf("nacos instance list %s: %w", service, err)
	}
	for _, in := range list.Hosts {
		if net.JoinHostPort(in.IP, strconv.FormatUint(in.Port, 10)) == addr {
			return true, nil
		}
	}
	return false, nil
}
