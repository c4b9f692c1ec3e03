// Package bus connects AIDA to NATS: an embedded nats-server with JetStream for one machine, a
// client connection with endless reconnects, the CRM_EVENTS stream, the CloudEvents envelope
// (api/event.Envelope) of journal entries, the journal relay, durable consumers and the live
// state views. Code that only reads the stream depends on runtime/consumer (the Message,
// Handler and Config that Bus.Consume runs), not on this package and NATS.
//
// # Subjects
//
//   - crm.<kind>.<event> (crm.lead.captured, crm.deal.won, crm.autonomy.level_changed …): one
//     CloudEvents 1.0 JSON message per journal entry, stored in the JetStream stream CRM_EVENTS
//     (subjects crm.>). The subject is the event type; api/event catalogues them all
//     (docs/events.md).
//   - aida.state.<kind>.<id>: the entity's state after a change, on core NATS only (not stored),
//     for live views. It is not under crm. on purpose: the stream would store it otherwise.
//
// # Users
//
// The embedded server accepts only the users of Users (LoadUsers generates their passwords):
// aida (the process's bus), commands (the command door, which may publish replies under _INBOX.
// and nothing else) and integration (inbound signals, commands, reading events). Permissions
// lists what each may do; docs/nats.md explains why. AIDA's own requests use the inbox prefix
// AidaInbox, which no other user may read or publish to.
//
// # Delivery guarantees
//
// The journal is the system of record and the outbox (DESIGN §4.6). The Relay reads
// unpublished journal rows in commit order from its Outbox (the store), publishes them to
// JetStream through its Publisher (the Bus) and marks them published only after JetStream
// acknowledged them. Hence:
//
//   - At least once from the journal, exactly once in the stream: each message carries
//     Nats-Msg-Id = the event ID, and JetStream drops a re-sent ID within the stream's duplicate
//     window (default 2 h). A row is re-sent only when its acknowledgement was lost (NATS outage,
//     relay or process crash between the ack and MarkPublished).
//   - Per-entity order: rows are published in commit order; only the longest acknowledged prefix
//     of a batch is marked published, and each message but the first of a batch carries
//     Nats-Expected-Last-Msg-Id = the previous row's event ID, so JetStream refuses a row whose
//     predecessor did not reach the stream (lost on a broken connection). The stream therefore
//     holds every entity's events in version order, without gaps. Other publishers on crm.> (for
//     example inbound signals) only cost the relay a retried round.
//   - No row is skipped: when NATS or the store is down, the relay retries with capped backoff,
//     starting again from the oldest unpublished row.
//   - State views (PublishState) are fire and forget: buffered by the client while disconnected,
//     dropped and counted when that buffer is full. A subscriber that needs every change reads the
//     stream instead.
//
// The embedded server's file store does not fsync each message unless SyncAlways is set; a
// message lost by a crash of the machine is still in the journal, but already marked published.
package bus
