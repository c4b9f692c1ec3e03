package lead

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

// Decide returns the events one of a lead's own commands produces for lead s (nil: the lead
// does not exist yet) at time now, or a fault error: Invalid for bad fields or a command that is
// not a lead's, NotFound for a command other than capture_lead on a lead that does not exist,
// Duplicate for capture_lead on one that does, Transition when the lead's status forbids the
// command. Commands that change nothing return no events and no error. Decide is pure: it
// neither changes s nor keeps pointers into it or cmd. The commands every kind takes (notes,
// autonomy, work, signals, reminders) are the shell's (record.Decide); Follow adds what they
// mean for a lead.
//
// Events have Type and data set; the caller fills Id, Actor, Time and Version, then calls
// Apply. Commands that change what the score depends on (capture, an update of a scored field)
// also return a LeadQualified event with the new score and next actions, except on a converted
// lead, which is no longer qualified.
func Decide(s *aidapb.Lead, cmd *aidapb.Command, now time.Time) ([]*aidapb.Event, error) {
	switch b := cmd.GetBody().(type) {
	case *aidapb.Command_CaptureLead:
		if s != nil {
			return nil, fault.New(fault.Duplicate, "lead already exists")
		}
		return capture(cmd.GetId(), b.CaptureLead, now)
	case *aidapb.Command_UpdateLead, *aidapb.Command_ChangeLeadStatus, *aidapb.Command_ArchiveLead,
		*aidapb.Command_RestoreLead, *aidapb.Command_ConvertLead, *aidapb.Command_StartSequence,
		*aidapb.Command_AdvanceSequence, *aidapb.Command_StopSequence, *aidapb.Command_AssessLead:
		if s == nil {
			return nil, fault.New(fault.NotFound, "lead not found")
		}
	case nil:
		return nil, fault.New(fault.Invalid, "empty command")
	default:
		return nil, fault.New(fault.Invalid, "%s is not a lead command", record.CommandName(cmd))
	}
	switch b := cmd.GetBody().(type) {
	case *aidapb.Command_UpdateLead:
		return update(s, b.UpdateLead, now)
	case *aidapb.Command_ChangeLeadStatus:
		events, err := changeStatus(s, b.ChangeLeadStatus)
		return stopping(s, events, err)
	case *aidapb.Command_ArchiveLead:
		events, err := archive(s, b.ArchiveLead)
		return stopping(s, events, err)
	case *aidapb.Command_RestoreLead:
		return restore(s)
	case *aidapb.Command_ConvertLead:
		events, err := convert(s, b.ConvertLead)
		return stopping(s, events, err)
	case *aidapb.Command_StartSequence:
		return startSequence(s, b.StartSequence, cmd.GetActor(), now)
	case *aidapb.Command_AdvanceSequence:
		return advanceSequence(s, b.AdvanceSequence, cmd.GetActor())
	case *aidapb.Command_AssessLead:
		return assess(s, b.AssessLead, now)
	case *aidapb.Command_StopSequence:
		var bad fault.Fields
		why := record.Text(&bad, "reason", b.StopSequence.GetReason(), record.MaxReason)
		if err := bad.Err(); err != nil {
			return nil, err
		}
		if why == "" {
			why = "stopped by " + cmd.GetActor()
		}
		return stopSequence(s, why), nil
	}
	return nil, fault.New(fault.Internal, "unhandled lead command %s", record.CommandName(cmd))
}

func capture(id string, c *aidapb.CaptureLead, now time.Time) ([]*aidapb.Event, error) {
	var fs fault.Fields
	l := &aidapb.Lead{
		Id:            id,
		Email:         normalizeEmail(c.GetEmail(), &fs),
		FirstName:     record.Line(&fs, "first_name", c.GetFirstName(), maxName),
		LastName:      record.Line(&fs, "last_name", c.GetLastName(), maxName),
		Company:       record.Line(&fs, "company", c.GetCompany(), maxCompany),
		Phone:         phone(&fs, c.GetPhone()),
		Source:        source(&fs, c.GetSource()),
		Campaign:      record.Line(&fs, "campaign", c.GetCampaign(), maxCampaign),
		Owner:         record.Line(&fs, "owner", c.GetOwner(), maxOwner),
		Status:        StatusNew,
		AutonomyLevel: c.GetAutonomyLevel(),
	}
	for _, k := range slices.Sorted(maps.Keys(c.GetUtm())) {
		if v := utmValue(&fs, k, c.GetUtm()[k]); v != "" {
			if l.Utm == nil {
				l.Utm = map[string]string{}
			}
			l.Utm[k] = v
		}
	}
	customFields(&fs, c.GetCustomFields())
	if len(c.GetCustomFields().GetFields()) > 0 {
		l.CustomFields = clone(c.GetCustomFields())
	}
	record.CheckLevel(&fs, "autonomy_level", c.GetAutonomyLevel())
	if err := fs.Err(); err != nil {
		return nil, err
	}
	return []*aidapb.Event{
		{Type: TypeCaptured, Data: &aidapb.Event_LeadCaptured{LeadCaptured: &aidapb.LeadCaptured{Lead: l}}},
		qualified(l, now),
	}, nil
}

