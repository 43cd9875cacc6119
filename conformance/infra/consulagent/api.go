package consulagent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// Put sends body, as JSON unless it is nil, to the agent's HTTP API at path
// (for example "/v1/agent/service/register") with token ("" for none), as
// a consul client registering a service does.
func (a *Agent) Put(path string, body any, token string) error {
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequest(http.MethodPut, "http://"+a.httpAddr+path, bytes.NewReader(data))
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("X-Consul-Token", token)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("consul PUT %s: %s", path, resp.Status)
	}
	return nil
}

// Get reads the JSON answer of the agent's HTTP API at path into v, with
// the management token if the agent has ACLs.
func (a *Agent) Get(path string, v any) error { return a.get(path, v) }

// CheckStatus returns the status of the check checkID ("passing",
// "critical", ...), or "" if the agent has no such check.
func (a *Agent) CheckStatus(checkID string) (string, error) {
	var checks map[string]struct{ Status string }
	if err := a.get("/v1/agent/checks", &checks); err != nil {
		return "", err
	}
	return checks[checkID].Status, nil
}
