package storetest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/aidacrm/aida/persistence"
)

// key builds a key row created at base plus i seconds.
func (h *harness) key(id string, i int) persistence.Key {
	return persistence.Key{
		ID: id, Name: "svc-" + id, Role: "rep",
		Hash:      bytes.Repeat([]byte{byte(i)}, 32),
		RateLimit: i * 10, CreatedAt: h.base.Add(time.Duration(i) * time.Second),
	}
}

// keyEqual compares two key rows, times by instant.
func keyEqual(a, b persistence.Key) bool {
	return a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && bytes.Equal(a.Hash, b.Hash) &&
		a.RateLimit == b.RateLimit && a.CreatedAt.Equal(b.CreatedAt) && a.RevokedAt.Equal(b.RevokedAt) &&
		a.LastUsedAt.Equal(b.LastUsedAt)
}

func testKeyCreateLoad(t *testing.T, h *harness) {
	if _, err := h.s.LoadKey(ctx(t), "nope"); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("load missing key: got %v, want ErrNotFound", err)
	}
	if keys, err := h.s.Keys(ctx(t)); err != nil || len(keys) != 0 {
		t.Fatalf("keys of an empty store: %v, %v", keys, err)
	}
	want := h.key("k1", 3)
	want.CreatedAt = want.CreatedAt.Add(1234 * time.Microsecond).In(time.FixedZone("CET", 3600))
	if err := h.s.CreateKey(ctx(t), want); err != nil {
		t.Fatalf("create key: %v", err)
	}
	got, err := h.s.LoadKey(ctx(t), "k1")
	if err != nil || !keyEqual(got, want) {
		t.Fatalf("load key: %+v, %v; want %+v", got, err, want)
	}
	if got.CreatedAt.Location() != time.UTC || got.Revoked() || !got.LastUsedAt.IsZero() {
		t.Fatalf("loaded key: created %v (want UTC), revoked %v, last used %v", got.CreatedAt, got.RevokedAt, got.LastUsedAt)
	}
	again := h.key("k1", 4)
	if err := h.s.CreateKey(ctx(t), again); !errors.Is(err, persistence.ErrDuplicate) {
		t.Fatalf("create a taken ID: got %v, want ErrDuplicate", err)
	}
	if got, _ := h.s.LoadKey(ctx(t), "k1"); !keyEqual(got, want) {
		t.Fatalf("a refused create changed the key: %+v", got)
	}
}

func testKeysOrder(t *testing.T, h *harness) {
	// Created out of order; two share a creation time and are ordered by ID.
	for _, k := range []persistence.Key{h.key("c", 2), h.key("b", 1), h.key("a", 2), h.key("d", 0)} {
		if err := h.s.CreateKey(ctx(t), k); err != nil {
			t.Fatalf("create key %s: %v", k.ID, err)
		}
	}
	keys, err := h.s.Keys(ctx(t))
	if err != nil {
		t.Fatalf("keys: %v", err)
	}
	var ids string
	for _, k := range keys {
		ids += k.ID
	}
	if ids != "dbac" {
		t.Fatalf("keys in order %q, want dbac (oldest first, then by ID)", ids)
	}
	if !keyEqual(keys[3], h.key("c", 2)) {
		t.Fatalf("listed key %+v, want %+v", keys[3], h.key("c", 2))
	}
}

func testKeyRevoke(t *testing.T, h *harness) {
	for i, id := range []string{"k1", "k2"} {
		if err := h.s.CreateKey(ctx(t), h.key(id, i)); err != nil {
			t.Fatalf("create key: %v", err)
		}
	}
	first, later := h.base.Add(time.Hour), h.base.Add(2*time.Hour)
	for _, at := range []time.Time{first, later} { // the second revocation keeps the first time
		if err := h.s.RevokeKey(ctx(t), "k1", at); err != nil {
			t.Fatalf("revoke at %v: %v", at, err)
		}
	}
	if err := h.s.RevokeKey(ctx(t), "nope", first); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("revoke a missing key: got %v, want ErrNotFound", err)
	}
	for id, want := range map[string]time.Time{"k1": first, "k2": {}} {
		k, err := h.s.LoadKey(ctx(t), id)
		if err != nil || !k.RevokedAt.Equal(want) || k.Revoked() == want.IsZero() {
			t.Errorf("%s: revoked at %v, %v; want %v", id, k.RevokedAt, err, want)
		}
	}
}

func testKeyTouch(t *testing.T, h *harness) {
	if err := h.s.CreateKey(ctx(t), h.key("k1", 0)); err != nil {
		t.Fatalf("create key: %v", err)
	}
	steps := []struct {
		at, want time.Time
	}{
		{h.base.Add(time.Minute), h.base.Add(time.Minute)},
		{h.base.Add(3 * time.Minute), h.base.Add(3 * time.Minute)},
		{h.base.Add(2 * time.Minute), h.base.Add(3 * time.Minute)}, // an older use changes nothing
	}
	for i, st := range steps {
		if err := h.s.TouchKey(ctx(t), "k1", st.at); err != nil {
			t.Fatalf("step %d: touch: %v", i, err)
		}
		k, err := h.s.LoadKey(ctx(t), "k1")
		if err != nil || !k.LastUsedAt.Equal(st.want) {
			t.Fatalf("step %d: last used %v, %v; want %v", i, k.LastUsedAt, err, st.want)
		}
	}
	if err := h.s.TouchKey(ctx(t), "nope", h.base); err != nil {
		t.Fatalf("touch a missing key: %v, want nil", err)
	}
}
