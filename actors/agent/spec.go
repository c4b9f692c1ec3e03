package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aidacrm/aida/actors/deal"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/event"
)

// ErrUnknown: New was given a name the agent table does not have.
var ErrUnknown = errors.New("unknown agent")

// Spec is one row of the agent table: a background agent's name, the event types it reacts to,
// what it does, and how it handles each of those events.
type Spec struct {
	// Name names the agent in AIDA_AGENTS; its commands carry the actor agent:<name> and its
	// durable consumer is agent-<name>.
	Name string
	// Events are the event types it consumes (the filters of its consumer).
	Events []string
	// About says what it does, in one line.
	About string
	// May lists the commands it may send (their names in the command's body: add_task …):
	// an agent is a principal of its own, and a command outside its list is refused before it
	// reaches an entity. Reads (get) are always allowed.
	May    []string
	handle func(a *Agent, ctx context.Context, ev Event) error
}

// Specs returns the agent table, in the order the agents start.
func Specs() []Spec {
	return []Spec{
		{Name: "nurture", Events: []string{lead.TypeCaptured, lead.TypeStatusChanged, "crm.lead.reminder_fired"},
			About: "enrolls captured and qualified leads in sequences and drafts each step",
			May:   []string{"start_sequence", "advance_sequence"}, handle: (*Agent).nurture},
		{Name: "pipeline", Events: []string{deal.TypeCreated, deal.TypeStageChanged, deal.TypeUpdated, "crm.deal.reminder_fired"},
			About: "flags stale and overdue deals and gives their owners a task",
			May:   []string{"set_flag", "add_task", "schedule_reminder"}, handle: (*Agent).pipeline},
		{Name: "success", Events: []string{deal.TypeWon, "crm.account.reminder_fired"},
			About: "turns won deals into onboarded accounts and keeps their health score",
			May:   []string{"create_account", "start_onboarding", "schedule_reminder", "recompute_health", "add_task"}, handle: (*Agent).success},
		{Name: NameReader, Events: []string{event.SignalType(lead.Kind, event.EmailReplied), event.SignalType(lead.Kind, event.SMSReplied)},
			About: "reads each reply a lead sends (the model when configured, else offline rules) and acts on it: a task to answer or write again, an opt-out, a bounce, a referral's note",
			May:   []string{"add_note", "add_task", "record_signal", "record_ai_call"}, handle: (*Agent).read},
		{Name: NameAI, Events: []string{lead.TypeCaptured, lead.TypeUpdated},
			About: "asks the language model (AIDA_AI_*) to read each new or changed lead; runs only with an endpoint",
			May:   []string{"assess_lead", "record_ai_call"}, handle: (*Agent).brain},
	}
}

// Names returns the names of the agent table, in the order the agents start.
func Names() []string {
	specs := Specs()
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	return names
}

// New returns the agent of the table named name, acting on e; an unknown name is an error
// wrapping ErrUnknown.
func New(name string, e Entities, cfg Config) (*Agent, error) {
	for _, s := range Specs() {
		if s.Name == name {
			return s.New(e, cfg), nil
		}
	}
	return nil, fmt.Errorf("%w %q: the agents are %s", ErrUnknown, name, strings.Join(Names(), ", "))
}

// New returns the agent of s, acting on e.
func (s Spec) New(e Entities, cfg Config) *Agent {
	cfg.defaults()
	a := &Agent{name: s.Name, filters: s.Events, may: s.May, entities: e, cfg: cfg, metrics: newMetrics(cfg.Registerer, cfg.Logger)}
	a.handle = func(ctx context.Context, ev Event) error { return s.handle(a, ctx, ev) }
	return a
}
