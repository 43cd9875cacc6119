package protoconflict

import (
	"os"
	"testing"
)

func TestInitSetsThePolicy(t *testing.T) {
	if v := os.Getenv(EnvVar); v == "" {
		t.Fatalf("%s is not set after init", EnvVar)
	}
}
