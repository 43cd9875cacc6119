package kit

import (
	"errors"
	"strings"
	"testing"
)

func TestSelectError(t *testing.T) {
	use := errors.New("use has been called previously with name: dtm-driver-gozero different from: dtm-driver-kratos")
	got := SelectError("github.com/dtmkit/drivers/driver-kratos/use", "dtm-driver-kratos", "dtm-driver-gozero", use).Error()
	for _, want := range []string{
		"github.com/dtmkit/drivers/driver-kratos/use: cannot select dtm-driver-kratos",
		"dtm-driver-gozero is already selected",
		"blank-import a single github.com/dtmkit/drivers/driver-*/use package",
		use.Error(),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("SelectError = %q\nwant it to contain %q", got, want)
		}
	}
	if !errors.Is(SelectError("p", "n", "other", use), use) {
		t.Error("SelectError does not wrap dtmdriver's error")
	}
	// nothing selected yet: only dtmdriver's reason
	got = SelectError("p", "n", "default", errors.New("no dtm driver with name: n has been registered")).Error()
	if got != "p: select n for dtm: no dtm driver with name: n has been registered" {
		t.Errorf("SelectError with nothing selected = %q", got)
	}
}
