// Package persistence holds the storage contract of AIDA: a Store keeps, for every entity, a
// snapshot row (its current state as JSON, its version and a few indexed columns for listing)
// and an append-only journal of the events that produced it.
//
// Guarantees every backend gives:
//
//   - Append writes an entity's journal rows and its snapshot in one transaction, guarded by the
//     expected version (optimistic concurrency). Once Append returns nil, the write is durable:
//     it survives a crash of the process (SQLite in WAL mode with synchronous=FULL; PostgreSQL
//     with its default synchronous_commit).
//   - A batch of appends from many entities commits together when every item is valid. An item
//     that conflicts (ErrConflict) or takes a unique key another entity holds (*UniqueError)
//     fails alone; the other items of the batch still commit.
//   - Journal versions of one entity are dense and increasing (1, 2, 3 …); the journal is read in
//     version order.
//   - An append's reminder changes (Append.Reminders) commit in its transaction: a reminder is
//     set, replaced (new token, attempts back to 0) or cancelled exactly when the entity's events
//     are durable, and not at all when the item fails. DueReminders reads due reminders earliest
//     first; RetryReminder and DeleteReminder act only while the reminder keeps the token the
//     caller saw, so they never touch a reminder the entity has replaced since.
//   - Reads for lists and dashboards never parse the JSON state: List reads every order
//     (Sorts) from an index, paging by key; Aggregate counts and sums from an index of (kind,
//     status, level) that also holds score and amount. Their sums are exact (integers or
//     numerics, never floats).
//   - The journal is also the outbox: every row starts unpublished; Unpublished returns them in
//     commit order per entity, and MarkPublished marks them.
//   - API keys (Key) are rows of their own, outside the journal: a key is created, revoked
//     (once; the first revocation time stays) and touched, each change durable when the call
//     returns. Only the hash of a key's secret is stored.
//   - Idempotency keys (IdempotencyRecord) are rows of their own too, one per (scope, key):
//     reserved while their request runs, completed with its answer, released when it failed,
//     purged when old. Of concurrent reservers of one key exactly one reserves.
//
// Store is one contract for the backends and persistence/storetest; its users each declare the
// role they call (entities, queries, outbox, reminders, keys, idempotency: see Store), never
// the whole of it.
//
// Group (group.go) batches the appends of many concurrent callers into few transactions.
//
// What backends share lives here too: Validate (the shape of an Append), Writer (the attempts
// of Store.Append: the batch in one transaction, then each item alone), the list cursor
// (EncodeCursor, DecodeCursor), the list orders (Sorts, OrderOf), the sums of Aggregate (Sums,
// SortTallies) and the limits (PageSize, EntryLimit). Backends keep their SQL.
package persistence
