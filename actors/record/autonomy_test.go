package record_test

import (
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

func TestDecideAutonomy(t *testing.T) {
	lim := record.Limits{Note: 50, Author: 10, Reason: 20}
	tests := []struct {
		name     string
		current  int32
		cmd      *aidapb.SetAutonomy
		want     *aidapb.AutonomyChanged // nil: no event
		problems []string
	}{
		{name: "raise", current: 1, cmd: &aidapb.SetAutonomy{Level: 4, Reason: " trusted "},
			want: &aidapb.AutonomyChanged{From: 1, To: 4, Reason: "trusted"}},
		{name: "lower, no reason", current: 5, cmd: &aidapb.SetAutonomy{Level: 2},
			want: &aidapb.AutonomyChanged{From: 5, To: 2}},
		{name: "same level is no change", current: 3, cmd: &aidapb.SetAutonomy{Level: 3, Reason: "again"}},
		{name: "level 0", current: 3, cmd: &aidapb.SetAutonomy{},
			problems: []string{"level: must be 1 to 5"}},
		{name: "level 6 and a long reason", current: 3, cmd: &aidapb.SetAutonomy{Level: 6, Reason: strings.Repeat("r", 21)},
			problems: []string{"level: must be 1 to 5", "reason: must be at most 20 characters"}},
		{name: "same level with a long reason is still invalid", current: 3, cmd: &aidapb.SetAutonomy{Level: 3, Reason: strings.Repeat("r", 21)},
			problems: []string{"reason: must be at most 20 characters"}},
		{name: "nil command asks for level 0", current: 1, cmd: nil,
			problems: []string{"level: must be 1 to 5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := record.DecideAutonomy("crm.test.autonomy", tt.current, tt.cmd, lim)
			e := decided(t, evs, err, "crm.test.autonomy", tt.problems)
			if !proto.Equal(e.GetAutonomyChanged(), tt.want) {
				t.Errorf("change %v, want %v", e.GetAutonomyChanged(), tt.want)
			}
		})
	}
}
