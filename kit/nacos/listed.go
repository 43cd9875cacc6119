package nacos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// serverLists asks a nacos server, through its HTTP open API, whether it
// lists host:port as an instance of the registration's service. The naming
// client's cache follows nacos' pushes, which may lag or, for a service
// left without instances, not come at all; Close must know what the server
// holds. With a user, it logs in first for a token.
func (r *registration) serverLists(ctx context.Context) (bool, error) {
	base := "http://" + r.t.Hosts[0] + "/nacos/v1"
	q := url.Values{"serviceName": {r.service}, "namespaceId": {r.t.Namespace}, "healthyOnly": {"false"}}
	if r.t.Group != "" {
		q.Set("groupName", r.t.Group)
	}
	if r.t.User != "" {
		token, err := login(ctx, base, r.t)
		if err != nil {
			return false, err
		}
		if token != "" {
			q.Set("accessToken", token)
		}
	}
	var list struct {
		Hosts []struct {
			IP   string `json:"ip"`
			Port uint64 `json:"port"`
		} `json:"hosts"`
	}
	if err := call(ctx, http.MethodGet, base+"/ns/instance/list?"+q.Encode(), nil, &list); err != nil {
		return false, err
	}
	for _, h := range list.Hosts {
		if h.IP == r.host && h.Port == r.port {
			return true, nil
		}
	}
	return false, nil
}

// login returns an access token for t's user, or "" from a server without
// the auth API (the polaris server's nacos API answers 404).
func login(ctx context.Context, base string, t Target) (string, error) {
	form := url.Values{"username": {t.User}, "password": {t.Pass.Reveal()}}
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	err := call(ctx, http.MethodPost, base+"/auth/login", strings.NewReader(form.Encode()), &out)
	if errors.Is(err, errNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("log in as %q: %w", t.User, err)
	}
	return out.AccessToken, nil
}

// call makes one request and decodes its JSON answer. Its errors quote no
// URL, which may hold a token.
func call(ctx context.Context, method, u string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("nacos HTTP API: %s", req.Method)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("nacos HTTP API %s %s: %w", method, req.URL.Path, unwrapURLError(err))
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("nacos HTTP API %s %s: %w", method, req.URL.Path, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("nacos HTTP API %s %s: %s", method, req.URL.Path, resp.Status)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("nacos HTTP API %s %s: %w", method, req.URL.Path, err)
	}
	return nil
}

var errNotFound = errors.New("404 Not Found")

// unwrapURLError drops the *url.Error wrapper, which quotes the URL.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
