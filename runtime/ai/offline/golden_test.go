package offline_test

import (
	"testing"

	"github.com/aidacrm/aida/runtime/ai/golden"
	"github.com/aidacrm/aida/runtime/ai/offline"
)

// minReplyRate is the share of the golden replies the rules must read right. Below it, fix the
// rules, not the expectations (unless an expectation is wrong).
const minReplyRate = 0.9

func TestGoldenReplies(t *testing.T) {
	set, err := golden.Cases()
	if err != nil {
		t.Fatal(err)
	}
	rs := golden.Evaluate(set, golden.Brain{Reply: offline.ReadReply}, golden.ReplyIntent, nil)
	if len(rs) != 1 || !rs[0].Evaluated {
		t.Fatalf("results = %+v, want one evaluated reply_intent result", rs)
	}
	r := rs[0]
	for _, f := range r.Failures {
		t.Logf("%s: expected %s, got %s", f.ID, f.Expected, f.Got)
	}
	if r.Cases < 40 {
		t.Errorf("golden replies = %d, want at least 40", r.Cases)
	}
	if r.Rate() < minReplyRate {
		t.Errorf("pass rate %.3f (%d of %d), want at least %.2f", r.Rate(), r.Passes, r.Cases, minReplyRate)
	}
}
