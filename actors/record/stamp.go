package record

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/aidacrm/aida/api/aidapb"
)

// Stamp returns a copy of e's time, for the CreatedAt and UpdatedAt an event sets on a state;
// nil when e has none.
func Stamp(e *aidapb.Event) *timestamppb.Timestamp {
	t := e.GetTime()
	if t == nil {
		return nil
	}
	return &timestamppb.Timestamp{Seconds: t.GetSeconds(), Nanos: t.GetNanos()}
}
