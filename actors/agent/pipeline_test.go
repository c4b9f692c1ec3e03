package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

const day = 24 * time.Hour

// dealWith returns an open deal d1 whose last activity was at last, with its expected close
// date (none when "").
func dealWith(last time.Time, closeDate string) *aidapb.Deal {
	return &aidapb.Deal{Id: "d1", Title: "Big deal", Stage: deal.Proposal, Owner: "user:ann", AutonomyLevel: 5,
		ExpectedCloseDate: closeDate, CreatedAt: ts(last.Add(-30 * day)), LastActivityAt: ts(last)}
}

func dealReply(d *aidapb.Deal) func(kind, id string) (*aidapb.Reply, error) {
	return func(kind, id string) (*aidapb.Reply, error) {
		if kind != deal.Kind || id != "d1" {
			return nil, fault.New(fault.NotFound, "%s/%s", kind, id)
		}
		return &aidapb.Reply{View: &aidapb.Reply_Deal{Deal: d}}, nil
	}
}

// validWork answers set_flag and add_task as an entity with the owner ann at autonomy level 5
// would: with the errors of record.DecideWork.
func validWork(kind string) func(string, string, *aidapb.Command) (*aidapb.Reply, error) {
	return func(_, _ string, cmd *aidapb.Command) (*aidapb.Reply, error) {
		if cmd.GetAddTask() != nil || cmd.GetSetFlag() != nil {
			if _, err := record.DecideWork(record.Entity{Kind: kind, Level: 5, Owner: "user:ann"}, cmd, now); err != nil {
				return nil, err
			}
		}
		return &aidapb.Reply{}, nil
	}
}

// scheduled returns the due time of the one schedule_reminder sent, checking its name and actor.
func scheduled(t *testing.T, f *fakeEntities, name, actor string) time.Time {
	t.Helper()
	c := f.only(t, "schedule_reminder")
	r := c.cmd.GetScheduleReminder()
	if r.GetName() != name || c.cmd.GetActor() != actor || r.GetReason() == "" {
		t.Errorf("schedule_reminder = %v by %q, want %q by %q with a reason", r, c.cmd.GetActor(), name, actor)
	}
	return r.GetDueAt().AsTime()
}

func TestPipelineWatch(t *testing.T) {
	recent := now.Add(-2 * day)
	tests := []struct {
		name      string
		deal      *aidapb.Deal
		reminders []*aidapb.ReminderRef
		due       time.Time // zero: nothing scheduled
	}{
		{"recent activity", dealWith(recent, ""), nil, recent.Add(14 * day)},
		{"close date sooner", dealWith(recent, "2026-03-15"), nil, time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"close date today", dealWith(recent, "2026-03-10"), nil, time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"close date later", dealWith(recent, "2026-06-01"), nil, recent.Add(14 * day)},
		{"close date passed", dealWith(recent, "2026-03-01"), nil, recent.Add(14 * day)},
		{"close date unreadable", dealWith(recent, "soon"), nil, recent.Add(14 * day)},
		{"stale already", dealWith(now.Add(-20*day), ""), nil, now.Add(14 * day)},
		{"no activity: created_at", &aidapb.Deal{Id: "d1", Stage: deal.Prospect, CreatedAt: ts(now.Add(-3 * day))}, nil, now.Add(11 * day)},
		{"pending earlier", dealWith(recent, ""), []*aidapb.ReminderRef{{Name: deal.PipelineCheck, Token: "t", DueAt: ts(now.Add(day))}}, time.Time{}},
		{"pending at the same time", dealWith(recent, ""), []*aidapb.ReminderRef{{Name: deal.PipelineCheck, Token: "t", DueAt: ts(recent.Add(14 * day))}}, time.Time{}},
		{"pending later", dealWith(recent, "2026-03-15"), []*aidapb.ReminderRef{{Name: deal.PipelineCheck, Token: "t", DueAt: ts(recent.Add(14 * day))}},
			time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)},
		{"another reminder earlier", dealWith(recent, ""), []*aidapb.ReminderRef{{Name: "call_back", Token: "t", DueAt: ts(now.Add(day))}}, recent.Add(14 * day)},
		{"won", &aidapb.Deal{Id: "d1", Stage: deal.ClosedWon, CreatedAt: ts(recent)}, nil, time.Time{}},
		{"lost", &aidapb.Deal{Id: "d1", Stage: deal.ClosedLost, CreatedAt: ts(recent)}, nil, time.Time{}},
	}
	for _, tt := range tests {
		for _, typ := range []string{deal.TypeCreated, deal.TypeStageChanged} {
			t.Run(tt.name+"/"+typ, func(t *testing.T) {
				tt.deal.Reminders = tt.reminders
				f := &fakeEntities{get: dealReply(tt.deal)}
				if err := byName("pipeline", f, testConfig()).Handle(context.Background(), message(t, typ, "deal/d1", nil)); err != nil {
					t.Fatal(err)
				}
				if tt.due.IsZero() {
					equalLines(t, f.summary(t), lines("deal/d1 get"))
					return
				}
				equalLines(t, f.summary(t), lines("deal/d1 get", "deal/d1 schedule_reminder"))
				if due := scheduled(t, f, deal.PipelineCheck, "agent:pipeline"); !due.Equal(tt.due) {
					t.Errorf("due = %s, want %s", due, tt.due)
				}
			})
		}
	}
}

