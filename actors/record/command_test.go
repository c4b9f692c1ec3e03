package record_test

import (
	"testing"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

func TestCommandName(t *testing.T) {
	tests := []struct {
		cmd  *aidapb.Command
		want string
	}{
		{nil, ""},
		{&aidapb.Command{}, ""},
		{&aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: &aidapb.CaptureLead{}}}, "capture_lead"},
		{&aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{}}}, "add_note"},
		{&aidapb.Command{Body: &aidapb.Command_SetAutonomy{}}, "set_autonomy"},
	}
	for _, tt := range tests {
		if got := record.CommandName(tt.cmd); got != tt.want {
			t.Errorf("CommandName(%v) = %q, want %q", tt.cmd, got, tt.want)
		}
	}
}
