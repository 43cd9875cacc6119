package kit

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

func TestParseCache(t *testing.T) {
	var c ParseCache
	calls := 0
	parse := func(u string) (string, string, error) {
		calls++
		if u == "bad" {
			return "", "", errors.New("bad URL")
		}
		return "s:" + u, "/a/b", nil
	}
	for i := 0; i < 3; i++ {
		if s, m, err := c.Parse("x", parse); s != "s:x" || m != "/a/b" || err != nil {
			t.Fatalf("Parse = %q, %q, %v", s, m, err)
		}
	}
	if calls != 1 {
		t.Fatalf("parse called %d times for one URL, want 1", calls)
	}
	for i := 0; i < 2; i++ {
		if _, _, err := c.Parse("bad", parse); err == nil {
			t.Fatal("error not returned")
		}
	}
	if calls != 3 {
		t.Fatalf("errors were cached: parse called %d times, want 3", calls)
	}
}

func TestParseCacheIsBounded(t *testing.T) {
	var c ParseCache
	parse := func(u string) (string, string, error) { return u, "/a/b", nil }
	for i := 0; i < ParseCacheSize+10; i++ {
		_, _, _ = c.Parse(fmt.Sprint(i), parse)
	}
	if n := len(*c.entries.Load()); n != ParseCacheSize {
		t.Fatalf("cache holds %d entries, want %d", n, ParseCacheSize)
	}
}

func TestParseCacheConcurrent(t *testing.T) {
	var c ParseCache
	parse := func(u string) (string, string, error) { return u, "/a/b", nil }
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				u := fmt.Sprint(i % 50)
				if s, _, _ := c.Parse(u, parse); s != u {
					t.Errorf("Parse(%q) = %q", u, s)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestParseCacheHitDoesNotAllocate(t *testing.T) {
	var c ParseCache
	u := "etcd://127.0.0.1:2379/trans/pkg.Svc/M"
	_, _, _ = c.Parse(u, splitServerMethod)
	if n := testing.AllocsPerRun(100, func() { _, _, _ = c.Parse(u, splitServerMethod) }); n != 0 {
		t.Fatalf("a cache hit allocates %v times", n)
	}
}

func splitServerMethod(u string) (string, string, error) {
	b, err := SplitBranchURL(u)
	return b.Server, b.Method, err
}

func BenchmarkParseCacheHit(b *testing.B) {
	var c ParseCache
	u := "etcd://127.0.0.1:2379/trans/pkg.Svc/Method"
	_, _, _ = c.Parse(u, splitServerMethod)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_, _, _ = c.Parse(u, splitServerMethod)
	}
}
