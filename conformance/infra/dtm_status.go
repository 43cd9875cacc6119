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
