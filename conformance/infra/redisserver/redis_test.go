package redisserver

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"testing"

	"github.com/dtmkit/drivers/conformance/infra"
)

// TestMain fails the run if the tests leave anything in TMPDIR.
func TestMain(m *testing.M) { infra.Main(m) }

func TestStartAnswersClose(t *testing.T) {
	s, err := Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !s.answers() {
		t.Fatalf("redis on %s does not answer PING", s.Addr())
	}
	s.Close()
	if s.answers() {
		t.Errorf("redis on %s answers after Close", s.Addr())
	}
	if _, err := os.Stat(s.dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("dir %s left behind: %v", s.dir, err)
	}
}