// qualified returns the LeadQualified event for l as it stands: with the model's ai_semantic
// dimension when the lead has an assessment, else the offline brain's.
func qualified(l *aidapb.Lead, now time.Time) *aidapb.Event {
	var ai *AIScore
	if a := l.GetAiAssessment(); a != nil {
		ai = &AIScore{Score: a.GetScore(), Model: a.GetModel(), Reason: a.GetReason()}
	}
	q := Qualify(l, l.GetAutonomyLevel(), ai, now)
	return &aidapb.Event{Type: TypeQualified, Data: &aidapb.Event_LeadQualified{LeadQualified: &aidapb.LeadQualified{
		Qualification: q,
		NextActions:   NextActions(q, l.GetSource(), l.GetAutonomyLevel()),
	}}}
}

func update(s *aidapb.Lead, u *aidapb.UpdateLead, now time.Time) ([]*aidapb.Event, error) {
	if s.GetStatus() == StatusArchived {
		return nil, fault.New(fault.Transition, "lead is archived; restore it first (restore_lead)")
	}
	var fs fault.Fields
	ev := &aidapb.LeadUpdated{}
	changed, scored := false, false
	set := func(dst **string, present bool, v, old string, affectsScore bool) {
		if present && v != old {
			*dst = proto.String(v)
			changed = true
			scored = scored || affectsScore
		}
	}
	if u.Email != nil {
		set(&ev.Email, true, normalizeEmail(u.GetEmail(), &fs), s.GetEmail(), true)
	}
	set(&ev.FirstName, u.FirstName != nil, record.Line(&fs, "first_name", u.GetFirstName(), maxName), s.GetFirstName(), true)
	set(&ev.LastName, u.LastName != nil, record.Line(&fs, "last_name", u.GetLastName(), maxName), s.GetLastName(), true)
	set(&ev.Company, u.Company != nil, record.Line(&fs, "company", u.GetCompany(), maxCompany), s.GetCompany(), true)
	if u.Phone != nil {
		set(&ev.Phone, true, phone(&fs, u.GetPhone()), s.GetPhone(), true)
	}
	if u.Source != nil {
		set(&ev.Source, true, source(&fs, u.GetSource()), s.GetSource(), true)
	}
	set(&ev.Campaign, u.Campaign != nil, record.Line(&fs, "campaign", u.GetCampaign(), maxCampaign), s.GetCampaign(), true)
	set(&ev.Owner, u.Owner != nil, record.Line(&fs, "owner", u.GetOwner(), maxOwner), s.GetOwner(), false)

	if len(u.GetUtm()) > 0 {
		utm := maps.Clone(s.GetUtm())
		if utm == nil {
			utm = map[string]string{}
		}
		for _, k := range slices.Sorted(maps.Keys(u.GetUtm())) {
			if v := utmValue(&fs, k, u.GetUtm()[k]); v == "" {
				delete(utm, k)
			} else {
				utm[k] = v
			}
		}
		if !maps.Equal(utm, s.GetUtm()) {
			ev.Utm, ev.UtmChanged = utm, true
			changed, scored = true, true
		}
	}
	if len(u.GetCustomFields().GetFields()) > 0 {
		cf := clone(s.GetCustomFields())
		if cf == nil {
			cf = &structpb.Struct{}
		}
		if cf.Fields == nil {
			cf.Fields = map[string]*structpb.Value{}
		}
		for k, v := range u.GetCustomFields().GetFields() {
			if _, null := v.GetKind().(*structpb.Value_NullValue); null || v.GetKind() == nil {
				delete(cf.Fields, k)
			} else {
				cf.Fields[k] = clone(v)
			}
		}
		customFields(&fs, cf)
		if !proto.Equal(cf, orEmpty(s.GetCustomFields())) {
			ev.CustomFields, ev.CustomFieldsChanged = cf, true
			changed, scored = true, true
		}
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	if !changed {
		return nil, nil
	}
	events := []*aidapb.Event{{Type: TypeUpdated, Data: &aidapb.Event_LeadUpdated{LeadUpdated: ev}}}
	if scored && s.GetStatus() != StatusConverted {
		next := clone(s)
		applyUpdated(next, ev)
		events = append(events, qualified(next, now))
	}
	return events, nil
}

func orEmpty(s *structpb.Struct) *structpb.Struct {
	if s == nil {
		return &structpb.Struct{Fields: map[string]*structpb.Value{}}
	}
	return s
}

func changeStatus(s *aidapb.Lead, c *aidapb.ChangeLeadStatus) ([]*aidapb.Event, error) {
	to := strings.ToLower(strings.TrimSpace(c.GetStatus()))
	var fs fault.Fields
	why := reason(&fs, "reason", c.GetReason())
	if err := statusField(to); err != nil {
		return nil, err
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	if err := checkMove(s.GetStatus(), to); err != nil {
		return nil, err
	}
	return []*aidapb.Event{{Type: TypeStatusChanged, Data: &aidapb.Event_LeadStatusChanged{
		LeadStatusChanged: &aidapb.LeadStatusChanged{From: s.GetStatus(), To: to, Reason: why},
	}}}, nil
}

func archive(s *aidapb.Lead, c *aidapb.ArchiveLead) ([]*aidapb.Event, error) {
	var fs fault.Fields
	why := reason(&fs, "reason", c.GetReason())
	if err := fs.Err(); err != nil {
		return nil, err
	}
	switch s.GetStatus() {
	case StatusArchived:
		return nil, fault.New(fault.Transition, "lead is already archived")
	case StatusConverted:
		return nil, fault.New(fault.Transition, "lead is converted, which is final; it cannot be archived")
	}
	return []*aidapb.Event{{Type: TypeArchived, Data: &aidapb.Event_LeadArchived{
		LeadArchived: &aidapb.LeadArchived{From: s.GetStatus(), Reason: why},
	}}}, nil
}

func restore(s *aidapb.Lead) ([]*aidapb.Event, error) {
	if s.GetStatus() != StatusArchived {
		return nil, fault.New(fault.Transition, "lead is %s, not archived; only an archived lead can be restored", s.GetStatus())
	}
	to := s.GetArchivedFrom()
	if to == "" || to == StatusArchived || to == StatusConverted || !knownStatus(to) {
		to = StatusNew // a state from before archived_from was kept
	}
	return []*aidapb.Event{{Type: TypeRestored, Data: &aidapb.Event_LeadRestored{
		LeadRestored: &aidapb.LeadRestored{To: to},
	}}}, nil
}

func convert(s *aidapb.Lead, c *aidapb.ConvertLead) ([]*aidapb.Event, error) {
	var fs fault.Fields
	deal := record.Line(&fs, "deal_id", c.GetDealId(), maxDealID)
	if deal == "" {
		fs.Add("deal_id", "is required")
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	switch s.GetStatus() {
	case StatusQualified:
	case StatusConverted:
		return nil, fault.New(fault.Transition, "lead is already converted")
	default:
		return nil, fault.New(fault.Transition, "lead is %s; only a qualified lead can be converted", s.GetStatus())
	}
	return []*aidapb.Event{{Type: TypeConverted, Data: &aidapb.Event_LeadConverted{
		LeadConverted: &aidapb.LeadConverted{DealId: deal, From: s.GetStatus()},
	}}}, nil
}

// stopping appends to a status move the events that stop the lead's sequence when the new
// status ends it (converted, unqualified, archived).
func stopping(s *aidapb.Lead, events []*aidapb.Event, err error) ([]*aidapb.Event, error) {
	if err != nil || len(events) == 0 {
		return events, err
	}
	var to string
	switch d := events[0].GetData().(type) {
	case *aidapb.Event_LeadStatusChanged:
		to = d.LeadStatusChanged.GetTo()
	case *aidapb.Event_LeadArchived:
		to = StatusArchived
	case *aidapb.Event_LeadConverted:
		to = StatusConverted
	}
	if stoppable(to) {
		events = append(events, stopSequence(s, "the lead is "+to)...)
	}
	return events, nil
}
