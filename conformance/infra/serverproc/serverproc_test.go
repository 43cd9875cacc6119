package serverproc

import "testing"

func TestOutputSeesMarkerAcrossWrites(t *testing.T) {
	o := &output{marker: "finish starting server"}
	_, _ = o.Write([]byte("config...\nfinish star"))
	if o.sawMarker() {
		t.Fatal("marker seen before it was complete")
	}
	_, _ = o.Write([]byte("ting server\n"))
	if !o.sawMarker() {
		t.Fatal("marker split across writes not seen")
	}
	if !(&output{}).sawMarker() {
		t.Error("an output without a marker must count as seen")
	}
}
