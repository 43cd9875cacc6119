package conformance

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// The churn's bounds: churnRate registration changes a second from
// churnWorkers goroutines, for churnFor or churnMax changes at most,
// keeping churnLive instances registered over churnServices services (the
// watched one and others) by registering one and deregistering the oldest
// in turn.
const (
	churnRate     = 100
	churnFor      = 20 * time.Second
	churnMax      = 2000
	churnWorkers  = 16
	churnLive     = 50
	churnServices = 5
)

// churn makes registration changes in the background through a registrar
// of its own, as other processes sharing the registry would.
type churn struct {
	reg      AddrRegistrar
	services []string

	mu   sync.Mutex
	live []churnInstance // oldest first
	next int             // the service of the next registration
	err  error           // the first failed change
	done chan struct{}   // closed when the churn has ended

	changes, failed, missed atomic.Int64
	started, ended          time.Time // ended is set before done closes
	cancel                  context.CancelFunc
}

type churnInstance struct{ service, addr string }

// startChurn starts changing registrations over services at churnRate, until
// stop, churnFor or churnMax.
func startChurn(ctx context.Context, reg AddrRegistrar, services []string) *churn {
	ctx, cancel := context.WithTimeout(ctx, churnFor)
	c := &churn{reg: reg, services: services, done: make(chan struct{}), cancel: cancel, started: time.Now()}
	jobs := make(chan struct{}, churnWorkers)
	var workers sync.WaitGroup
	for range churnWorkers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for range jobs {
				c.step(ctx)
			}
		}()
	}
	go func() {
		defer close(c.done)
		tick := time.NewTicker(time.Second / churnRate)
		defer tick.Stop()
	pace:
		for issued := 0; issued < churnMax; {
			select {
			case <-ctx.Done():
				break pace
			case <-tick.C:
			}
			select {
			case jobs <- struct{}{}:
				issued++
			default: // every worker is still busy: the registry is slower than the rate
				c.missed.Add(1)
			}
		}
		close(jobs)
		workers.Wait()
		c.ended = time.Now()
	}()
	return c
}

// step registers a new instance, or deregisters the oldest once churnLive
// are registered.
func (c *churn) step(ctx context.Context) {
	c.mu.Lock()
	register := len(c.live) < churnLive
	var in churnInstance
	if register {
		in = churnInstance{service: c.services[c.next%len(c.services)], addr: fakeAddrs(1)[0]}
		c.next++
		c.live = append(c.live, in)
	} else {
		in, c.live = c.live[0], c.live[1:]
	}
	c.mu.Unlock()
	var err error
	if register {
		err = c.reg.Register(ctx, in.service, in.addr)
	} else {
		err = c.reg.Deregister(ctx, in.service, in.addr)
	}
	switch {
	case err == nil:
		c.changes.Add(1)
	case ctx.Err() == nil: // not the churn's end interrupting the write
		c.failed.Add(1)
		c.mu.Lock()
		if c.err == nil {
			c.err = err
		}
		c.mu.Unlock()
	}
}

// stop ends the churn, if its bounds have not, and returns the rate of
// changes made and a summary for the log.
func (c *churn) stop() (perSecond float64, summary string) {
	c.cancel()
	<-c.done
	took := c.ended.Sub(c.started)
	perSecond = float64(c.changes.Load()) / took.Seconds()
	summary = fmt.Sprintf("%d changes in %s (%.0f/s), %d failed, %d ticks missed with every worker busy",
		c.changes.Load(), took.Round(time.Millisecond), perSecond, c.failed.Load(), c.missed.Load())
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		summary += fmt.Sprintf("; first failure: %v", c.err)
	}
	return perSecond, summary
}
