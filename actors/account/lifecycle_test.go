package account_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// TestLifecycleMatrix tries all 25 (from, to) pairs through Decide.
func TestLifecycleMatrix(t *testing.T) {
	allowed := map[[2]string]bool{
		{"onboarding", "active"}: true, {"onboarding", "at_risk"}: true, {"onboarding", "churned"}: true,
		{"active", "at_risk"}: true, {"active", "expansion_ready"}: true, {"active", "churned"}: true,
		{"at_risk", "active"}: true, {"at_risk", "churned"}: true,
		{"expansion_ready", "active"}: true, {"expansion_ready", "at_risk"}: true, {"expansion_ready", "churned"}: true,
		{"churned", "onboarding"}: true,
	}
	all := account.Lifecycles()
	if len(all) != 5 {
		t.Fatalf("Lifecycles() = %v", all)
	}
	base, _ := mustStep(t, nil, createCmd(&aidapb.CreateAccount{Name: "Acme"}), t0)
	for _, from := range all {
		for _, to := range all {
			t.Run(from+"->"+to, func(t *testing.T) {
				s := proto.Clone(base).(*aidapb.Account)
				s.Lifecycle = from
				if account.CanMove(from, to) != allowed[[2]string{from, to}] {
					t.Fatalf("CanMove = %v", !allowed[[2]string{from, to}])
				}
				got, evs, err := step(s, updateCmd(&aidapb.UpdateAccount{Lifecycle: proto.String(to)}), t0)
				switch {
				case from == to:
					if err != nil || len(evs) != 0 {
						t.Fatalf("same lifecycle: %v, %v", evs, err)
					}
				case allowed[[2]string{from, to}]:
					if err != nil {
						t.Fatal(err)
					}
					if len(evs) != 1 || evs[0].GetType() != account.TypeLifecycleChanged {
						t.Fatalf("events %v", types(evs))
					}
					c := evs[0].GetAccountLifecycleChanged()
					if c.GetFrom() != from || c.GetTo() != to || got.GetLifecycle() != to {
						t.Errorf("event %v, lifecycle %s", c, got.GetLifecycle())
					}
				default:
					fe := wantCode(t, err, fault.Transition)
					if !strings.Contains(fe.Message, from) {
						t.Errorf("message %q does not name %s", fe.Message, from)
					}
					for _, n := range account.NextLifecycles(from) {
						if !strings.Contains(fe.Message, n) {
							t.Errorf("message %q does not name allowed %s", fe.Message, n)
						}
					}
				}
			})
		}
	}
}

func TestNormalizeCompany(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Acme", "acme"},
		{"  Acme   Corp  ", "acme corp"},
		{"ACME\tInc.", "acme inc."},
		{"", ""},
		{"Ärzte  GmbH", "ärzte gmbh"},
	}
	for _, tt := range tests {
		if got := account.NormalizeCompany(tt.in); got != tt.want {
			t.Errorf("NormalizeCompany(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
