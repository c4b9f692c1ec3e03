package agent

import (
	"errors"
	"slices"
	"testing"

	"github.com/aidacrm/aida/api/event"
)

// TestSpecs: the table names each agent once, in start order; each reacts to event types of
// the catalogue and has a handler and a line of what it does.
func TestSpecs(t *testing.T) {
	if got := Names(); !slices.Equal(got, []string{"nurture", "pipeline", "success", "reader", "ai"}) {
		t.Fatalf("Names() = %q", got)
	}
	types := event.NewIndex()
	for _, s := range Specs() {
		if s.handle == nil || s.About == "" || len(s.Events) == 0 {
			t.Errorf("%s: handle set %v, about %q, events %q", s.Name, s.handle != nil, s.About, s.Events)
		}
		for _, typ := range s.Events {
			if _, ok := types.Lookup(typ); !ok {
				t.Errorf("%s reacts to %s, which is not in the event catalogue", s.Name, typ)
			}
		}
	}
}

func TestNewUnknown(t *testing.T) {
	if _, err := New("sales", nil, Config{}); !errors.Is(err, ErrUnknown) {
		t.Fatalf("New(sales) = %v, want ErrUnknown", err)
	}
}
