package operation

import (
	"context"
	"fmt"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"github.com/aidacrm/aida/policies/access"
)

// Authorize checks that p may call op: anyone may call a public operation; any other needs a
// principal (401 without one) whose role allows the operation's (403 otherwise). Every door
// calls it, from the same table, before it runs anything.
func Authorize(op *Operation, p access.Principal) error {
	if op.Role == access.Public {
		return nil
	}
	if !p.Valid() {
		return fault.New(fault.Unauthenticated,
			"%s needs credentials: send \"Authorization: Bearer <key>\" (an admin makes keys with `aida keys create`) or sign in", what(op))
	}
	if !p.Role.Allows(op.Role) {
		return fault.New(fault.Forbidden, "%s needs the %s role; %s has the %s role", what(op), op.Role, p.Actor(), p.Role)
	}
	return nil
}

// what names an operation for a person: its summary, or its method and path.
func what(op *Operation) string {
	if op.Summary != "" {
		return fmt.Sprintf("%q", op.Summary)
	}
	return op.Method + " " + op.Path
}

// ScopeOf is the owner a principal's work is scoped to: a rep's own name when reps are scoped
// (they see and change the entities they own and unowned ones), "" for every other role and
// when reps see everything.
func ScopeOf(p access.Principal, scopeReps bool) string {
	if scopeReps && p.Role == access.Rep {
		return p.Owner()
	}
	return ""
}

// checkLevel refuses a command that sets an autonomy level above what the principal's role may
// grant (access.MaxAutonomy): a rep up to L3, a manager L4, an admin L5.
func checkLevel(cmd *aidapb.Command, p access.Principal) error {
	level := requestedLevel(cmd)
	if most := access.MaxAutonomy(p.Role); level > most {
		return fault.New(fault.Forbidden, "autonomy L%d needs a higher role: %s has the %s role, which may grant up to L%d",
			level, p.Actor(), p.Role, most)
	}
	return nil
}

// requestedLevel is the autonomy level a command asks for; 0 when it asks for none.
func requestedLevel(cmd *aidapb.Command) int32 {
	switch b := cmd.GetBody().(type) {
	case *aidapb.Command_SetAutonomy:
		return b.SetAutonomy.GetLevel()
	case *aidapb.Command_CaptureLead:
		return b.CaptureLead.GetAutonomyLevel()
	case *aidapb.Command_CreateDeal:
		return b.CreateDeal.GetAutonomyLevel()
	case *aidapb.Command_CreateAccount:
		return b.CreateAccount.GetAutonomyLevel()
	}
	return 0
}

// inScope checks, for a call without a command (a timeline), that the entity is in the
// input's scope: it asks the entity for its view with the scope set, which the entity refuses
// when it belongs to someone else.
func inScope(ctx context.Context, e Entities, op *Operation, in Input) error {
	if in.ScopeOwner == "" {
		return nil
	}
	cmd := get()
	cmd.Actor, cmd.RequestId, cmd.ScopeOwner = in.Principal.Actor(), in.RequestID, in.ScopeOwner
	_, err := e.Send(ctx, op.Kind, in.ID, cmd)
	return err
}
