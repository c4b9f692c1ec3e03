// Package stream is the websocket hub of the live dashboard: it fans the durable changes of
// leads, deals and accounts out to browser clients that subscribe to kinds, filters or single
// entities, at GET /api/v1/stream.
//
// # Model
//
// Every node publishes a state view of each change on core NATS (aida.state.<kind>.<id>, see
// runtime/bus); FromNATS turns each into an Update (the REST view and the change's timeline
// entries) and calls Hub.Publish. Publish never blocks: it puts the update in the hub's inbox,
// where a newer update of an entity still waiting takes the older one's place. Run's
// dispatcher takes the inbox in batches, remembers each entity's last version, status and
// owner, and offers each update to the subscriptions it matches, one client lock per batch.
// Each client has a bounded queue and one writer goroutine that writes the queue to its
// websocket; a client's read loop (the handler's goroutine) decodes its messages and manages
// its subscriptions. Snapshots, implemented over the store, gives a subscription its starting
// views.
//
// # Guarantees
//
//   - Latest view per entity. A client's queue holds at most one change per entity and
//     subscription: a newer version replaces the waiting one in place, an older one is dropped.
//     The hub drops an update whose version is not newer than the last it dispatched for that
//     entity. So, per subscription, versions of an entity only grow, and a client that keeps
//     its connection receives the newest version of every entity it follows, though not
//     necessarily every version in between.
//   - A slow client never slows anyone else: the dispatcher only appends to queues under a
//     short lock and never writes to a socket. Activity entries are not coalesced; when a
//     client's queue (256 frames by default) is full and another frame would not coalesce, the
//     client is dropped with close code 4000 "too slow". A client that takes no bytes at all is
//     cut off after the write timeout (10 s), one that sends nothing and answers no ping after
//     the idle timeout (45 s).
//   - Snapshot, then changes. A subscription is registered before its snapshot is read;
//     changes that arrive meanwhile wait, and are merged: a snapshot item older than a waiting
//     change is left out (the change follows the snapshot frame), a waiting change older than
//     the snapshot is dropped. Every subscribe is answered by one snapshot frame per kind it
//     names (through kinds or ids), possibly empty, before any change of it.
//   - Resume. After a reconnect a client sends what it has in since ("<kind>/<id>" → version);
//     entities it has at that version or later are left out of the snapshot and out of later
//     changes of that subscription. An ids subscription always gets the current view of each
//     id it lacks; a kind subscription resyncs through its snapshot.
//   - Filters see exits. A kind subscription with a filter gets the change that takes an
//     entity out of the filter (its view shows the new status), so a list can drop it. Of an
//     entity the hub has not seen since it started it gets the first change whatever the
//     status, as it cannot tell whether the entity left the filter; clients check the view.
//     The filter applies to kinds, not to ids.
//   - No durability. Views are live state, not a log: what is published while the hub is
//     down, or dropped at a full inbox (8192 entities waiting, counted), is not replayed; the
//     next snapshot or change of the entity carries the state. Timeline entries missed that
//     way stay in the entity's timeline endpoint.
//
// # Protocol
//
// JSON text frames. Client → server: subscribe {"type":"subscribe","sub","kinds","ids",
// "filter":{"status","owner"},"since","snapshot","activity"}, unsubscribe {"type":
// "unsubscribe","sub"}, ping {"type":"ping","at"}. Server → client: hello (server time,
// heartbeat interval, limits), snapshot {"sub","kind","items"}, change {"sub","kind","id",
// "version","view"}, activity {"sub","kind","id","entry"}, heartbeat (every heartbeat_ms of
// silence; a websocket ping goes with it), pong, and error {"sub","code","message"} with
// codes bad_json, bad_subscription, too_many_subscriptions, message_too_big, unknown_type and
// unavailable (the snapshot could not be read). The connection stays open after an error
// frame. Close codes: 1008 when the client sends more than message_bytes or floods (more than
// 20 messages a second sustained), 4000 when it is too slow, 1001 when the server stops.
// Limits: 16 subscriptions per connection, 100 ids and since entries per subscription,
// snapshots of at most 100 entities per kind, 16 KiB per client message; all are options.
//
// # Goroutines and locks
//
// Run's goroutine is the dispatcher; it ends when Run's context ends, after closing every
// client with 1001 and waiting for each to detach. Each connection has the handler's goroutine
// (the read loop) and the writer it starts and waits for; the handler returns only after the
// writer. Lock order: Hub.mu before a client's mu; the inbox's lock is taken alone.
package stream
