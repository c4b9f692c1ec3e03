package lead

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// shellDecide is what the entity shell asks for cmd: a shared command goes to record.Decide over the
// lead's Traits and then to Follow, any other to Decide.
func shellDecide(s *aidapb.Lead, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	if !record.IsShared(cmd) {
		return Decide(s, cmd, now)
	}
	if s == nil {
		return nil, fault.New(fault.NotFound, "lead not found")
	}
	events, err := record.Decide(Traits(s), cmd, now)
	if err != nil || len(events) == 0 {
		return events, err
	}
	if _, fires := cmd.GetBody().(*aidapb.Command_FireReminder); fires {
		return events, nil
	}
	return Follow(s, cmd, events, now), nil
}

// fold applies e the way the entity shell does: a shared event through record.Apply, a lead's
// own through Apply.
func fold(s *aidapb.Lead, e *aidapb.Event) *aidapb.Lead {
	if s != nil && record.Apply(e, Traits(s)) {
		return s
	}
	return Apply(s, e)
}

// run decides cmd on s and applies the events the way the entity shell does: it stamps each
// with an ID, the actor, the time and the next version.
func run(s *aidapb.Lead, cmd *aidapb.Command, now time.Time) (*aidapb.Lead, []*aidapb.Event, error) {
	events, err := shellDecide(s, cmd, now)
	if err != nil {
		return s, nil, err
	}
	v := s.GetVersion()
	for _, e := range events {
		v++
		e.Id = fmt.Sprintf("ev-%d", v)
		e.Actor = cmd.GetActor()
		e.Time = timestamppb.New(now)
		e.Version = v
		s = fold(s, e)
	}
	return s, events, nil
}

// mustRun is run that fails the test on an error.
func mustRun(t testing.TB, s *aidapb.Lead, cmd *aidapb.Command, now time.Time) (*aidapb.Lead, []*aidapb.Event) {
	t.Helper()
	s, events, err := run(s, cmd, now)
	if err != nil {
		t.Fatalf("%s: %v", record.CommandName(cmd), err)
	}
	return s, events
}

func types(events []*aidapb.Event) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.GetType())
	}
	return out
}

// faultOf returns err as a *fault.Error, failing the test when it is not one.
func faultOf(t testing.TB, err error) *fault.Error {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *fault.Error", err, err)
	}
	return fe
}

func fieldNames(err error) []string {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		return nil
	}
	var out []string
	for _, f := range fe.Fields {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

func captureCmd(c *aidapb.CaptureLead) *aidapb.Command {
	return &aidapb.Command{Actor: "api", Body: &aidapb.Command_CaptureLead{CaptureLead: c}}
}

func adaCapture() *aidapb.CaptureLead {
	return &aidapb.CaptureLead{Email: "  Ada@Analytical-Engines.co.uk ", FirstName: "Ada", LastName: "Lovelace",
		Company: "Analytical Engines Ltd", Source: "demo_request", AutonomyLevel: 3, Owner: "user:7"}
}

func statusCmd(to string) *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_ChangeLeadStatus{
		ChangeLeadStatus: &aidapb.ChangeLeadStatus{Status: to, Reason: "called"}}}
}

func archiveCmd() *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_ArchiveLead{ArchiveLead: &aidapb.ArchiveLead{Reason: "spam"}}}
}

func restoreCmd() *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_RestoreLead{RestoreLead: &aidapb.RestoreLead{}}}
}

func convertCmd(deal string) *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_ConvertLead{ConvertLead: &aidapb.ConvertLead{DealId: deal}}}
}

func updateCmd(u *aidapb.UpdateLead) *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_UpdateLead{UpdateLead: u}}
}

func autonomyCmd(level int32) *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: level, Reason: "trusted"}}}
}

func noteCmd(text, author string) *aidapb.Command {
	return &aidapb.Command{Actor: "user:7", Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: text, Author: author}}}
}

func getCmd() *aidapb.Command {
	return &aidapb.Command{Actor: "api", Body: &aidapb.Command_Get{Get: &aidapb.Get{}}}
}
