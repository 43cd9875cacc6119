package main

import (
	"go/format"
	"strings"
	"testing"
)

// Every program is Go source that calls its generation's methods and none of
// the other's.
func TestProgramsAreGo(t *testing.T) {
	for dir, p := range programs {
		for _, gen := range generations {
			src, err := p.source("github.com/dtmkit/drivers/"+dir, gen)
			if err != nil {
				t.Fatalf("%s %s: %v", dir, gen, err)
			}
			if _, err := format.Source(src); err != nil {
				t.Errorf("%s %s: %v\n%s", dir, gen, err, src)
			}
			for g, names := range methodNames {
				for _, name := range names {
					if got, want := strings.Contains(string(src), "d."+name+"("), g == gen; got != want {
						t.Errorf("%s %s: calls %s: %v, want %v", dir, gen, name, got, want)
					}
				}
			}
		}
	}
}
