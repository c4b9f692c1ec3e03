package crm

import (
	"errors"
	"testing"

	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// TestOwnerScope: a command scoped to an owner (a rep's) reaches the entities that owner owns
// and the unowned ones; another owner's entity answers Forbidden and is left as it was.
func TestOwnerScope(t *testing.T) {
	ctx := deadline(t)
	owned := capture("owned@example.com")
	owned.GetCaptureLead().Owner = "bob"
	bobs, _, err := env.gateway.Capture(ctx, owned)
	if err != nil {
		t.Fatal(err)
	}
	nobodys, _, err := env.gateway.Capture(ctx, capture("nobody@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	note := func(scope string) *aidapb.Command {
		return &aidapb.Command{Actor: "key:" + scope, ScopeOwner: scope,
			Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "called"}}}
	}
	tests := []struct {
		name, id, scope string
		forbidden       bool
	}{
		{"the owner", bobs.GetId(), "bob", false},
		{"another rep", bobs.GetId(), "ann", true},
		{"an unowned lead", nobodys.GetId(), "ann", false},
		{"no scope (a manager)", bobs.GetId(), "", false},
	}
	for _, tt := range tests {
		before, err := env.gateway.Send(ctx, lead.Kind, tt.id, get())
		if err != nil {
			t.Fatal(err)
		}
		_, err = env.gateway.Send(ctx, lead.Kind, tt.id, note(tt.scope))
		var fe *fault.Error
		if forbidden := errors.As(err, &fe) && fe.Code == fault.Forbidden; forbidden != tt.forbidden || (!tt.forbidden && err != nil) {
			t.Errorf("%s: %v, want forbidden %v", tt.name, err, tt.forbidden)
		}
		after, err := env.gateway.Send(ctx, lead.Kind, tt.id, get())
		if err != nil {
			t.Fatal(err)
		}
		if changed := after.GetLead().GetVersion() != before.GetLead().GetVersion(); changed == tt.forbidden {
			t.Errorf("%s: version %d → %d", tt.name, before.GetLead().GetVersion(), after.GetLead().GetVersion())
		}
	}
}
