package system

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/api/aidapb"
)

// readyz returns the status of GET /readyz.
func readyz(t *testing.T, s *System) int {
	t.Helper()
	res, err := http.Get("http://" + s.Addr().String() + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// TestDeletedStreamAndConsumerHeal: with the events stream and an agent's consumer deleted
// under a running server, /readyz reports not ready once and AIDA creates the stream again;
// then a captured lead's event reaches the new stream, the consumer exists again and the agent
// acts on the lead.
func TestDeletedStreamAndConsumerHeal(t *testing.T) {
	sys, h, err := start(t, testConfig(filepath.Join(t.TempDir(), "data")), WithGuardEvery(time.Hour))
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = h.Stop() })
	js, name := sys.Bus().JetStream(), sys.Bus().Stream().Name
	ctx := t.Context()
	consumers := eventually(t, "the agents' consumers", func() ([]string, error) {
		st, err := js.Stream(ctx, name)
		if err != nil {
			return nil, err
		}
		lister := st.ConsumerNames(ctx)
		var names []string
		for c := range lister.Name() {
			names = append(names, c)
		}
		return names, lister.Err()
	}, func(names []string) bool {
		return slices.ContainsFunc(names, func(n string) bool { return strings.Contains(n, "nurture") })
	})
	nurture := consumers[slices.IndexFunc(consumers, func(n string) bool { return strings.Contains(n, "nurture") })]
	if err := js.DeleteConsumer(ctx, name, nurture); err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteStream(ctx, name); err != nil {
		t.Fatal(err)
	}
	if got := readyz(t, sys); got != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the stream deleted = %d, want 503", got)
	}
	// The first check created the stream again; the agents' consumers find theirs missing
	// and create them again in a moment: ready once every one is back.
	eventually(t, "/readyz 200 once the stream and the consumers are back", func() (int, error) { return readyz(t, sys), nil },
		func(code int) bool { return code == http.StatusOK })

	lead, _, err := sys.Gateway().Capture(ctx, &aidapb.Command{Body: &aidapb.Command_CaptureLead{
		CaptureLead: &aidapb.CaptureLead{Email: "heal@example.com", FirstName: "Ada"}}})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the capture on the new stream", func() (uint64, error) {
		info, err := js.Stream(ctx, name)
		if err != nil {
			return 0, err
		}
		return info.CachedInfo().State.Msgs, nil
	}, func(n uint64) bool { return n > 0 })
	eventually(t, "the nurture consumer created again", func() (string, error) {
		c, err := js.Consumer(ctx, name, nurture)
		if err != nil {
			return "", err
		}
		return c.CachedInfo().Name, nil
	}, func(n string) bool { return n == nurture })
	eventually(t, "the nurture agent acting on the new lead", sys.getLead(t, lead.GetId()),
		func(l *aidapb.Lead) bool { return l.GetSequence() != nil })
}
