// Package agent holds AIDA's background agents: long-running workers that read the event stream
// (JetStream, through durable consumers: runtime/consumer) and act on entities by sending them
// commands, never by writing the store. Everything an agent does is therefore an entity's own decision, journaled
// on that entity with the agent as its actor ("agent:nurture") and published like any change.
//
// The agent table (Specs) lists them once, with the event types each reacts to; New makes one
// by name.
//
//   - nurture enrolls a captured lead in the welcome sequence and a qualified lead in the nurture
//     sequence (lead.Sequences), and drafts each step's message when the lead's sequence reminder
//     fires. The lead stops its own sequence on a reply, a bounce or an opt-out.
//   - pipeline watches every open deal with one reminder: when it fires, a deal without activity
//     for StaleAfter is flagged stale and its owner gets a task; a deal whose expected close date
//     passed is flagged overdue, with a task too.
//   - success turns a won deal into an account (created, or the deal attached to the company's
//     account), starts its onboarding plan (account.Plan: milestones as reminders), gives the owner
//     a task as each milestone falls due, and recomputes the health score every HealthEvery.
//
// # Guarantees
//
// Delivery from the stream is at least once, so every reaction is idempotent: sequence steps are
// numbered, tasks carry keys, flags and reminders are set by name, and an entity ignores what
// it has already applied. An agent is a singleton per durable consumer: on several nodes, the
// JetStream consumer hands each message to one of them. A handler that panics is recovered,
// logged and its message redelivered after a backoff; a command that fails for a transient
// reason (the store or an actor unavailable) is retried the same way, while a command the entity
// refuses (the lead was archived meanwhile) is logged and the message acknowledged.
//
// Autonomy: agents ask, entities decide. Below L2 a task or flag an agent asks for becomes a
// draft for a person (record.DecideWork); sequence messages are always drafts until the
// communications channel exists.
package agent
