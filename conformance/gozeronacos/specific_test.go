package gozeronacos_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtmkit/drivers/conformance"
)

// testUpstreamForms runs sagas through the URL forms of upstream
// dtmdriver-gozero v0.0.7 and zero-contrib: the method after the query,
// and the query after the method.
func testUpstreamForms(t *testing.T, h *harness, env *conformance.Env) {
	base := h.ServiceURL(env.Service)
	for name, url := range map[string]conformance.URLFunc{
		"method after query": func(m string) string { return base + "?namespaceid=public&timeout=3000" + m },
		"query after method": func(m string) string { return base + m + "?namespaceId=public&timeoutMs=3000" },
	} {
		t.Run(name, func(t *testing.T) {
			from, to := env.User(), env.User()
			gids := env.SubmitSagas(t, url, 2, 2, from, to)
			env.ExpectAllSucceed(t, gids, time.Minute)
			env.ExpectBalances(t, map[int64]int64{from: -2, to: 2})
		})
	}
}

// testNoFilesInWorkingDir checks that nacos-sdk-go wrote no cache or log
// into the working directory (dtm's).
func testNoFilesInWorkingDir(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"cache", "log", "naming"} {
		if _, err := os.Stat(filepath.Join(wd, name)); err == nil {
			t.Errorf("nacos-sdk-go wrote %s into the working directory %s", name, wd)
		}
	}
}
