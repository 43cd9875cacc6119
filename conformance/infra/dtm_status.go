package infra

import "github.com/dtm-labs/dtm/dtmsvr/storage/registry"

// TransStatus returns the status dtm stored for gid ("prepared", "submitted",
// "succeed", "failed", "aborting"), or "" if dtm has no such transaction.
func (d *Dtm) TransStatus(gid string) string {
	t := registry.GetStore().FindTransGlobalStore(gid)
	if t == nil {
		return ""
	}
	return t.Status
}

// BranchURLs returns the URLs dtm stored for the branches of gid.
func (d *Dtm) BranchURLs(gid string) []string {
	var urls []string
	for _, b := range registry.GetStore().FindBranches(gid) {
		urls = append(urls, b.URL)
	}
	return urls
}
