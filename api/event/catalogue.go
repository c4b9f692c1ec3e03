// Package event is the catalogue of the events AIDA journals and publishes: every payload of
// aidapb.Event, the event types that carry it (crm.lead.captured …, which are also their NATS
// subjects) and who emits it; and the CloudEvents envelope they are published in. The relay,
// the golden-envelope tests, the agents' tests and docs/events.md are built from it.
package event

import (
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/aidacrm/aida/api/aidapb"
)

// Entry is one payload of aidapb.Event: the event types that carry it and who emits them.
type Entry struct {
	// Payload is the field of the aidapb.Event oneof "data" (lead_captured); Message derives
	// its message type from it.
	Payload protoreflect.Name
	// Types are the CloudEvents types that carry the payload; each is also the NATS subject
	// the relay publishes it on. An entity journals only the types of its own kind.
	Types []string
	// Kinds are the entity kinds that journal it: lead, deal, account.
	Kinds []string
	// Emitter says who causes it: the command, and which people, agents or services send it.
	Emitter string
}

// Message returns the descriptor of the payload's message (LeadCaptured …), or nil when
// Payload is not a field of the oneof.
func (e Entry) Message() protoreflect.MessageDescriptor {
	fd := DataFields().ByName(e.Payload)
	if fd == nil {
		return nil
	}
	return fd.Message()
}

// DataFields returns the fields of the aidapb.Event oneof "data": the payloads the catalogue
// has one entry for each.
func DataFields() protoreflect.FieldDescriptors {
	return (&aidapb.Event{}).ProtoReflect().Descriptor().Oneofs().ByName("data").Fields()
}

// The entity kinds, as in event types and subjects (crm.<kind>.…).
const (
	Lead    = "lead"
	Deal    = "deal"
	Account = "account"
)

// Prefix starts every event type and subject; the stream CRM_EVENTS stores crm.>.
const Prefix = "crm."

// InboundPrefix starts the subjects of inbound signals other services publish on the stream:
// crm.inbound.<signal> (crm.inbound.email.replied).
const InboundPrefix = Prefix + "inbound."

// Kinds returns the entity kinds in the order of the catalogue.
func Kinds() []string { return []string{Lead, Deal, Account} }

