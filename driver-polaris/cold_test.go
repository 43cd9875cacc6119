package polaris

import "testing"

// TestColdParseIsUncached checks that parseServerMethod, which the "cold"
// benchmarks and the fuzz target measure, does the whole parse every time:
// a ?namespace= URL costs url.ParseQuery's allocations on every call, where
// a cached lookup would cost none.
func TestColdParseIsUncached(t *testing.T) {
	u := "polaris://busi" + m + "?namespace=prod"
	if _, _, err := parseServerMethod(u); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { _, _, _ = parseServerMethod(u) }); n == 0 {
		t.Errorf("parseServerMethod(%q) allocates nothing on a repeated call: it answers from a cache", u)
	}
}
