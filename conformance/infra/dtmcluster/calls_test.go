package dtmcluster

import "testing"

func TestCallCounterCountsServedCallsAcrossWrites(t *testing.T) {
	var c callCounter
	lines := `{"level":"info","msg":" 3ms <nil> /dtmgimp.Dtm/Submit {} {\"Gid\":\"a\"}"}
{"level":"info","msg":" 1ms <nil> /dtmgimp.Dtm/NewGid {\"Gid\":\"x\"} {}"}
{"level":"error","msg":" 2ms rpc error: code = Aborted desc = x /dtmgimp.Dtm/Submit {} {}"}
{"level":"info","msg":"12ms <nil> /dtmgimp.Dtm/Submit {} {\"Gid\":\"b\"}"}
`
	for i := 0; i < len(lines); i += 7 { // split lines across writes
		end := min(i+7, len(lines))
		_, _ = c.Write([]byte(lines[i:end]))
	}
	if got := c.count("/dtmgimp.Dtm/Submit"); got != 2 {
		t.Errorf("Submit counted %d times, want 2 (the failed one is not served)", got)
	}
	if got := c.count("/dtmgimp.Dtm/NewGid"); got != 1 {
		t.Errorf("NewGid counted %d times, want 1", got)
	}
}
