package polaris

import "github.com/polarismesh/polaris-go/api"

// deregister removes r from polaris and stops its heartbeat.
//
// It registers r again first, unchanged. polaris' standalone store (boltdb,
// in v1.18.1) lists changed instances by the modification time inside their
// record, which a deletion leaves alone: the deletion of an instance
// registered more than the server's cache diffTime (5 s) ago reaches
// clients only when its health check next rewrites the record, 3 to 12 s
// later here. The re-registration rewrites the record with a new time, so
// the deletion that follows is seen at the server's next cache refresh. It
// changes nothing else: an isolated re-registration would work too, but the
// server copies a deleted record's isolation into the next registration of
// the same address that does not set one, and a restarted dtm came back
// isolated. On a database store it is one more write. Its failure is not
// reported when the deletion succeeds: the instance then leaves as slowly
// as it would have without it.
func (r *registration) deregister(provider api.ProviderAPI) error {
	token, err := r.serviceToken()
	if err != nil {
		return r.errorf("deregister", token, err)
	}
	// Register, not RegisterInstance: RegisterInstance would start a second
	// heartbeat, which the Deregister below would not stop.
	_, _ = provider.Register(r.registerRequest(token)) //nolint:staticcheck // deprecated for RegisterInstance, whose heartbeat is unwanted here

	req := &api.InstanceDeRegisterRequest{}
	req.Namespace, req.Service, req.ServiceToken = r.namespace, r.service, token.Reveal()
	req.Host, req.Port = r.host, r.port
	if err := provider.Deregister(req); err != nil {
		return r.errorf("deregister", token, err)
	}
	return nil
}
