package crm

import (
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/actors/entity"
	"github.com/aidacrm/aida/actors/lead"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/persistence"
)

// typicalLead is a lead as a capture leaves it: captured and qualified.
func typicalLead(b *testing.B) *aidapb.Lead {
	cmd := capture("ada@analytical.example")
	cmd.Id = entity.NewID()
	cmd.GetCaptureLead().AutonomyLevel = 2
	events, err := lead.Decide(nil, cmd, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	var s *aidapb.Lead
	for i, e := range events {
		e.Id, e.Version = entity.NewID(), int64(i+1)
		s = lead.Apply(s, e)
	}
	return s
}

// BenchmarkDecodeSnapshot is what activation costs beyond the store read: decoding the JSON
// snapshot into the state message.
func BenchmarkDecodeSnapshot(b *testing.B) {
	data, err := protojson.Marshal(typicalLead(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var l aidapb.Lead
		if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, &l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeSnapshot is the snapshot encoding every write pays.
func BenchmarkEncodeSnapshot(b *testing.B) {
	l := typicalLead(b)
	for b.Loop() {
		if _, err := protojson.Marshal(l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBinarySnapshot is the same round trip in the protobuf wire format, for comparison.
func BenchmarkBinarySnapshot(b *testing.B) {
	l := typicalLead(b)
	for b.Loop() {
		data, err := proto.Marshal(l)
		if err != nil {
			b.Fatal(err)
		}
		var out aidapb.Lead
		if err := proto.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkActivate measures first requests to leads that are in the store but not in memory:
// activation, snapshot load and decode, and the reply.
func BenchmarkActivate(b *testing.B) {
	ctx := b.Context()
	state, err := protojson.Marshal(typicalLead(b))
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, b.N)
	now := time.Now()
	for start := 0; start < len(ids); start += 256 {
		batch := make([]persistence.Append, 0, 256)
		for i := start; i < min(start+256, len(ids)); i++ {
			ids[i] = entity.NewID()
			batch = append(batch, persistence.Append{
				Events: []persistence.Entry{{Kind: lead.Kind, ID: ids[i], Version: 1, EventID: entity.NewID(),
					Type: "crm.lead.captured", Time: now, Data: state}},
				Snapshot: persistence.Record{Kind: lead.Kind, ID: ids[i], Version: 1, State: state}})
		}
		for _, err := range env.store.Append(ctx, batch) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	var next atomic.Int64
	b.ResetTimer()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, err := env.gateway.Send(ctx, lead.Kind, ids[i], get()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
