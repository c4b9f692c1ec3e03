package deal

import (
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
)

// The flags the pipeline agent sets on a deal, and the reminder it checks them with.
const (
	FlagStale       = "stale"   // no activity for the configured number of days
	FlagOverdue     = "overdue" // the expected close date passed with the deal still open
	PipelineCheck   = "pipeline"
	reminderPrefix  = "reminder:"
	dateLayout      = "2006-01-02"
	pipelineClearer = "activity by "
)

// IsActivity reports whether a change made by actor counts as activity on a deal: anything a
// person or an inbound signal does, but not what agents and reminders do.
func IsActivity(actor string) bool {
	return !record.IsAgent(actor) && !strings.HasPrefix(actor, reminderPrefix)
}

// Touch records activity on s: an event by a person or an inbound signal (IsActivity), other than
// a cleared flag, sets last_activity_at to the event's time. Apply calls it for the deal's own
// events, the shell after each shared event it applied.
func Touch(s *aidapb.Deal, e *aidapb.Event) {
	if IsActivity(e.GetActor()) && e.GetFlagCleared() == nil {
		s.LastActivityAt = record.Stamp(e)
	}
}

// LastActivity returns when the deal last saw activity: last_activity_at, or its creation.
func LastActivity(s *aidapb.Deal) time.Time {
	if t := s.GetLastActivityAt(); t != nil {
		return t.AsTime()
	}
	return s.GetCreatedAt().AsTime()
}

// Overdue reports whether the deal is open and its expected close date is before now's date.
func Overdue(s *aidapb.Deal, now time.Time) bool {
	if IsClosed(s.GetStage()) || s.GetExpectedCloseDate() == "" {
		return false
	}
	return s.GetExpectedCloseDate() < now.UTC().Format(dateLayout)
}

// CloseDeadline returns the instant the expected close date passes (the start of the next day,
// UTC), and false when the deal has none.
func CloseDeadline(s *aidapb.Deal) (time.Time, bool) {
	d, err := time.Parse(dateLayout, s.GetExpectedCloseDate())
	if err != nil {
		return time.Time{}, false
	}
	return d.Add(24 * time.Hour), true
}

// Follow returns the events a command decided for deal s followed by the flags they make
// obsolete: activity by a person clears stale; closing the deal clears stale and overdue; a new
// expected close date that is not past clears overdue; a command that itself clears a flag is
// left at that. The shell calls it after a shared command (a person's note clears stale), and
// Decide after the deal's own. Follow is pure.
func Follow(s *aidapb.Deal, cmd *aidapb.Command, events []*aidapb.Event, now time.Time) []*aidapb.Event {
	if len(events) == 0 {
		return events
	}
	actor := cmd.GetActor()
	if actor == "" {
		actor = "api"
	}
	w := s.GetWork()
	clear := func(flag, why string) {
		if record.HasFlag(w, flag) {
			events = append(events, record.ClearFlag(Kind, flag, why))
		}
	}
	closed := false
	newDate := ""
	for _, e := range events {
		switch d := e.GetData().(type) {
		case *aidapb.Event_DealStageChanged:
			closed = IsClosed(d.DealStageChanged.GetTo())
		case *aidapb.Event_DealUpdated:
			if d.DealUpdated.ExpectedCloseDate != nil {
				newDate = d.DealUpdated.GetExpectedCloseDate()
			}
		case *aidapb.Event_FlagCleared:
			return events // the command itself clears a flag: leave it at that
		}
	}
	switch {
	case closed:
		clear(FlagStale, "the deal is closed")
		clear(FlagOverdue, "the deal is closed")
	default:
		if IsActivity(actor) {
			clear(FlagStale, pipelineClearer+actor)
		}
		if newDate != "" && newDate >= now.UTC().Format(dateLayout) {
			clear(FlagOverdue, "the expected close date moved to "+newDate)
		}
	}
	return events
}
