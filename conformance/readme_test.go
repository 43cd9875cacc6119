package conformance

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestReadmeLoads checks that README.md's subtest table states the loads
// the fault subtests run.
func TestReadmeLoads(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"InstanceCrash":  fmt.Sprintf("during %d sagas", faultSagas),
		"EtcdMemberLoss": fmt.Sprintf("(%d in all)", faultSagas+10),
	}
	for subtest, says := range want {
		row := ""
		for _, line := range strings.Split(string(readme), "\n") {
			if strings.HasPrefix(line, "| "+subtest+" |") {
				row = line
			}
		}
		if !strings.Contains(row, says) {
			t.Errorf("README.md's %s row %q does not say %q", subtest, row, says)
		}
	}
}
