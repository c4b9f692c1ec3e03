package persistence_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aidacrm/aida/persistence"
)

// change is a valid append of n events to lead id after version from.
func change(id string, from int64, n int) persistence.Append {
	a := persistence.Append{ExpectedVersion: from}
	for v := from + 1; v <= from+int64(n); v++ {
		a.Events = append(a.Events, persistence.Entry{Kind: "lead", ID: id, Version: v, EventID: fmt.Sprintf("ev-%s-%d", id, v)})
	}
	a.Snapshot = persistence.Record{Kind: "lead", ID: id, Version: from + int64(n)}
	return a
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(a *persistence.Append)
		valid bool
	}{
		{"valid create", func(*persistence.Append) {}, true},
		{"valid update", func(a *persistence.Append) { *a = change("l1", 4, 3) }, true},
		{"events without kind and id", func(a *persistence.Append) { a.Events[0].Kind, a.Events[0].ID = "", "" }, true},
		{"no kind", func(a *persistence.Append) { a.Snapshot.Kind = "" }, false},
		{"no id", func(a *persistence.Append) { a.Snapshot.ID = "" }, false},
		{"negative expected version", func(a *persistence.Append) { a.ExpectedVersion = -1 }, false},
		{"no events", func(a *persistence.Append) { a.Events = nil }, false},
		{"version gap", func(a *persistence.Append) { a.Events[1].Version = 3; a.Snapshot.Version = 3 }, false},
		{"first version not after expected", func(a *persistence.Append) { a.ExpectedVersion = 1 }, false},
		{"event of another kind", func(a *persistence.Append) { a.Events[1].Kind = "deal" }, false},
		{"event of another id", func(a *persistence.Append) { a.Events[0].ID = "l2" }, false},
		{"event without event id", func(a *persistence.Append) { a.Events[1].EventID = "" }, false},
		{"snapshot version not the last", func(a *persistence.Append) { a.Snapshot.Version = 4 }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := change("l1", 0, 2)
			tc.edit(&a)
			err := persistence.Validate(a)
			if tc.valid {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, persistence.ErrInvalid) {
				t.Fatalf("got %v, want an error wrapping ErrInvalid", err)
			}
		})
	}
}

var (
	errRefused = errors.New("refused: unique violation")
	errDown    = errors.New("connection reset")
	errHeld    = &persistence.UniqueError{Kind: "lead", Key: "a@b.c", ExistingID: "l9"}
)

// fakeTx answers Writer.Tx from tables: the batch attempt's error, and per item the error of
// its own transaction (refused, down) or its item error. It records the indices of each call.
type fakeTx struct {
	batchErr error
	txErr    map[int]error // error failing item i's own transaction
	itemErr  map[int]error // item i's own error when its transaction commits
	calls    [][]int
}

func (f *fakeTx) writer() persistence.Writer {
	return persistence.Writer{
		Tx: func(idx []int) ([]error, error) {
			f.calls = append(f.calls, slices.Clone(idx))
			if len(idx) > 1 && f.batchErr != nil {
				return nil, f.batchErr
			}
			if len(idx) == 1 && f.txErr[idx[0]] != nil {
				return nil, f.txErr[idx[0]]
			}
			errs := make([]error, len(idx))
			for j, i := range idx {
				errs[j] = f.itemErr[i]
			}
			return errs, nil
		},
		Refused: func(err error) bool { return !errors.Is(err, errDown) },
		ItemError: func(i int, err error) error {
			return fmt.Errorf("item %d: %w: %w", i, persistence.ErrConflict, err)
		},
	}
}

func TestWriterAppend(t *testing.T) {
	bad := change("bad", 0, 1)
	bad.Events = nil
	batch := []persistence.Append{change("l0", 0, 1), bad, change("l2", 0, 1), change("l3", 0, 1)}
	tests := []struct {
		name  string
		tx    fakeTx
		calls [][]int
		want  []error // per item, the error errors.Is must find; nil for success
	}{
		{
			name:  "one transaction",
			tx:    fakeTx{itemErr: map[int]error{3: errHeld}},
			calls: [][]int{{0, 2, 3}},
			want:  []error{nil, persistence.ErrInvalid, nil, persistence.ErrDuplicate},
		},
		{
			name:  "refused batch, then one by one",
			tx:    fakeTx{batchErr: errRefused, txErr: map[int]error{2: errRefused}, itemErr: map[int]error{3: errHeld}},
			calls: [][]int{{0, 2, 3}, {0}, {2}, {3}},
			want:  []error{nil, persistence.ErrInvalid, persistence.ErrConflict, persistence.ErrDuplicate},
		},
		{
			name:  "down on the batch fails every valid item",
			tx:    fakeTx{batchErr: errDown},
			calls: [][]int{{0, 2, 3}},
			want:  []error{persistence.ErrUnavailable, persistence.ErrInvalid, persistence.ErrUnavailable, persistence.ErrUnavailable},
		},
		{
			name:  "down while one by one fails that item",
			tx:    fakeTx{batchErr: errRefused, txErr: map[int]error{0: errDown}},
			calls: [][]int{{0, 2, 3}, {0}, {2}, {3}},
			want:  []error{persistence.ErrUnavailable, persistence.ErrInvalid, nil, nil},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.tx.writer().Append(batch)
			if len(errs) != len(batch) {
				t.Fatalf("%d errors for %d items", len(errs), len(batch))
			}
			for i, want := range tc.want {
				if (want == nil) != (errs[i] == nil) || (want != nil && !errors.Is(errs[i], want)) {
					t.Errorf("item %d: got %v, want %v", i, errs[i], want)
				}
			}
			if !slices.EqualFunc(tc.tx.calls, tc.calls, slices.Equal) {
				t.Errorf("transactions %v, want %v", tc.tx.calls, tc.calls)
			}
		})
	}
}

func TestWriterAppendAllInvalid(t *testing.T) {
	f := &fakeTx{}
	bad := change("l1", 0, 1)
	bad.Snapshot.ID = ""
	errs := f.writer().Append([]persistence.Append{bad, bad})
	for i, err := range errs {
		if !errors.Is(err, persistence.ErrInvalid) {
			t.Errorf("item %d: got %v, want ErrInvalid", i, err)
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("transactions %v, want none", f.calls)
	}
}

func TestWriterAppendKeepsContextError(t *testing.T) {
	w := persistence.Writer{
		Tx:        func([]int) ([]error, error) { return nil, fmt.Errorf("begin: %w", context.Canceled) },
		Refused:   func(error) bool { return false },
		ItemError: func(int, error) error { return nil },
	}
	err := w.Append([]persistence.Append{change("l1", 0, 1)})[0]
	if !errors.Is(err, persistence.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want ErrUnavailable and context.Canceled", err)
	}
}
