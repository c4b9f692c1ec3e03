package persistence

import (
	"encoding/json"
	"fmt"
)

// Validate checks an append's shape before a backend writes it: a snapshot with a kind and an
// id, a non-negative ExpectedVersion, at least one event, event versions dense after
// ExpectedVersion, events of that entity only and with an event ID, and a snapshot version equal
// to the last event's, and well-formed reminder changes (a name; a token, a due time
// and a JSON payload or none when setting). A bad append gives an error wrapping ErrInvalid.
func Validate(a Append) error {
	snap := a.Snapshot
	switch {
	case snap.Kind == "" || snap.ID == "":
		return fmt.Errorf("append: snapshot without kind or id: %w", ErrInvalid)
	case a.ExpectedVersion < 0:
		return fmt.Errorf("append %s/%s: negative expected version: %w", snap.Kind, snap.ID, ErrInvalid)
	case len(a.Events) == 0:
		return fmt.Errorf("append %s/%s: no events: %w", snap.Kind, snap.ID, ErrInvalid)
	}
	for i, e := range a.Events {
		want := a.ExpectedVersion + int64(i) + 1
		if e.Version != want {
			return fmt.Errorf("append %s/%s: event %d has version %d, want %d: %w",
				snap.Kind, snap.ID, i, e.Version, want, ErrInvalid)
		}
		if (e.Kind != "" && e.Kind != snap.Kind) || (e.ID != "" && e.ID != snap.ID) {
			return fmt.Errorf("append %s/%s: event %d is for %s/%s: %w", snap.Kind, snap.ID, i, e.Kind, e.ID, ErrInvalid)
		}
		if e.EventID == "" {
			return fmt.Errorf("append %s/%s: event %d without event id: %w", snap.Kind, snap.ID, i, ErrInvalid)
		}
	}
	if last := a.Events[len(a.Events)-1].Version; snap.Version != last {
		return fmt.Errorf("append %s/%s: snapshot version %d, last event %d: %w",
			snap.Kind, snap.ID, snap.Version, last, ErrInvalid)
	}
	for i, c := range a.Reminders {
		if err := validateReminder(snap, c); err != nil {
			return fmt.Errorf("append %s/%s: reminder change %d: %w", snap.Kind, snap.ID, i, err)
		}
	}
	return nil
}

// validateReminder checks one reminder change of the entity of snap: a name, no other entity's
// kind or id, and, when it sets, a token, a due time and a JSON payload (or none).
func validateReminder(snap Record, c ReminderChange) error {
	r := c.Set
	switch {
	case r.Name == "":
		return fmt.Errorf("no name: %w", ErrInvalid)
	case (r.Kind != "" && r.Kind != snap.Kind) || (r.ID != "" && r.ID != snap.ID):
		return fmt.Errorf("%q is for %s/%s: %w", r.Name, r.Kind, r.ID, ErrInvalid)
	case c.Cancel:
		return nil
	case r.Token == "":
		return fmt.Errorf("%q set without token: %w", r.Name, ErrInvalid)
	case r.DueAt.IsZero():
		return fmt.Errorf("%q set without due time: %w", r.Name, ErrInvalid)
	case len(r.Payload) > 0 && !json.Valid(r.Payload):
		return fmt.Errorf("%q payload is not JSON: %w", r.Name, ErrInvalid)
	}
	return nil
}

// Writer is what a backend gives to Writer.Append: its write transaction and how to read the
// errors of that transaction. Backends keep their SQL; Writer keeps the order of the attempts.
type Writer struct {
	// Tx writes the items batch[idx…] in one transaction. It returns each item's own error
	// (nil, a conflict, a unique key another entity holds), in the order of idx, or the error
	// that failed the transaction, in which case it wrote nothing.
	Tx func(idx []int) ([]error, error)
	// Refused tells whether an error of Tx is the store refusing a statement (a constraint, a
	// deadlock): the store is there, so items may be written alone. Any other error means the
	// store cannot serve now (no connection, an ended context).
	Refused func(err error) bool
	// ItemError maps the refusal that failed the transaction of batch[i], written alone, to the
	// contract's errors (ErrConflict, *UniqueError …).
	ItemError func(i int, err error) error
}

// Append runs Store.Append's attempts for a backend: it validates every item (Validate), writes
// the valid ones with one Tx, and, if the store refuses that transaction, writes each valid item
// alone in its own Tx, so a failing item fails alone. When the store cannot serve, every item
// still to write fails with an error wrapping ErrUnavailable. The result holds one error (nil on
// success) per item of batch, in order.
func (w Writer) Append(batch []Append) []error {
	errs := make([]error, len(batch))
	valid := make([]int, 0, len(batch))
	for i, a := range batch {
		if err := Validate(a); err != nil {
			errs[i] = err
			continue
		}
		valid = append(valid, i)
	}
	if len(valid) == 0 {
		return errs
	}
	itemErrs, err := w.Tx(valid)
	if err == nil {
		for j, i := range valid {
			errs[i] = itemErrs[j]
		}
		return errs
	}
	if !w.Refused(err) {
		for _, i := range valid {
			errs[i] = fmt.Errorf("append: %w", Unavailable(err))
		}
		return errs
	}
	for _, i := range valid {
		itemErrs, err := w.Tx([]int{i})
		switch {
		case err == nil:
			errs[i] = itemErrs[0]
		case !w.Refused(err):
			errs[i] = fmt.Errorf("append: %w", Unavailable(err))
		default:
			errs[i] = w.ItemError(i, err)
		}
	}
	return errs
}
