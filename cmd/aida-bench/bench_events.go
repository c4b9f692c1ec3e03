package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/bench/load"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/persistence/sqlite"
	"github.com/aidacrm/aida/runtime/bus"
	"github.com/aidacrm/aida/runtime/reminder"
)

// benchRelay is B6: the relay publishing unpublished journal rows to JetStream, beside raw
// PublishAsync of the same envelopes to the same stream.
func benchRelay(ctx context.Context, b *bencher) ([]row, error) {
	dir := filepath.Join(b.dir, "b6")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	store, err := sqlite.Open(ctx, filepath.Join(dir, "aida.db"))
	if err != nil {
		return nil, err
	}
	defer func() { _ = store.Close() }() // a scratch store, read-only by now
	ns, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(dir, "nats"), Port: bus.RandomPort})
	if err != nil {
		return nil, err
	}
	defer ns.Shutdown()
	bs, err := bus.Connect(ctx, ns.ClientURL())
	if err != nil {
		return nil, err
	}
	defer bs.Close()

	n := b.size(100000, 5000) / b.rounds
	var aidas, bases []figure
	for round := range b.rounds {
		entries, err := seedJournal(ctx, store, n, fmt.Sprintf("b6-%d", round))
		if err != nil {
			return nil, err
		}
		relay := bus.NewRelay(store, bs)
		rctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- relay.Run(rctx) }()
		if err := drained(ctx, store); err != nil {
			stop()
			return nil, err
		}
		elapsed := time.Since(start)
		stop()
		if err := <-done; err != nil {
			return nil, err
		}
		aida := figure{rate: float64(len(entries)) / elapsed.Seconds(), unit: "events/s"}

		base, err := rawPublish(ctx, bs, entries)
		if err != nil {
			return nil, err
		}
		b.say("round %d relay %s; raw PublishAsync %s", round+1, aida, base)
		aidas, bases = append(aidas, aida), append(bases, base)
	}
	r := row{id: "B6", what: fmt.Sprintf("relay journal → JetStream, %d events a round", 2*n),
		aida: median(aidas), baseline: median(bases), goal: "≥ 0.5 of raw PublishAsync"}
	r.met = r.ratio() >= 0.5
	return []row{r}, nil
}

// seedJournal appends n captured leads (two journal rows each) straight to the store.
func seedJournal(ctx context.Context, store persistence.Store, n int, prefix string) ([]persistence.Entry, error) {
	tmpl, err := sampleAppend(entity.NewID(), "template@bench.example", time.Now())
	if err != nil {
		return nil, err
	}
	var entries []persistence.Entry
	for start := 0; start < n; start += 256 {
		batch := make([]persistence.Append, 0, 256)
		for i := start; i < min(start+256, n); i++ {
			a := cloneAppend(tmpl, entity.NewID(), fmt.Sprintf("%s-%d@bench.example", prefix, i))
			batch = append(batch, a)
			entries = append(entries, a.Events...)
		}
		for _, err := range store.Append(ctx, batch) {
			if err != nil {
				return nil, err
			}
		}
	}
	return entries, nil
}

// rawPublish publishes the envelopes of entries with PublishAsync under fresh message IDs and
// waits for every ack. When the client's window of unacknowledged messages is full it waits
// for the acks and goes on, as any publisher must (the relay's batches never fill it).
func rawPublish(ctx context.Context, bs *bus.Bus, entries []persistence.Entry) (figure, error) {
	msgs := make([]*nats.Msg, len(entries))
	for i, e := range entries {
		env, err := bus.NewEnvelope(e)
		if err != nil {
			return figure{}, err
		}
		data, err := json.Marshal(env)
		if err != nil {
			return figure{}, err
		}
		msgs[i] = &nats.Msg{Subject: bus.EventSubject(e), Data: data, Header: nats.Header{}}
		msgs[i].Header.Set(nats.MsgIdHdr, entity.NewID())
	}
	js := bs.JetStream()
	start := time.Now()
	for _, m := range msgs {
		for {
			_, err := js.PublishMsgAsync(m)
			if errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
				select {
				case <-js.PublishAsyncComplete():
					continue
				case <-ctx.Done():
					return figure{}, ctx.Err()
				}
			}
			if err != nil {
				return figure{}, err
			}
			break
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-ctx.Done():
		return figure{}, ctx.Err()
	case <-time.After(time.Minute):
		return figure{}, errors.New("raw publish: acks did not arrive within a minute")
	}
	return figure{rate: float64(len(msgs)) / time.Since(start).Seconds(), unit: "events/s"}, nil
}

