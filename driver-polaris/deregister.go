package polaris

import "github.com/polarismesh/polaris-go/api"

// deregister removes r from polaris and stops its heartbeat.
//
// It re-registers r isolated first. polaris' standalone store (boltdb, in
// v1.18.1) lists changed instances by the modification time inside their
// record, which a deletion leaves alone: the deletion of an instance
// registered more than the server's cache diffTime (5 s) ago reaches
// clients only when its health check next rewrites the record, 3 to 6 s
// later here. The isolated re-registration rewrites the record, so clients
// drop the instance at the server's next cache refresh, and the deletion
// that follows is recent enough to be seen too. On a database store it is
// one more write. Its failure is not reported when the deletion succeeds:
// the instance then leaves as slowly as it would have without it.
func (r *registration) deregister(provider api.ProviderAPI) error {
	token, err := r.serviceToken()
	if err != nil {
		return r.errorf("deregister", token, err)
	}
	isolated := r.registerRequest(token)
	isolated.SetIsolate(true)
	// Register, not RegisterInstance: RegisterInstance would start a second
	// heartbeat, which the Deregister below would not stop.
	_, _ = provider.Register(isolated) //nolint:staticcheck // deprecated for RegisterInstance, whose heartbeat is unwanted here

	req := &api.InstanceDeRegisterRequest{}
	req.Namespace, req.Service, req.ServiceToken = r.namespace, r.service, token.Reveal()
	req.Host, req.Port = r.host, r.port
	if err := provider.Deregister(req); err != nil {
		return r.errorf("deregister", token, err)
	}
	return nil
}
