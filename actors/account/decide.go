package account

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// Decide returns the events one of an account's own commands produces for account s (nil: it
// does not exist yet) at time now. It is pure. Events have Type and data set; the shell fills
// Id, Actor, Time and Version, then calls Apply. The created account takes its ID from cmd.Id.
// A command that changes nothing returns no events and no error. The commands every kind takes
// (notes, autonomy, work, signals, reminders) are the shell's (record.Decide); Follow adds what
// they mean for an account.
//
// Errors are *fault.Error: NotFound when s is nil for anything but create_account, Duplicate
// for create_account on an existing account, Transition for a forbidden lifecycle move,
// Invalid with the bad fields named, and Invalid for commands of other kinds.
func Decide(s *aidapb.Account, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	switch body := cmd.GetBody().(type) {
	case *aidapb.Command_CreateAccount:
		if s != nil {
			return nil, fault.New(fault.Duplicate, "account %s already exists", s.GetId())
		}
		return decideCreate(cmd.GetId(), body.CreateAccount, now)
	case *aidapb.Command_UpdateAccount, *aidapb.Command_AttachDeal, *aidapb.Command_StartOnboarding,
		*aidapb.Command_CompleteMilestone, *aidapb.Command_RecomputeHealth:
		if s == nil {
			return nil, fault.New(fault.NotFound, "account not found")
		}
	default:
		return nil, fault.New(fault.Invalid, "an account does not take the command %q", record.CommandName(cmd))
	}
	switch body := cmd.GetBody().(type) {
	case *aidapb.Command_UpdateAccount:
		return decideUpdate(s, body.UpdateAccount)
	case *aidapb.Command_AttachDeal:
		return decideAttach(s, body.AttachDeal, now)
	case *aidapb.Command_StartOnboarding:
		return startOnboarding(s, body.StartOnboarding, now)
	case *aidapb.Command_CompleteMilestone:
		actor := cmd.GetActor()
		if actor == "" {
			actor = "api"
		}
		return completeMilestone(s, body.CompleteMilestone, actor)
	case *aidapb.Command_RecomputeHealth:
		var bad fault.Fields
		record.Text(&bad, "reason", body.RecomputeHealth.GetReason(), record.MaxReason)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		return recomputeHealth(s, now), nil
	}
	return nil, fault.New(fault.Internal, "unhandled account command %s", record.CommandName(cmd))
}

func decideCreate(id string, c *aidapb.CreateAccount, now time.Time) ([]*aidapb.Event, error) {
	var bad fault.Fields
	a := &aidapb.Account{
		Id:            id,
		Name:          normalizeName(c.GetName()),
		Owner:         strings.TrimSpace(c.GetOwner()),
		Lifecycle:     Onboarding,
		AutonomyLevel: c.GetAutonomyLevel(),
	}
	if a.Name == "" {
		bad.Add("name", "is required")
	}
	record.CheckLen(&bad, "name", a.Name, MaxName)
	domain, ok := normalizeDomain(c.GetDomain())
	if !ok {
		bad.Add("domain", "must be a domain name like acme.com")
	}
	a.Domain = domain
	record.CheckLen(&bad, "owner", a.Owner, MaxText)
	if a.AutonomyLevel == 0 {
		a.AutonomyLevel = DefaultAutonomy
	}
	record.CheckLevel(&bad, "autonomy_level", a.AutonomyLevel)
	seen := make(map[string]bool)
	for i, in := range c.GetDeals() {
		field := fmt.Sprintf("deals[%d]", i)
		d := checkDeal(&bad, field, in)
		if d == nil {
			continue
		}
		if d.DealId != "" && seen[d.DealId] {
			bad.Add(field+".deal_id", "deal %s is listed twice", d.DealId)
		}
		seen[d.DealId] = true
		a.Deals = append(a.Deals, d)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	a.Health = ComputeHealth(a, now)
	return []*aidapb.Event{{
		Type: TypeCreated,
		Data: &aidapb.Event_AccountCreated{AccountCreated: &aidapb.AccountCreated{Account: a}},
	}}, nil
}

func decideUpdate(s *aidapb.Account, u *aidapb.UpdateAccount) ([]*aidapb.Event, error) {
	var bad fault.Fields
	ev := &aidapb.AccountUpdated{}
	changed := false
	set := func(dst **string, v, cur string) {
		if v != cur {
			*dst = &v
			changed = true
		}
	}
	if u.Name != nil {
		n := normalizeName(u.GetName())
		if n == "" {
			bad.Add("name", "must not be empty")
		}
		record.CheckLen(&bad, "name", n, MaxName)
		set(&ev.Name, n, s.GetName())
	}
	if u.Domain != nil {
		d, ok := normalizeDomain(u.GetDomain())
		if !ok {
			bad.Add("domain", "must be a domain name like acme.com")
		}
		set(&ev.Domain, d, s.GetDomain())
	}
	if u.Owner != nil {
		o := record.Text(&bad, "owner", u.GetOwner(), MaxText)
		set(&ev.Owner, o, s.GetOwner())
	}
	to := strings.TrimSpace(u.GetLifecycle())
	if u.Lifecycle != nil && !ValidLifecycle(to) {
		bad.Add("lifecycle", "must be one of %s", strings.Join(Lifecycles(), ", "))
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var evs []*aidapb.Event
	if u.Lifecycle != nil && to != s.GetLifecycle() {
		from := s.GetLifecycle()
		if !CanMove(from, to) {
			return nil, fault.New(fault.Transition, "account is %s: it cannot move to %s; allowed: %s",
				from, to, strings.Join(NextLifecycles(from), ", "))
		}
		evs = append(evs, &aidapb.Event{
			Type: TypeLifecycleChanged,
			Data: &aidapb.Event_AccountLifecycleChanged{AccountLifecycleChanged: &aidapb.AccountLifecycleChanged{
				From: from, To: to,
			}},
		})
	}
	if changed {
		evs = append([]*aidapb.Event{{
			Type: TypeUpdated,
			Data: &aidapb.Event_AccountUpdated{AccountUpdated: ev},
		}}, evs...)
	}
	return evs, nil
}

func decideAttach(s *aidapb.Account, c *aidapb.AttachDeal, now time.Time) ([]*aidapb.Event, error) {
	var bad fault.Fields
	d := checkDeal(&bad, "deal", c.GetDeal())
	if err := bad.Err(); err != nil {
		return nil, err
	}
	for _, old := range s.GetDeals() {
		if old.GetDealId() == d.GetDealId() && proto.Equal(old, d) {
			return nil, nil
		}
	}
	evs := []*aidapb.Event{{
		Type: TypeDealAttached,
		Data: &aidapb.Event_AccountDealAttached{AccountDealAttached: &aidapb.AccountDealAttached{Deal: d}},
	}}
	next := proto.Clone(s).(*aidapb.Account)
	attach(next, d)
	h := ComputeHealth(next, now)
	if old := s.GetHealth(); old == nil || old.GetScore() != h.GetScore() || old.GetCategory() != h.GetCategory() {
		evs = append(evs, &aidapb.Event{
			Type: TypeHealthChanged,
			Data: &aidapb.Event_AccountHealthChanged{AccountHealthChanged: &aidapb.AccountHealthChanged{
				Health: h, FromCategory: s.GetHealth().GetCategory(),
			}},
		})
	}
	return evs, nil
}
