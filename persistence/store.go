package persistence

import (
	"context"
	"time"

	"github.com/aidacrm/aida/api/listing"
)

// Record is an entity's snapshot row.
type Record struct {
	Kind      string
	ID        string
	Version   int64  // the version of the last journaled event; 0 for none
	State     []byte // the state as JSON (protojson of the api/aidapb message)
	Index     Index
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Index holds the columns a snapshot is listed and filtered by, beside its JSON state: the
// listing.Index a kind computes. Empty strings are stored as NULL.
type Index = listing.Index

// Entry is one journal row.
type Entry struct {
	Kind      string
	ID        string
	Version   int64
	EventID   string // UUIDv7, unique across the journal
	Type      string // crm.lead.captured …
	Actor     string
	Time      time.Time
	Data      []byte // the event as JSON (protojson of aidapb.Event)
	Published bool
}

// Append is one entity's atomic change: its new journal entries and its new snapshot.
// Events[i].Version must be ExpectedVersion+i+1 and Snapshot.Version the last of them.
type Append struct {
	ExpectedVersion int64
	Events          []Entry
	Snapshot        Record
	// Reminders are the entity's reminder changes, applied in the same transaction as the
	// events: a reminder is scheduled exactly when the change that asked for it is durable.
	Reminders []ReminderChange
}

// Reminder is a durable timer of one entity: at DueAt the scheduler delivers it to the entity's
// actor. Name is unique per entity; setting a reminder of the same name replaces it.
type Reminder struct {
	Kind     string
	ID       string
	Name     string
	Token    string    // identifies this setting: a replaced reminder gets a new token
	DueAt    time.Time // stored with microsecond precision, returned in UTC
	Payload  []byte    // JSON, opaque to the store; empty is stored as {}
	Attempts int       // failed deliveries so far
}

// ReminderChange sets or cancels one reminder of the appending entity (Kind and ID come from
// the append's snapshot).
type ReminderChange struct {
	Cancel bool     // delete the reminder Set.Name (only if its token is Set.Token, when not empty)
	Set    Reminder // when !Cancel: create or replace the reminder Set.Name with Attempts 0
}

// Query selects snapshots of one kind, in the order Sort names (sort.go); the default is newest
// first (created_at desc, id desc).
type Query struct {
	Kind   string
	Status string
	// ExcludeStatus leaves out the snapshots with this status (snapshots without a status stay):
	// lead lists leave out archived leads unless asked for. Ignored when Status is set.
	ExcludeStatus string
	Source        string
	Owner         string
	// VisibleTo, when set, keeps only the snapshots owned by this name or by nobody: a rep's
	// view of the entities (owner scoping).
	VisibleTo string
	MinScore  int32  // 0: no filter
	Limit     int    // 1..500; 0 means 50 (PageSize)
	Cursor    string // NextCursor of the previous page of the same order
	Sort      string // one of Sorts(); "" is SortNewest
}

// Page is one page of a list. NextCursor is empty on the last page.
type Page struct {
	Records    []Record
	NextCursor string
}

// Tally is one (status, level) group of the snapshots of a kind: how many there are and what
// their amounts add up to. Sums are exact: both backends add integers or numerics, never floats.
type Tally struct {
	Status string // "" for snapshots without a status
	Level  int32
	Count  int64
	// Amount is the sum of the amounts, with 2 decimals ("0.00" when none has one).
	Amount string
	// Weighted is the exact sum of amount × score / 100 (a deal's value × its probability),
	// not rounded: 2 to 4 decimals for amounts of 2 places. Add tallies, then round once.
	// Snapshots without a score weigh 0.
	Weighted string
}

// Store is the contract every backend meets (sqlite, postgres); persistence/storetest checks
// it. Its methods fall in six roles, and each user declares the role it needs where it uses
// it, so that no component holds more of the store than it calls:
//
//	role         methods                                                    declared by
//	entities     Load, Append, FindUnique                                   actors/entity (Loader, Reader), Group (Committer)
//	queries      List, Aggregate, Journal                                   actors/entity (Reader), edge/stats (Source)
//	outbox       Unpublished, MarkPublished                                 runtime/bus (Outbox, the relay)
//	reminders    DueReminders, NextReminder, RetryReminder, DeleteReminder  runtime/reminder (Store, the scheduler)
//	keys         CreateKey, LoadKey, Keys, RevokeKey, TouchKey              policies/access (Store)
//	idempotency  ReserveIdempotency, CompleteIdempotency,                   edge/idempotency (Store)
//	             ReleaseIdempotency, PurgeIdempotency
//
// Ping and Close belong to whoever owns the store (cmd/aida).
type Store interface {
	// Entities.

	// Load returns the snapshot of (kind, id) or ErrNotFound.
	Load(ctx context.Context, kind, id string) (Record, error)
	// Append commits the appends; the result holds one error (nil on success) per item, in
	// order. Items that succeed are durable when Append returns. A malformed item (see
	// Validate) fails alone with an error wrapping ErrInvalid. A context or connection failure
	// fails every item with an error wrapping ErrUnavailable.
	Append(ctx context.Context, batch []Append) []error
	// FindUnique returns the ID of the entity of kind holding the unique key, or ErrNotFound.
	FindUnique(ctx context.Context, kind, key string) (string, error)

	// Queries.

	// List returns a page of snapshots matching q, in the order q.Sort, read in that order from
	// an index. Paging is by key: a page starts after the sort key and id of the cursor's row,
	// so rows inserted meanwhile neither repeat nor hide rows of later pages (a row whose key
	// changes meanwhile, as an update does in the updated_at orders, may be met twice or not at
	// all). A malformed cursor, or one made for another order, is an error wrapping
	// ErrBadCursor; an unknown q.Sort one wrapping ErrBadSort.
	List(ctx context.Context, q Query) (Page, error)
	// Aggregate counts the snapshots of kind per (status, level) and sums their amounts, from
	// the indexed columns (an index-only scan, never the JSON state). Tallies come ordered by
	// status, then level; a kind without snapshots has none.
	Aggregate(ctx context.Context, kind string) ([]Tally, error)
	// Journal returns up to limit entries of (kind, id) with version > after, in version order.
	// A non-positive limit means 500 (EntryLimit), here and in Unpublished.
	Journal(ctx context.Context, kind, id string, after int64, limit int) ([]Entry, error)

	// Outbox.

	// Unpublished returns up to limit unpublished entries, oldest commit first.
	Unpublished(ctx context.Context, limit int) ([]Entry, error)
	// MarkPublished marks the entries with these event IDs published.
	MarkPublished(ctx context.Context, eventIDs []string) error

	// Reminders.

	// DueReminders returns up to limit reminders with DueAt <= now, earliest first.
	DueReminders(ctx context.Context, now time.Time, limit int) ([]Reminder, error)
	// NextReminder returns the earliest DueAt of all reminders, or ErrNotFound when there is none.
	NextReminder(ctx context.Context) (time.Time, error)
	// RetryReminder moves the reminder (kind, id, name) to next and counts a failed attempt, if
	// its token is still token; otherwise it does nothing.
	RetryReminder(ctx context.Context, kind, id, name, token string, next time.Time) error
	// DeleteReminder deletes the reminder (kind, id, name) if its token is still token.
	DeleteReminder(ctx context.Context, kind, id, name, token string) error

	// Keys. Times are stored with microsecond precision and returned in UTC.

	// CreateKey stores a new key; an ID that is taken gives an error wrapping ErrDuplicate.
	CreateKey(ctx context.Context, k Key) error
	// LoadKey returns the key with this ID, revoked or not, or ErrNotFound.
	LoadKey(ctx context.Context, id string) (Key, error)
	// Keys returns every key, revoked ones included, oldest first (then by ID). Keys are few
	// (people and services, not end users): there is no paging.
	Keys(ctx context.Context) ([]Key, error)
	// RevokeKey marks the key revoked at at; a key already revoked keeps its first revocation
	// time. An unknown ID gives ErrNotFound.
	RevokeKey(ctx context.Context, id string, at time.Time) error
	// TouchKey records that the key was used at at, unless a later use is recorded already.
	// An unknown ID is no error.
	TouchKey(ctx context.Context, id string, at time.Time) error

	// Idempotency keys. A row is identified by (Scope, Key); times are stored with microsecond
	// precision and returned in UTC.

	// ReserveIdempotency stores rec as running (Done false, no answer) unless a row of
	// (rec.Scope, rec.Key) exists that was created at or after stale; a row created before stale
	// is replaced. It returns (rec as stored, true) when it reserved, else (the existing row,
	// false). Of concurrent reservers of one key exactly one reserves.
	ReserveIdempotency(ctx context.Context, rec IdempotencyRecord, stale time.Time) (IdempotencyRecord, bool, error)
	// CompleteIdempotency saves the answer (Status, ContentType, Location, Body) of the running
	// row of (rec.Scope, rec.Key) with rec.Fingerprint and marks it done. Without such a row it
	// does nothing.
	CompleteIdempotency(ctx context.Context, rec IdempotencyRecord) error
	// ReleaseIdempotency deletes the row of (scope, key) if it is still running, so that a retry
	// may run; a done row stays.
	ReleaseIdempotency(ctx context.Context, scope, key string) error
	// PurgeIdempotency deletes the rows created before before, running or done, and returns how
	// many it deleted.
	PurgeIdempotency(ctx context.Context, before time.Time) (int64, error)

	// Lifecycle.

	// Ping tells whether the store is reachable.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}
