package stream

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeClientMessage: whatever a client sends, decoding never panics, and a failure is an
// error frame with a protocol code; what passes is within the limits.
func FuzzDecodeClientMessage(f *testing.F) {
	for _, seed := range []string{
		`{"type":"subscribe","sub":"s1","kinds":["lead","deal"],"ids":["lead/x"],"filter":{"status":"new","owner":"u"},"since":{"lead/x":12},"snapshot":10,"activity":true}`,
		`{"type":"unsubscribe","sub":"s1"}`,
		`{"type":"ping","at":1700000000}`,
		`{"type":"subscribe","sub":"s","ids":["lead/"]}`,
		`{"type":"subscribe","sub":"s","since":{"x":1},"kinds":["lead"]}`,
		`{"type":"subscribe","sub":"s","kinds":["lead"],"snapshot":1e3}`,
		`{"type":"ping"} x`,
		`{"type":7}`,
		`null`,
		"\xff",
		``,
	} {
		f.Add([]byte(seed))
	}
	lim := Limits{Subscriptions: 16, IDs: 3, MessageBytes: 16 << 10, Queue: 256}
	codes := map[string]bool{CodeBadJSON: true, CodeBadSubscription: true, CodeUnknownType: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, perr := decodeClientMessage(data, lim)
		if perr != nil {
			frame := perr.frame()
			var back protoError
			if err := json.Unmarshal(frame, &back); err != nil || back.Type != frameError || !codes[back.Code] || back.Message == "" {
				t.Fatalf("error frame %s (%v)", frame, err)
			}
			if !utf8.Valid(frame) {
				t.Fatalf("error frame is not UTF-8: %q", frame)
			}
			return
		}
		switch m.Type {
		case msgPing:
		case msgUnsubscribe:
			if m.Sub == "" || len(m.Sub) > maxSubName {
				t.Fatalf("unsubscribe %q passed", m.Sub)
			}
		case msgSubscribe:
			if m.Sub == "" || len(m.Sub) > maxSubName || len(m.Kinds)+len(m.IDs) == 0 || len(m.IDs) > lim.IDs ||
				len(m.Since) > lim.IDs || m.Snapshot < 0 || m.Snapshot > MaxSnapshot {
				t.Fatalf("subscribe %+v passed", m)
			}
			for _, key := range append(append([]string{}, m.IDs...), keys(m.Since)...) {
				if validEntityKey(key) != "" {
					t.Fatalf("entity key %q passed", key)
				}
			}
			s := newSubscription(&client{}, m)
			if len(s.kinds)+len(s.ids) == 0 {
				t.Fatalf("subscription follows nothing: %+v", m)
			}
		default:
			t.Fatalf("type %q passed", m.Type)
		}
	})
}

func keys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
