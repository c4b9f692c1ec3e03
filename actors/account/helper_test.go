package account_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// shellDecide is what the entity shell asks for cmd: a shared command goes to record.Decide
// over the account's Traits and then to Follow, any other to Decide.
func shellDecide(s *aidapb.Account, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	if !record.IsShared(cmd) {
		return account.Decide(s, cmd, now)
	}
	if s == nil {
		return nil, fault.New(fault.NotFound, "account not found")
	}
	evs, err := record.Decide(account.Traits(s), cmd, now)
	if err != nil || len(evs) == 0 {
		return evs, err
	}
	return account.Follow(s, cmd, evs, now), nil
}

// fold applies e the way the entity shell does: a shared event through record.Apply, an
// account's own through Apply.
func fold(s *aidapb.Account, e *aidapb.Event) *aidapb.Account {
	if s != nil && record.Apply(e, account.Traits(s)) {
		return s
	}
	return account.Apply(s, e)
}

// step decides cmd on s at now and applies the events the way the shell does.
func step(s *aidapb.Account, cmd *aidapb.Command, now time.Time) (*aidapb.Account, []*aidapb.Event, error) {
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

func mustStep(t *testing.T, s *aidapb.Account, cmd *aidapb.Command, now time.Time) (*aidapb.Account, []*aidapb.Event) {
	t.Helper()
	s, evs, err := step(s, cmd, now)
	if err != nil {
		t.Fatalf("%v: %v", cmd, err)
	}
	return s, evs
}

func createCmd(c *aidapb.CreateAccount) *aidapb.Command {
	return &aidapb.Command{Actor: "user:ann", Id: "acc-1", Body: &aidapb.Command_CreateAccount{CreateAccount: c}}
}

func updateCmd(u *aidapb.UpdateAccount) *aidapb.Command {
	return &aidapb.Command{Actor: "user:ann", Body: &aidapb.Command_UpdateAccount{UpdateAccount: u}}
}

func attachCmd(d *aidapb.AccountDeal) *aidapb.Command {
	return &aidapb.Command{Actor: "agent:success", Body: &aidapb.Command_AttachDeal{AttachDeal: &aidapb.AttachDeal{Deal: d}}}
}

func types(evs []*aidapb.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.GetType())
	}
	return out
}

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