// Catalogue returns every entry, in the order of the aidapb.Event oneof: each payload once.
func Catalogue() []Entry {
	lead, deal, account, all := []string{Lead}, []string{Deal}, []string{Account}, Kinds()
	return []Entry{
		{"lead_captured", []string{"crm.lead.captured"}, lead, "capture_lead: people and clients (REST, NATS)"},
		{"lead_updated", []string{"crm.lead.updated"}, lead, "update_lead: people and clients"},
		{"lead_status_changed", []string{"crm.lead.status_changed"}, lead,
			"change_lead_status: people and clients; the lead itself when a new lead replies"},
		{"lead_archived", []string{"crm.lead.archived"}, lead, "archive_lead: people and clients"},
		{"lead_restored", []string{"crm.lead.restored"}, lead, "restore_lead: people and clients"},
		{"lead_converted", []string{"crm.lead.converted"}, lead, "convert_lead: people and clients, beside the new deal"},
		{"lead_qualified", []string{"crm.lead.qualified"}, lead,
			"the lead itself: its score and next actions after a change that moves them"},
		{"lead_assessed", []string{"crm.lead.assessed"}, lead,
			"assess_lead: the AI workers (actor ai), with a language model's ai_semantic score; a lead_qualified follows"},
		{"autonomy_changed", []string{"crm.autonomy.level_changed"}, all, "set_autonomy: people and clients"},
		{"note_added", perKind(all, "note_added"), all, "add_note: people and clients"},
		{"ai_called", perKind(all, "ai_called"), all,
			"record_ai_call and assess_lead: the AI workers (actor ai), one per call to a language model, whatever its outcome"},
		{"deal_created", []string{"crm.deal.created"}, deal, "create_deal: people and clients, and convert_lead"},
		{"deal_updated", []string{"crm.deal.updated"}, deal, "update_deal: people and clients; attaching the deal to an account"},
		{"deal_stage_changed", []string{"crm.deal.stage_changed", "crm.deal.won", "crm.deal.lost"}, deal,
			"change_deal_stage: people and clients; won and lost are the moves to closed_won and closed_lost"},
		{"account_created", []string{"crm.account.created"}, account,
			"create_account: people and clients; agent:success for the company of a won deal"},
		{"account_updated", []string{"crm.account.updated"}, account, "update_account: people and clients"},
		{"account_deal_attached", []string{"crm.account.deal_attached"}, account,
			"attach_deal: agent:success, when a deal of the company is won"},
		{"account_health_changed", []string{"crm.account.health_changed"}, account,
			"recompute_health (agent:success, people and clients) and record_signal, when the health category moves"},
		{"account_lifecycle_changed", []string{"crm.account.lifecycle_changed"}, account,
			"update_account: people and clients; start_onboarding, and the last complete_milestone"},
		{"reminder_set", perKind(all, "reminder_set"), all,
			"schedule_reminder: agent:pipeline, agent:success; a lead's sequence and an account's onboarding set their own"},
		{"reminder_cancelled", perKind(all, "reminder_cancelled"), all,
			"cancel_reminder; a lead's sequence and an account's onboarding cancel their own"},
		{"reminder_fired", perKind(all, "reminder_fired"), all, "fire_reminder: the reminder scheduler (actor reminder)"},
		{"task_added", perKind(all, "task_added"), all, "add_task: people, clients and agents; an approved task draft"},
		{"task_completed", perKind(all, "task_completed"), all, "complete_task: people and clients"},
		{"flag_set", perKind(all, "flag_set"), all, "set_flag: people, clients and agents; an approved flag draft"},
		{"flag_cleared", perKind(all, "flag_cleared"), all, "clear_flag: people and clients; a deal's stale flag on a person's change"},
		{"draft_created", perKind(all, "draft_created"), all,
			"draft_message: people, clients and agents; an agent's task or flag below its autonomy level; sequence steps"},
		{"draft_decided", append(perKind(all, "draft_approved"), perKind(all, "draft_discarded")...), all,
			"decide_draft: people only"},
		{"signal_received", signalTypes(all), all,
			"record_signal: inbound signals on `crm.inbound.>` (actor `inbound:<type>`), people and clients"},
		{"sequence_started", []string{"crm.lead.sequence_started"}, lead,
			"start_sequence: agent:nurture when a lead is captured or qualified; people and clients"},
		{"sequence_advanced", []string{"crm.lead.sequence_step_drafted"}, lead, "advance_sequence: agent:nurture"},
		{"sequence_stopped", []string{"crm.lead.sequence_stopped"}, lead,
			"stop_sequence: people and clients; the lead itself on a reply, a bounce or an opt-out"},
		{"sequence_completed", []string{"crm.lead.sequence_completed"}, lead, "advance_sequence, after the last step"},
		{"onboarding_started", []string{"crm.account.onboarding_started"}, account,
			"start_onboarding: agent:success after a won deal; people and clients"},
		{"milestone_completed", []string{"crm.account.milestone_completed"}, account, "complete_milestone: people and clients"},
		{"onboarding_completed", []string{"crm.account.onboarding_completed"}, account, "complete_milestone, for the last one"},
	}
}

// perKind returns crm.<kind>.<name> for each kind.
func perKind(kinds []string, name string) []string {
	types := make([]string, len(kinds))
	for i, k := range kinds {
		types[i] = Prefix + k + "." + name
	}
	return types
}

// signalTypes returns the event type of every signal on every kind.
func signalTypes(kinds []string) []string {
	var types []string
	for _, k := range kinds {
		for _, s := range Signals() {
			types = append(types, SignalType(k, s))
		}
	}
	return types
}

// Index finds catalogue entries by event type. Build it once with NewIndex and keep it.
type Index struct {
	entries []Entry
	byType  map[string]int
}

// NewIndex indexes the catalogue.
func NewIndex() *Index {
	x := &Index{entries: Catalogue(), byType: make(map[string]int)}
	for i, e := range x.entries {
		for _, t := range e.Types {
			x.byType[t] = i
		}
	}
	return x
}

// Lookup returns the entry of the event type typ (crm.deal.won), or false when the catalogue
// has none.
func (x *Index) Lookup(typ string) (Entry, bool) {
	i, ok := x.byType[typ]
	if !ok {
		return Entry{}, false
	}
	return x.entries[i], true
}
