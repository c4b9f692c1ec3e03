package agent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/aidacrm/aida/actors/account"
	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func accountReply(a *aidapb.Account) *aidapb.Reply {
	return &aidapb.Reply{View: &aidapb.Reply_Account{Account: a}}
}

func plan(deal string) *aidapb.Onboarding {
	return &aidapb.Onboarding{Template: account.TemplateStandard, DealId: deal, Status: account.PlanActive, Milestones: []*aidapb.Milestone{
		{Name: "account_setup", DueAt: ts(now.Add(7 * day)), Status: account.MilestoneDone, Priority: "high"},
		{Name: "initial_training", DueAt: ts(now.Add(15 * day)), Status: account.MilestonePending, Priority: "high"},
	}}
}

var healthPending = []*aidapb.ReminderRef{{Name: account.HealthReminder, Token: "h", DueAt: ts(now.Add(day))}}

func TestSuccessOnboardsWonDeal(t *testing.T) {
	tests := []struct {
		name       string
		created    *aidapb.Account // the account create_account answers with
		onboarded  *aidapb.Account // the account start_onboarding answers with
		calls      []string
		scheduling bool
	}{
		{"new account", &aidapb.Account{Id: "a1", Name: "Acme"},
			&aidapb.Account{Id: "a1", Name: "Acme", Onboarding: plan("d1")},
			lines("account/ create_account", "account/a1 start_onboarding", "account/a1 schedule_reminder"), true},
		{"onboarding started already", &aidapb.Account{Id: "a1", Onboarding: plan("d1")}, nil,
			lines("account/ create_account", "account/a1 schedule_reminder"), true},
		{"redelivery", &aidapb.Account{Id: "a1", Onboarding: plan("d1"), Reminders: healthPending}, nil,
			lines("account/ create_account"), false},
		{"health pending after onboarding", &aidapb.Account{Id: "a1"},
			&aidapb.Account{Id: "a1", Onboarding: plan("d1"), Reminders: healthPending},
			lines("account/ create_account", "account/a1 start_onboarding"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := prometheus.NewRegistry()
			f := &fakeEntities{
				create: func(kind string, cmd *aidapb.Command) (*aidapb.Reply, error) { return accountReply(tt.created), nil },
				onboard: func(id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
					if tt.onboarded == nil {
						t.Error("start_onboarding for an account onboarded already")
					}
					return accountReply(tt.onboarded), nil
				},
			}
			cfg := testConfig()
			cfg.HealthEvery = 12 * time.Hour
			cfg.Registerer = reg
			a := byName("success", f, cfg)
			if err := a.Handle(context.Background(), message(t, deal.TypeWon, "deal/d1", nil)); err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.summary(t), tt.calls)

			c := f.only(t, "create_account")
			if c.method != "create" || c.kind != account.Kind || c.cmd.GetActor() != "agent:success" {
				t.Errorf("create = %s %s by %q", c.method, c.kind, c.cmd.GetActor())
			}
			if deals := c.cmd.GetCreateAccount().GetDeals(); len(deals) != 1 || deals[0].GetDealId() != "d1" {
				t.Errorf("create_account deals = %v, want [d1]", deals)
			}
			want := 1.0
			if tt.onboarded != nil {
				o := f.only(t, "start_onboarding")
				if o.method != "start_onboarding" || o.cmd.GetActor() != "agent:success" ||
					o.cmd.GetStartOnboarding().GetPlan().GetDealId() != "d1" || o.cmd.GetStartOnboarding().GetReason() == "" {
					t.Errorf("start_onboarding = %s %v", o.method, o.cmd)
				}
			} else {
				want = 0
			}
			if got := testutil.ToFloat64(a.metrics.commandsTotal.WithLabelValues("success", "create_account")); got != 1 {
				t.Errorf("create_account commands counted %v, want 1", got)
			}
			if got := testutil.ToFloat64(a.metrics.commandsTotal.WithLabelValues("success", "start_onboarding")); got != want {
				t.Errorf("start_onboarding commands counted %v, want %v", got, want)
			}
			if !tt.scheduling {
				return
			}
			if due := scheduled(t, f, account.HealthReminder, "agent:success"); !due.Equal(now.Add(12 * time.Hour)) {
				t.Errorf("health check due %s, want HealthEvery from now", due)
			}
		})
	}
}

func TestSuccessOnboardFailures(t *testing.T) {
	down := fault.New(fault.Unavailable, "down")
	refused := fault.New(fault.Transition, "the account was onboarded from deal d0 already")
	tests := []struct {
		name            string
		create, onboard error
		retry           bool
		calls           []string
	}{
		{"create unavailable", down, nil, true, lines("account/ create_account")},
		{"create refused", fault.New(fault.NotFound, "deal d1"), nil, false, lines("account/ create_account")},
		{"onboarding unavailable", nil, down, true, lines("account/ create_account", "account/a1 start_onboarding")},
		{"onboarding refused", nil, refused, false, lines("account/ create_account", "account/a1 start_onboarding")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEntities{
				create: func(string, *aidapb.Command) (*aidapb.Reply, error) {
					if tt.create != nil {
						return nil, tt.create
					}
					return accountReply(&aidapb.Account{Id: "a1"}), nil
				},
				onboard: func(string, *aidapb.Command) (*aidapb.Reply, error) { return nil, tt.onboard },
			}
			err := byName("success", f, testConfig()).Handle(context.Background(), message(t, deal.TypeWon, "deal/d1", nil))
			if tt.retry != (err != nil) {
				t.Fatalf("Handle = %v, want an error: %v", err, tt.retry)
			}
			equalLines(t, f.summary(t), tt.calls)
		})
	}
}

