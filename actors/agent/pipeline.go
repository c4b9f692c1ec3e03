package agent

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// pipeline handles the events of the pipeline agent. It keeps one reminder ("pipeline") on
// every open deal, due when the deal would become stale (StaleAfter after its last activity)
// or pass its expected close date, whichever is first. Activity does not move the reminder
// (that would cost a write per change); when it fires, the agent looks at the deal as it is: a
// stale or overdue deal is flagged and its owner gets a task, and the reminder is set for the
// next time it could be.
func (a *Agent) pipeline(ctx context.Context, ev Event) error {
	switch ev.Type {
	case deal.TypeCreated, deal.TypeStageChanged:
		return a.watch(ctx, ev.ID)
	case deal.TypeUpdated:
		var d aidapb.DealUpdated
		if err := ev.payload(&d); err != nil {
			return err
		}
		if d.ExpectedCloseDate == nil {
			return nil
		}
		return a.watch(ctx, ev.ID)
	case "crm.deal.reminder_fired":
		var d aidapb.ReminderFired
		if err := ev.payload(&d); err != nil {
			return err
		}
		if d.GetName() != deal.PipelineCheck {
			return nil
		}
		return a.check(ctx, ev.ID)
	}
	return nil
}

// openDeal reads the deal id; nil without an error when it is closed, so there is nothing to do.
func (a *Agent) openDeal(ctx context.Context, id string) (*aidapb.Deal, error) {
	r, err := a.get(ctx, deal.Kind, id)
	if err != nil {
		return nil, err
	}
	if d := r.GetDeal(); !deal.IsClosed(d.GetStage()) {
		return d, nil
	}
	return nil, nil
}

// watch makes sure an open deal has its check reminder, due no later than the next time it could
// become stale or overdue.
func (a *Agent) watch(ctx context.Context, id string) error {
	d, err := a.openDeal(ctx, id)
	if d == nil {
		return err
	}
	due := a.nextCheck(d, a.cfg.Clock())
	for _, ref := range d.GetReminders() {
		if ref.GetName() == deal.PipelineCheck && !ref.GetDueAt().AsTime().After(due) {
			return nil // an earlier check is set; it will look again
		}
	}
	return a.schedule(ctx, id, due)
}

// check flags a stale or overdue deal, gives its owner a task for each, and sets the next check.
func (a *Agent) check(ctx context.Context, id string) error {
	d, err := a.openDeal(ctx, id)
	if d == nil {
		return err
	}
	now := a.cfg.Clock()
	// The next check first: a flag or task the deal refuses must not leave it unwatched.
	if err := a.schedule(ctx, id, a.nextCheck(d, now)); err != nil {
		return err
	}
	last := deal.LastActivity(d)
	days := int(a.cfg.StaleAfter / (24 * time.Hour))
	if now.Sub(last) >= a.cfg.StaleAfter && !record.HasFlag(d.GetWork(), deal.FlagStale) {
		why := fmt.Sprintf("no activity for %d days (last on %s)", int(now.Sub(last)/(24*time.Hour)), last.UTC().Format("2006-01-02"))
		if days == 0 {
			why = fmt.Sprintf("no activity since %s", last.UTC().Format(time.RFC3339))
		}
		err := a.flagWithTask(ctx, id, deal.FlagStale, why,
			fmt.Sprintf("Follow up on %q: %s", shorten(d.GetTitle(), 60), why), fmt.Sprintf("pipeline.stale.%d", last.Unix()), now)
		if err != nil {
			return err
		}
	}
	if deal.Overdue(d, now) && !record.HasFlag(d.GetWork(), deal.FlagOverdue) {
		why := "the expected close date " + d.GetExpectedCloseDate() + " passed"
		err := a.flagWithTask(ctx, id, deal.FlagOverdue, why,
			fmt.Sprintf("Update the close date of %q or close it: %s", shorten(d.GetTitle(), 60), why), "pipeline.overdue."+d.GetExpectedCloseDate(), now)
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *Agent) flagWithTask(ctx context.Context, id, flag, why, title, key string, now time.Time) error {
	if _, err := a.send(ctx, deal.Kind, id, &aidapb.Command{Body: &aidapb.Command_SetFlag{SetFlag: &aidapb.SetFlag{Name: flag, Reason: why}}}); err != nil {
		return err
	}
	_, err := a.send(ctx, deal.Kind, id, &aidapb.Command{Body: &aidapb.Command_AddTask{AddTask: &aidapb.AddTask{
		Title: title, Reason: why, Key: key, DueAt: timestamppb.New(now.Add(24 * time.Hour))}}})
	return err
}

// nextCheck is when deal d could next become stale or overdue, seen at now: StaleAfter after its
// last activity (or after now, when that is past), or the end of its expected close date if that
// is sooner and not flagged yet.
func (a *Agent) nextCheck(d *aidapb.Deal, now time.Time) time.Time {
	due := deal.LastActivity(d).Add(a.cfg.StaleAfter)
	if !due.After(now) {
		due = now.Add(a.cfg.StaleAfter)
	}
	if end, ok := deal.CloseDeadline(d); ok && end.After(now) && end.Before(due) {
		due = end
	}
	return due
}

func (a *Agent) schedule(ctx context.Context, id string, due time.Time) error {
	_, err := a.send(ctx, deal.Kind, id, &aidapb.Command{Body: &aidapb.Command_ScheduleReminder{ScheduleReminder: &aidapb.ScheduleReminder{
		Name: deal.PipelineCheck, DueAt: timestamppb.New(due), Reason: "check the deal for staleness and its close date"}}})
	return err
}
