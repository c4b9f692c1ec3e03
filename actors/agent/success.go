package agent

import (
	"context"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/api/aidapb"
)

// success handles the events of the customer success agent. A won deal becomes an account
// (created for the deal's company, or the deal attached to the company's account) whose
// onboarding plan starts (account.Plan: each milestone a reminder); as each milestone falls due
// the owner gets a task; and every HealthEvery the account's health is recomputed, which the
// account records as crm.account.health_changed when its category moves.
func (a *Agent) success(ctx context.Context, ev Event) error {
	switch ev.Type {
	case deal.TypeWon:
		return a.onboard(ctx, ev.ID)
	case "crm.account.reminder_fired":
		var d aidapb.ReminderFired
		if err := ev.payload(&d); err != nil {
			return err
		}
		switch name := d.GetName(); {
		case name == account.HealthReminder:
			return a.recompute(ctx, ev.ID)
		case strings.HasPrefix(name, account.MilestonePrefix):
			return a.milestoneDue(ctx, ev.ID, strings.TrimPrefix(name, account.MilestonePrefix), d.GetDueAt().AsTime())
		}
	}
	return nil
}

// onboard creates or finds the won deal's account, starts its onboarding and its health checks.
// Each step is idempotent: the account from a deal already attached is that account, a plan
// started from the same deal is not started again, and the health reminder is set only when
// none is pending.
func (a *Agent) onboard(ctx context.Context, dealID string) error {
	cctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	create := &aidapb.Command{Actor: a.Actor(), Body: &aidapb.Command_CreateAccount{
		CreateAccount: &aidapb.CreateAccount{Deals: []*aidapb.AccountDeal{{DealId: dealID}}}}}
	if err := a.allowed(create); err != nil {
		return err
	}
	r, err := a.entities.Create(cctx, account.Kind, create)
	if err != nil {
		return err
	}
	a.metrics.command(a.name, "create_account")
	acc := r.GetAccount()
	if acc.GetOnboarding() == nil {
		start := &aidapb.Command{Actor: a.Actor(), Body: &aidapb.Command_StartOnboarding{
			StartOnboarding: &aidapb.StartOnboarding{Plan: &aidapb.Onboarding{DealId: dealID}, Reason: "deal " + dealID + " won"}}}
		if err := a.allowed(start); err != nil {
			return err
		}
		r, err = a.entities.StartOnboarding(cctx, acc.GetId(), start)
		if err != nil {
			return err
		}
		a.metrics.command(a.name, "start_onboarding")
		acc = r.GetAccount()
	}
	for _, ref := range acc.GetReminders() {
		if ref.GetName() == account.HealthReminder {
			return nil
		}
	}
	return a.scheduleHealth(ctx, acc.GetId())
}

func (a *Agent) scheduleHealth(ctx context.Context, id string) error {
	_, err := a.send(ctx, account.Kind, id, &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{
		Name: account.HealthReminder, DueAt: timestamppb.New(a.cfg.Clock().Add(a.cfg.HealthEvery)), Reason: "periodic health check"}}})
	return err
}

// recompute recomputes the account's health and sets the next check, unless it churned.
func (a *Agent) recompute(ctx context.Context, id string) error {
	r, err := a.send(ctx, account.Kind, id, &aidapb.Command{Body: &aidapb.Command_RecomputeHealth{
		RecomputeHealth: &aidapb.RecomputeHealth{Reason: "periodic health check"}}})
	if err != nil {
		return err
	}
	acc := r.GetAccount()
	if acc.GetLifecycle() == account.Churned {
		return nil
	}
	for _, ref := range acc.GetReminders() {
		if ref.GetName() == account.HealthReminder {
			return nil // a redelivery: the next check is already set
		}
	}
	return a.scheduleHealth(ctx, id)
}

// milestoneDue gives the account's owner a task for a milestone that fell due and is not done.
func (a *Agent) milestoneDue(ctx context.Context, id, name string, due time.Time) error {
	r, err := a.get(ctx, account.Kind, id)
	if err != nil {
		return err
	}
	acc := r.GetAccount()
	for _, m := range acc.GetOnboarding().GetMilestones() {
		if m.GetName() != name || m.GetStatus() == account.MilestoneDone {
			continue
		}
		title := "Onboarding " + shorten(acc.GetName(), 60) + ": " + shorten(strings.ReplaceAll(name, "_", " "), 80) + " is due"
		_, err := a.send(ctx, account.Kind, id, &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{
			Title: title, Reason: "milestone " + name + " of the " + acc.GetOnboarding().GetTemplate() + " onboarding plan fell due",
			Key: account.MilestonePrefix + name, DueAt: timestamppb.New(due.Add(3 * 24 * time.Hour))}}})
		return err
	}
	return nil
}