func TestPipelineUpdated(t *testing.T) {
	date := "2026-03-15"
	f := &fakeEntities{get: dealReply(dealWith(now.Add(-2*day), date))}
	a := byName("pipeline", f, testConfig())
	if err := a.Handle(context.Background(), message(t, deal.TypeUpdated, "deal/d1", &aidapb.DealUpdated{Title: &date})); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.summary(t), nil)

	if err := a.Handle(context.Background(), message(t, deal.TypeUpdated, "deal/d1", &aidapb.DealUpdated{ExpectedCloseDate: &date})); err != nil {
		t.Fatal(err)
	}
	equalLines(t, f.summary(t), lines("deal/d1 get", "deal/d1 schedule_reminder"))
	if due := scheduled(t, f, deal.PipelineCheck, "agent:pipeline"); !due.Equal(time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("due = %s, want the end of the new close date", due)
	}
}

func TestPipelineIgnoresOtherReminders(t *testing.T) {
	for _, name := range []string{"", "call_back", "sequence"} {
		f := &fakeEntities{get: dealReply(dealWith(now.Add(-20*day), "2026-03-01"))}
		m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(name, now))
		if err := byName("pipeline", f, testConfig()).Handle(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		equalLines(t, f.summary(t), nil)
	}
}

func flagged(d *aidapb.Deal, names ...string) *aidapb.Deal {
	d.Work = &aidapb.Work{}
	for _, n := range names {
		d.Work.Flags = append(d.Work.Flags, &aidapb.Flag{Name: n, Reason: "earlier", SetBy: "agent:pipeline", SetAt: ts(now.Add(-day))})
	}
	return d
}

func TestPipelineCheck(t *testing.T) {
	stale := now.Add(-20 * day)
	recent := now.Add(-day)
	tests := []struct {
		name  string
		deal  *aidapb.Deal
		calls []string
		due   time.Time // of the next check
	}{
		{"stale", dealWith(stale, ""),
			lines("deal/d1 get", "deal/d1 schedule_reminder", "deal/d1 set_flag", "deal/d1 add_task"), now.Add(14 * day)},
		{"stale to the day", dealWith(now.Add(-14*day), ""),
			lines("deal/d1 get", "deal/d1 schedule_reminder", "deal/d1 set_flag", "deal/d1 add_task"), now.Add(14 * day)},
		{"stale, flagged", flagged(dealWith(stale, ""), deal.FlagStale),
			lines("deal/d1 get", "deal/d1 schedule_reminder"), now.Add(14 * day)},
		{"active", dealWith(now.Add(-13*day), ""),
			lines("deal/d1 get", "deal/d1 schedule_reminder"), now.Add(day)},
		{"overdue", dealWith(recent, "2026-03-09"),
			lines("deal/d1 get", "deal/d1 schedule_reminder", "deal/d1 set_flag", "deal/d1 add_task"), recent.Add(14 * day)},
		{"overdue, flagged", flagged(dealWith(recent, "2026-03-09"), deal.FlagOverdue),
			lines("deal/d1 get", "deal/d1 schedule_reminder"), recent.Add(14 * day)},
		{"closes today", dealWith(recent, "2026-03-10"),
			lines("deal/d1 get", "deal/d1 schedule_reminder"), time.Date(2026, 3, 11, 0, 0, 0, 0, time.UTC)},
		{"stale and overdue", dealWith(stale, "2026-03-01"),
			lines("deal/d1 get", "deal/d1 schedule_reminder", "deal/d1 set_flag", "deal/d1 add_task", "deal/d1 set_flag", "deal/d1 add_task"), now.Add(14 * day)},
		{"won", &aidapb.Deal{Id: "d1", Stage: deal.ClosedWon, CreatedAt: ts(stale), ExpectedCloseDate: "2026-03-01"},
			lines("deal/d1 get"), time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEntities{get: dealReply(tt.deal), send: validWork(deal.Kind)}
			m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(deal.PipelineCheck, now))
			if err := byName("pipeline", f, testConfig()).Handle(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.summary(t), tt.calls)
			if tt.due.IsZero() {
				return
			}
			if due := scheduled(t, f, deal.PipelineCheck, "agent:pipeline"); !due.Equal(tt.due) {
				t.Errorf("next check = %s, want %s", due, tt.due)
			}
		})
	}
}

