package deal_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

var t0 = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)

// shellDecide is what the entity shell asks for cmd: a shared command goes to record.Decide
// over the deal's Traits and then to Follow, any other to Decide.
func shellDecide(s *aidapb.Deal, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	if !record.IsShared(cmd) {
		return deal.Decide(s, cmd, now)
	}
	if s == nil {
		return nil, fault.New(fault.NotFound, "deal not found")
	}
	evs, err := record.Decide(deal.Traits(s), cmd, now)
	if err != nil || len(evs) == 0 {
		return evs, err
	}
	return deal.Follow(s, cmd, evs, now), nil
}

// fold applies e the way the entity shell does: a shared event through record.Apply and Touch,
// a deal's own through Apply.
func fold(s *aidapb.Deal, e *aidapb.Event) *aidapb.Deal {
	if s != nil && record.Apply(e, deal.Traits(s)) {
		deal.Touch(s, e)
		return s
	}
	return deal.Apply(s, e)
}

// step decides cmd on s at now and applies the events the way the shell does: Id, Actor,
// Time and Version filled in.
func step(s *aidapb.Deal, cmd *aidapb.Command, now time.Time) (*aidapb.Deal, []*aidapb.Event, error) {
	evs, err := shellDecide(s, cmd, now)
	if err != nil {
		return s, nil, err
	}
	for _, e := range evs {
		e.Id = fmt.Sprintf("ev-%d", s.GetVersion()+1)
		e.Actor = cmd.GetActor()
		e.Time = timestamppb.New(now)
		e.Version = s.GetVersion() + 1
		s = fold(s, e)
	}
	return s, evs, nil
}

func mustStep(t *testing.T, s *aidapb.Deal, cmd *aidapb.Command, now time.Time) (*aidapb.Deal, []*aidapb.Event) {
	t.Helper()
	s, evs, err := step(s, cmd, now)
	if err != nil {
		t.Fatalf("%v: %v", cmd, err)
	}
	return s, evs
}

func create(c *aidapb.CreateDeal) *aidapb.Command {
	return &aidapb.Command{Actor: "user:ann", Id: "deal-1", Body: &aidapb.Command_CreateDeal{CreateDeal: c}}
}

func moveTo(stage, reason string) *aidapb.Command {
	return &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_ChangeDealStage{
		ChangeDealStage: &aidapb.ChangeDealStage{Stage: stage, Reason: reason}}}
}

func update(u *aidapb.UpdateDeal) *aidapb.Command {
	return &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_UpdateDeal{UpdateDeal: u}}
}

// dealAt returns a deal created in stage, moved there along allowed transitions.
func dealAt(t *testing.T, stage string) *aidapb.Deal {
	t.Helper()
	paths := map[string][]string{
		deal.Prospect:    nil,
		deal.Qualified:   {deal.Qualified},
		deal.Proposal:    {deal.Qualified, deal.Proposal},
		deal.Negotiation: {deal.Qualified, deal.Proposal, deal.Negotiation},
		deal.ClosedWon:   {deal.Qualified, deal.Proposal, deal.Negotiation, deal.ClosedWon},
		deal.ClosedLost:  {deal.ClosedLost},
	}
	path, ok := paths[stage]
	if !ok {
		t.Fatalf("no path to %q", stage)
	}
	s, _ := mustStep(t, nil, create(&aidapb.CreateDeal{Title: "Acme renewal", Value: "12500"}), t0)
	for _, to := range path {
		s, _ = mustStep(t, s, moveTo(to, ""), t0)
	}
	if s.GetStage() != stage {
		t.Fatalf("deal is %s, want %s", s.GetStage(), stage)
	}
	return s
}

// wantCode fails unless err is a *fault.Error with code.
func wantCode(t *testing.T, err error, code fault.Code) *fault.Error {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a *fault.Error (want %v)", err, code)
	}
	if fe.Code != code {
		t.Fatalf("code %v, want %v (%v)", fe.Code, code, err)
	}
	return fe
}

func fieldNames(fe *fault.Error) []string {
	var out []string
	for _, f := range fe.Fields {
		out = append(out, f.Name)
	}
	return out
}