// benchReminders is B7: reminders fired from the store through the cluster into passivated
// leads (each activation loads the lead, applies the reminder and deletes it in its append),
// beside the store's raw read of the same due reminders.
func benchReminders(ctx context.Context, b *bencher) ([]row, error) {
	n := b.size(100000, 5000)
	cfg := b.config("b7")
	sys, stop, err := b.startSystem(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer stop()
	// The running scheduler must not take part: seed reminders due in the future, then move
	// the clock of a second, measured scheduler forward.
	base := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Microsecond)
	b.say("seeding %d leads with a due reminder each", n)
	if err := seedReminders(ctx, sys.Store(), n, base); err != nil {
		return nil, err
	}
	raw, err := rawDue(ctx, sys.Store(), base.Add(time.Second), n)
	if err != nil {
		return nil, err
	}

	clock := fixedLater{offset: time.Until(base)} // at start, every seeded reminder is just due
	var (
		lateness []time.Duration
		fired    int
	)
	lat := make(chan time.Duration, n)
	s := reminder.New(sys.Store(), func(ctx context.Context, r persistence.Reminder) (reminder.Outcome, error) {
		out, err := sys.Fire(ctx, r)
		if err == nil && out == reminder.Done {
			lat <- clock.Now().Sub(r.DueAt)
		}
		return out, err
	}, reminder.WithClock(clock), reminder.WithPollInterval(10*time.Millisecond))
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- s.Run(rctx) }()
	timeout := time.After(5 * time.Minute)
	for fired < n {
		select {
		case d := <-lat:
			lateness = append(lateness, d)
			fired++
		case <-timeout:
			cancel()
			if err := <-done; err != nil {
				return nil, fmt.Errorf("only %d of %d reminders fired in 5 minutes; the scheduler: %w", fired, n, err)
			}
			return nil, fmt.Errorf("only %d of %d reminders fired in 5 minutes", fired, n)
		}
	}
	elapsed := time.Since(start)
	cancel()
	if err := <-done; err != nil {
		return nil, err
	}
	slices.Sort(lateness)
	aida := figure{rate: float64(n) / elapsed.Seconds(), unit: "fired/s",
		p50: load.Percentile(lateness, 50), p99: load.Percentile(lateness, 99)}
	b.say("fired %s (latency from due; all %d due at once); raw due reads %s", aida, n, raw)
	r := row{id: "B7", what: fmt.Sprintf("reminders fired into %d passivated leads, all due at once", n),
		aida: aida, baseline: raw, goal: "≥ 15,000/s; p99 lateness ≤ 1 s",
		note: "latency is lateness after due, backlog included"}
	r.met = aida.rate >= 15000 && aida.p99 <= time.Second
	return []row{r}, nil
}

// fixedLater is a real clock shifted by offset, so a scheduler sees seeded reminders as due.
type fixedLater struct{ offset time.Duration }

func (c fixedLater) Now() time.Time                         { return time.Now().Add(c.offset) }
func (c fixedLater) After(d time.Duration) <-chan time.Time { return time.After(d) }

// seedReminders appends n captured leads, each with one pending reminder due at due, straight
// to the store, as the shell would have written them.
func seedReminders(ctx context.Context, store persistence.Store, n int, due time.Time) error {
	now := time.Now()
	for start := 0; start < n; start += 256 {
		batch := make([]persistence.Append, 0, 256)
		for i := start; i < min(start+256, n); i++ {
			a, err := sampleAppendWithReminder(entity.NewID(), fmt.Sprintf("b7-%d@bench.example", i), now, due)
			if err != nil {
				return err
			}
			batch = append(batch, a)
		}
		for _, err := range store.Append(ctx, batch) {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// sampleAppendWithReminder is sampleAppend plus a reminder_set event and its store change.
func sampleAppendWithReminder(id, email string, now, due time.Time) (persistence.Append, error) {
	a, err := sampleAppend(id, email, now)
	if err != nil {
		return a, err
	}
	var s aidapb.Lead
	if err := protojson.Unmarshal(a.Snapshot.State, &s); err != nil {
		return a, err
	}
	e := &aidapb.Event{Id: entity.NewID(), Type: "crm.lead.reminder_set", Actor: "bench", Time: timestamppb.New(now),
		Version: a.Snapshot.Version + 1, Data: &aidapb.Event_ReminderSet{ReminderSet: &aidapb.ReminderSet{
			Name: "follow_up", DueAt: timestamppb.New(due)}}}
	e.GetReminderSet().Token = e.Id
	record.Apply(e, lead.Traits(&s))                                      // a shared event: applied as the entity shell does
	data, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(e) // as the entity shell writes events
	if err != nil {
		return a, err
	}
	if a.Snapshot.State, err = protojson.Marshal(&s); err != nil {
		return a, err
	}
	a.Snapshot.Version = e.Version
	a.Events = append(a.Events, persistence.Entry{Kind: lead.Kind, ID: id, Version: e.Version, EventID: e.Id,
		Type: e.Type, Actor: "bench", Time: now, Data: data})
	a.Reminders = []persistence.ReminderChange{{Set: persistence.Reminder{Kind: lead.Kind, ID: id,
		Name: "follow_up", Token: e.Id, DueAt: due, Payload: []byte("{}")}}}
	return a, nil
}

// rawDue reads all n due reminders in pages of 500, the scheduler's page size.
func rawDue(ctx context.Context, store persistence.Store, now time.Time, n int) (figure, error) {
	start := time.Now()
	rs, err := store.DueReminders(ctx, now, n)
	if err != nil {
		return figure{}, err
	}
	if len(rs) != n {
		return figure{}, fmt.Errorf("%d reminders due, want %d", len(rs), n)
	}
	return figure{rate: float64(n) / time.Since(start).Seconds(), unit: "read/s"}, nil
}