func TestPipelineStaleFlagAndTask(t *testing.T) {
	last := now.Add(-20 * day)
	f := &fakeEntities{get: dealReply(dealWith(last, "")), send: validWork(deal.Kind)}
	m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(deal.PipelineCheck, now))
	if err := byName("pipeline", f, testConfig()).Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	flag := f.only(t, "set_flag")
	why := "no activity for 20 days (last on 2026-02-18)"
	if s := flag.cmd.GetSetFlag(); s.GetName() != deal.FlagStale || s.GetReason() != why || flag.cmd.GetActor() != "agent:pipeline" {
		t.Errorf("set_flag = %v by %q, want stale: %q", s, flag.cmd.GetActor(), why)
	}
	task := f.only(t, "add_task").cmd.GetAddTask()
	if task.GetKey() != fmt.Sprintf("pipeline.stale.%d", last.Unix()) {
		t.Errorf("task key = %q, want pipeline.stale.%d", task.GetKey(), last.Unix())
	}
	if want := `Follow up on "Big deal": ` + why; task.GetTitle() != want || task.GetReason() != why {
		t.Errorf("task = %q (%q), want %q", task.GetTitle(), task.GetReason(), want)
	}
	if !task.GetDueAt().AsTime().Equal(now.Add(day)) {
		t.Errorf("task due = %s, want a day from now", task.GetDueAt().AsTime())
	}
}

func TestPipelineOverdueFlagAndTask(t *testing.T) {
	f := &fakeEntities{get: dealReply(dealWith(now.Add(-day), "2026-03-09")), send: validWork(deal.Kind)}
	m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(deal.PipelineCheck, now))
	if err := byName("pipeline", f, testConfig()).Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if s := f.only(t, "set_flag").cmd.GetSetFlag(); s.GetName() != deal.FlagOverdue || !strings.Contains(s.GetReason(), "2026-03-09") {
		t.Errorf("set_flag = %v, want overdue naming the date", s)
	}
	task := f.only(t, "add_task").cmd.GetAddTask()
	if task.GetKey() != "pipeline.overdue.2026-03-09" || !strings.Contains(task.GetTitle(), `"Big deal"`) {
		t.Errorf("task = %v, want key pipeline.overdue.2026-03-09 naming the deal", task)
	}
}

func TestPipelineStaleAfterHours(t *testing.T) {
	cfg := testConfig()
	cfg.StaleAfter = time.Hour
	last := now.Add(-2 * time.Hour)
	f := &fakeEntities{get: dealReply(dealWith(last, "")), send: validWork(deal.Kind)}
	m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(deal.PipelineCheck, now))
	if err := byName("pipeline", f, cfg).Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if why := f.only(t, "set_flag").cmd.GetSetFlag().GetReason(); why != "no activity since "+last.Format(time.RFC3339) {
		t.Errorf("reason = %q", why)
	}
	if due := scheduled(t, f, deal.PipelineCheck, "agent:pipeline"); !due.Equal(now.Add(time.Hour)) {
		t.Errorf("next check = %s, want in an hour", due)
	}
}

func TestPipelineCheckFailures(t *testing.T) {
	down := fault.New(fault.Unavailable, "down")
	f := &fakeEntities{get: dealReply(dealWith(now.Add(-20*day), "")), send: func(kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
		if cmd.GetSetFlag() != nil {
			return nil, down
		}
		return &aidapb.Reply{}, nil
	}}
	m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(deal.PipelineCheck, now))
	if err := byName("pipeline", f, testConfig()).Handle(context.Background(), m); !errors.Is(err, down) {
		t.Fatalf("Handle = %v, want %v", err, down)
	}
	equalLines(t, f.summary(t), lines("deal/d1 get", "deal/d1 schedule_reminder", "deal/d1 set_flag"))

	f = &fakeEntities{get: func(string, string) (*aidapb.Reply, error) { return nil, down }}
	if err := byName("pipeline", f, testConfig()).Handle(context.Background(), message(t, deal.TypeCreated, "deal/d1", nil)); !errors.Is(err, down) {
		t.Fatalf("Handle = %v, want %v", err, down)
	}
}

// TestPipelineLongTitle: a deal may have a title of deal.MaxTitle characters; the task the agent
// gives its owner must still be one the deal accepts (record.MaxTitle), and the deal must keep
// its check reminder whatever happens to the task.
func TestPipelineLongTitle(t *testing.T) {
	for _, tt := range []struct{ name, closeDate string }{{"stale", ""}, {"overdue", "2026-03-09"}} {
		t.Run(tt.name, func(t *testing.T) {
			last := now.Add(-day)
			if tt.closeDate == "" {
				last = now.Add(-20 * day)
			}
			d := dealWith(last, tt.closeDate)
			d.Title = strings.Repeat("x", deal.MaxTitle)
			f := &fakeEntities{get: dealReply(d), send: validWork(deal.Kind)}
			m := message(t, "crm.deal.reminder_fired", "deal/d1", reminderFired(deal.PipelineCheck, now))
			if err := byName("pipeline", f, testConfig()).Handle(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			title := f.only(t, "add_task").cmd.GetAddTask().GetTitle()
			if n := len([]rune(title)); n > record.MaxTitle {
				t.Errorf("task title has %d characters, more than the %d a task may have: the deal refuses it", n, record.MaxTitle)
			}
			equalLines(t, f.summary(t), lines("deal/d1 get", "deal/d1 schedule_reminder", "deal/d1 set_flag", "deal/d1 add_task"))
		})
	}
}
