// Package entity is the actor shell every lead, deal and account runs in, and the Gateway the
// edge talks to.
//
// An entity actor owns one (kind, id). For each Command it:
//
//  1. loads its snapshot on the first command (a create sent to a fresh ID loads nothing),
//  2. asks the kind's pure Decide for events (a domain error is the reply),
//  3. stamps each event (UUIDv7, actor, time, version) and folds it into the state with Apply,
//  4. appends events and snapshot to the store in one transaction, through group commit,
//  5. replies only after the append succeeded — nothing acknowledged is lost.
//
// A failed append, a version conflict included, discards the in-memory state: the next command
// reloads it from the store. A panic while handling a command is
// recovered by the shell: the command is answered with an internal error, the panic is logged
// and counted (aida_actor_panics_total), and the state is dropped, so the next command reloads it
// from the store. A panic elsewhere in the actor is protoactor's supervisor's to restart.
// Commands carry their caller's deadline; one that waited past it in the mailbox is answered
// "unavailable" without being applied, so an overloaded actor sheds load instead of queueing
// forever. An actor idle for PassivateAfter stops; its state is already in the store.
//
// The state is copied on write: persist applies events to a copy, which replaces the state once
// the append succeeded. Replies therefore share the state without copying it; whoever receives
// a reply reads it and never modifies it.
package entity
