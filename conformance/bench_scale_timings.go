package conformance

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// timings are the times changes took to reach the resolver's state.
type timings struct {
	mu     sync.Mutex
	took   []time.Duration
	unseen []string // what was not seen within changeTimeout
}

// add records one change; one not seen counts as changeTimeout.
func (t *timings) add(took time.Duration, seen bool, what string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.took = append(t.took, took)
	if !seen {
		t.unseen = append(t.unseen, what)
	}
}

// report reports p50 and p99 in ms as name-p50-ms<at> and name-p99-ms<at>,
// and the changes not seen as unseen-<name>s<at>, which it logs.
func (t *timings) report(b *testing.B, name, at string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.took) == 0 {
		return
	}
	b.ReportMetric(ms(percentile(t.took, 50)), name+"-p50-ms"+at)
	b.ReportMetric(ms(percentile(t.took, 99)), name+"-p99-ms"+at)
	b.ReportMetric(float64(len(t.unseen)), "unseen-"+name+"s"+at)
	if len(t.unseen) > 0 {
		list := t.unseen
		if len(list) > 5 {
			list = append(list[:5:5], "…")
		}
		b.Logf("%s%s: %d of %d changes did not reach the resolver's state within %s, counted as %s: %s",
			name, at, len(t.unseen), len(t.took), changeTimeout, changeTimeout, strings.Join(list, "; "))
	}
}

// durations returns the times recorded.
func (t *timings) durations() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]time.Duration(nil), t.took...)
}

// spread describes d for the log: count, p50 and max.
func spread(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d, p50 %s, max %s", len(d),
		percentile(d, 50).Round(time.Millisecond/10), percentile(d, 100).Round(time.Millisecond/10))
}