func TestSuccessHealth(t *testing.T) {
	tests := []struct {
		name    string
		account *aidapb.Account
		calls   []string
	}{
		{"active", &aidapb.Account{Id: "a1", Lifecycle: account.Active},
			lines("account/a1 recompute_health", "account/a1 schedule_reminder")},
		{"at risk", &aidapb.Account{Id: "a1", Lifecycle: account.AtRisk},
			lines("account/a1 recompute_health", "account/a1 schedule_reminder")},
		{"churned", &aidapb.Account{Id: "a1", Lifecycle: account.Churned},
			lines("account/a1 recompute_health")},
		{"pending already", &aidapb.Account{Id: "a1", Lifecycle: account.Active, Reminders: healthPending},
			lines("account/a1 recompute_health")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEntities{send: func(kind, id string, cmd *aidapb.Command) (*aidapb.Reply, error) {
				if cmd.GetRecomputeHealth() != nil {
					return accountReply(tt.account), nil
				}
				return &aidapb.Reply{}, nil
			}}
			m := message(t, "crm.account.reminder_fired", "account/a1", reminderFired(account.HealthReminder, now))
			if err := byName("success", f, testConfig()).Handle(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.summary(t), tt.calls)
			if r := f.only(t, "recompute_health"); r.cmd.GetActor() != "agent:success" || r.cmd.GetRecomputeHealth().GetReason() == "" {
				t.Errorf("recompute_health = %v", r.cmd)
			}
			if len(tt.calls) == 2 {
				if due := scheduled(t, f, account.HealthReminder, "agent:success"); !due.Equal(now.Add(DefaultHealthEvery)) {
					t.Errorf("next health check %s, want a day from now", due)
				}
			}
		})
	}
}

func TestSuccessHealthRecomputeFails(t *testing.T) {
	down := fault.New(fault.Unavailable, "down")
	f := &fakeEntities{send: func(string, string, *aidapb.Command) (*aidapb.Reply, error) { return nil, down }}
	m := message(t, "crm.account.reminder_fired", "account/a1", reminderFired(account.HealthReminder, now))
	if err := byName("success", f, testConfig()).Handle(context.Background(), m); !errors.Is(err, down) {
		t.Fatalf("Handle = %v, want %v", err, down)
	}
	equalLines(t, f.summary(t), lines("account/a1 recompute_health"))
}

func TestSuccessMilestone(t *testing.T) {
	acc := &aidapb.Account{Id: "a1", Name: "Acme", Owner: "user:ann", Onboarding: plan("d1")}
	get := func(kind, id string) (*aidapb.Reply, error) {
		if kind != account.Kind || id != "a1" {
			return nil, fault.New(fault.NotFound, "%s/%s", kind, id)
		}
		return accountReply(acc), nil
	}
	due := now.Add(-time.Hour)
	tests := []struct {
		name  string
		calls []string
	}{
		{"initial_training", lines("account/a1 get", "account/a1 add_task")},
		{"account_setup", lines("account/a1 get")}, // done
		{"kickoff_call", lines("account/a1 get")},  // not in the plan
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeEntities{get: get, send: validWork(account.Kind)}
			m := message(t, "crm.account.reminder_fired", "account/a1", reminderFired(account.MilestonePrefix+tt.name, due))
			if err := byName("success", f, testConfig()).Handle(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			equalLines(t, f.summary(t), tt.calls)
			if len(tt.calls) == 1 {
				return
			}
			c := f.only(t, "add_task")
			task := c.cmd.GetAddTask()
			if c.cmd.GetActor() != "agent:success" || task.GetKey() != "milestone.initial_training" ||
				task.GetTitle() != "Onboarding Acme: initial training is due" || !strings.Contains(task.GetReason(), "standard") {
				t.Errorf("add_task = %v by %q", task, c.cmd.GetActor())
			}
			if !task.GetDueAt().AsTime().Equal(due.Add(3 * day)) {
				t.Errorf("task due %s, want 3 days after the milestone", task.GetDueAt().AsTime())
			}
		})
	}
}

func TestSuccessIgnoresOtherReminders(t *testing.T) {
	for _, name := range []string{"", "pipeline", "healthy", "milestone"} {
		f := &fakeEntities{}
		m := message(t, "crm.account.reminder_fired", "account/a1", reminderFired(name, now))
		if err := byName("success", f, testConfig()).Handle(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		equalLines(t, f.summary(t), nil)
	}
}

// TestSuccessMilestoneLongName: an account may have a name of account.MaxName characters; the
// milestone task the agent gives its owner must still be one the account accepts.
func TestSuccessMilestoneLongName(t *testing.T) {
	acc := &aidapb.Account{Id: "a1", Name: strings.Repeat("x", account.MaxName), Onboarding: plan("d1")}
	f := &fakeEntities{get: func(string, string) (*aidapb.Reply, error) { return accountReply(acc), nil }, send: validWork(account.Kind)}
	m := message(t, "crm.account.reminder_fired", "account/a1", reminderFired(account.MilestonePrefix+"initial_training", now))
	if err := byName("success", f, testConfig()).Handle(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	title := f.only(t, "add_task").cmd.GetAddTask().GetTitle()
	if n := len([]rune(title)); n > record.MaxTitle {
		t.Errorf("task title has %d characters, more than the %d a task may have: the account refuses it and the owner gets no task", n, record.MaxTitle)
	}
}
