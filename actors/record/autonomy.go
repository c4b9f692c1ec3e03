package record

import (
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// DecideAutonomy returns the event of type typ that moves an entity at autonomy level current
// to the level c asks for, with c's trimmed reason. The level must be 1 to 5 and the reason
// at most lim.Reason characters, or it returns a fault.Invalid error naming "level" and
// "reason". Asking for the current level returns no event and no error.
func DecideAutonomy(typ string, current int32, c *aidapb.SetAutonomy, lim Limits) ([]*aidapb.Event, error) {
	var bad fault.Fields
	CheckLevel(&bad, "level", c.GetLevel())
	reason := Text(&bad, "reason", c.GetReason(), lim.Reason)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if c.GetLevel() == current {
		return nil, nil
	}
	return []*aidapb.Event{{
		Type: typ,
		Data: &aidapb.Event_AutonomyChanged{AutonomyChanged: &aidapb.AutonomyChanged{
			From: current, To: c.GetLevel(), Reason: reason,
		}},
	}}, nil
}
