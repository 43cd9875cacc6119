package embedded

import (
	"os"
	"strings"
)

// EtcdStack is an embedded etcd with dtm registered in it.
type EtcdStack struct {
	// Hosts are etcd's client addresses, "127.0.0.1:p".
	Hosts []string
	// DtmURL is the URL clients dial dtm through.
	DtmURL string

	stop []func()
}

// StartEtcdStack starts etcd and dtm, under a new temporary directory, with
// dtm registered through driver at dtmURL(hosts). Stop undoes it all.
func StartEtcdStack(driver string, dtmURL func(hosts string) string, say func(string, ...any)) (*EtcdStack, error) {
	dir, err := os.MkdirTemp("", "dtmkit-example-")
	if err != nil {
		return nil, err
	}
	s := &EtcdStack{stop: []func(){func() { _ = os.RemoveAll(dir) }}}
	etcd, err := Etcd(dir, say)
	if err != nil {
		s.Stop()
		return nil, err
	}
	// the driver's registry clients end before etcd does
	s.stop = append(s.stop, etcd.Close, CloseDriver)
	s.Hosts = etcd.HostList()
	s.DtmURL = dtmURL(strings.Join(s.Hosts, ","))
	if _, err := Dtm(driver, func(grpcAddr string) (string, string) { return s.DtmURL, grpcAddr }, dir, say); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop closes the driver, stops etcd and removes the temporary directory.
// dtm has no shutdown: it ends with the process.
func (s *EtcdStack) Stop() {
	for i := len(s.stop) - 1; i >= 0; i-- {
		s.stop[i]()
	}
}
