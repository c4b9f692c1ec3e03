package ai_test

import (
	"context"
	"testing"

	"github.com/aidacrm/aida/runtime/ai"
	"github.com/aidacrm/aida/runtime/ai/aitest"
)

func TestMetrics(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.Script(aitest.Answer(good))
	f.srv.Script(aitest.InvalidThenValid(invalid, good)...)
	f.srv.Script(aitest.InvalidThenValid(invalid, invalid)...)
	f.srv.Script(aitest.Hang())
	var in, out int
	for range 4 {
		ans, _ := f.c.Complete(context.Background(), request())
		in, out = in+ans.TokensIn, out+ans.TokensOut
	}
	for _, outcome := range []string{"ok", "repaired", "invalid", "timeout"} {
		if v := f.value(t, "aida_ai_requests_total", "purpose", ai.PurposeReadReply, "outcome", outcome); v != 1 {
			t.Errorf("requests{outcome=%s} = %g, want 1", outcome, v)
		}
	}
	if v := f.value(t, "aida_ai_tokens_total", "direction", "in"); v != float64(in) || in == 0 {
		t.Errorf("tokens in = %g, want %d", v, in)
	}
	if v := f.value(t, "aida_ai_tokens_total", "direction", "out"); v != float64(out) || out == 0 {
		t.Errorf("tokens out = %g, want %d", v, out)
	}
	mfs, _ := f.reg.Gather()
	for _, mf := range mfs {
		if mf.GetName() == "aida_ai_latency_seconds" {
			if n := mf.GetMetric()[0].GetHistogram().GetSampleCount(); n != 4 {
				t.Errorf("latency samples = %d, want 4", n)
			}
			return
		}
	}
	t.Error("no aida_ai_latency_seconds")
}
