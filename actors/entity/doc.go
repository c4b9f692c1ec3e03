// Package entity is the actor shell every entity kind runs in, and the Gateway that routes
// commands to it. It knows no kind: a kind plugs in as a Behavior (actors/crm wires lead, deal
// and account).
//
// An entity actor owns one (kind, id). For each Command it:
//
//  1. loads its snapshot on the first command (a create sent to a fresh ID loads nothing),
//  2. decides the events: the commands every kind shares (get, notes, autonomy, work, signals,
//     reminders; record.IsShared) itself, through actors/record over the state's Traits, then
//     the kind's Follow hook for what they mean to the kind; any other command with the kind's
//     pure Decide (a domain error is the reply),
//  3. stamps each event (UUIDv7, actor, time, version) and folds it into the state: a shared
//     event with record.Apply (then the kind's Touch hook), the kind's own with its Apply,
//  4. appends events and snapshot to the store in one transaction, through group commit,
//  5. replies only after the append succeeded — nothing acknowledged is lost.
//
// A failed append, a version conflict included, discards the in-memory state: the next command
// reloads it from the store. A panic while handling a command is recovered by the shell: it is
// logged and counted (aida_actor_panics_total), the command is answered with an internal error,
// and the state is unloaded, so the next command reloads it from the store; the actor keeps
// running. Commands carry their caller's deadline; one that waited past it in the mailbox is
// answered "unavailable" without being applied, so an overloaded actor sheds load instead of
// queueing forever. An actor idle for PassivateAfter stops; its state is already in the store.
//
// The state is copied on write: persist applies events to a copy, which replaces the state once
// the append succeeded. Replies therefore share the state without copying it; whoever receives
// a reply reads it and never modifies it. Commands are read, never written: the Gateway hands
// the actor a copy of the caller's command.
package entity
