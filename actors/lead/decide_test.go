package lead

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aidacrm/aida/actors/record"
	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestCaptureThenApply(t *testing.T) {
	s, events := mustRun(t, nil, captureCmd(adaCapture()), morning)
	if got, want := types(events), []string{TypeCaptured, TypeQualified}; !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	if s.Email != "ada@analytical-engines.co.uk" || s.Status != StatusNew || s.Source != "demo_request" ||
		s.Owner != "user:7" || s.AutonomyLevel != 3 {
		t.Errorf("state = %v", s)
	}
	if s.Version != 2 || !s.CreatedAt.AsTime().Equal(morning) || !s.UpdatedAt.AsTime().Equal(morning) {
		t.Errorf("version %d created %v updated %v", s.Version, s.CreatedAt.AsTime(), s.UpdatedAt.AsTime())
	}
	// Capture never qualifies: the decision is a recommendation.
	if s.Qualification.GetDecision() != DecisionQualified || s.Qualification.GetScore() != 848 {
		t.Errorf("qualification = %v", s.Qualification)
	}
	var got []string
	for _, a := range s.NextActions {
		got = append(got, a.Action+":"+a.Mode)
	}
	want := []string{"schedule_demo:approve", "assign_to_sales:run_notify", "send_welcome_email:approve", "create_follow_up_task:run"}
	if !slices.Equal(got, want) {
		t.Errorf("next actions = %v, want %v", got, want)
	}
	// Apply does not alias the event: changing the state leaves the journaled lead alone.
	s.FirstName = "Augusta"
	if events[0].GetLeadCaptured().GetLead().GetFirstName() != "Ada" {
		t.Error("Apply kept a pointer into the captured event")
	}
	idx := Index(s)
	if idx.Status != "new" || idx.Source != "demo_request" || idx.Owner != "user:7" ||
		idx.UniqueKey != "ada@analytical-engines.co.uk" || idx.Score != 848 ||
		idx.Level == 0 || idx.Level != s.GetAutonomyLevel() {
		t.Errorf("Index = %+v", idx)
	}
	if Index(&aidapb.Lead{}).Score != -1 {
		t.Error("Index of an unscored lead should have Score -1")
	}
}

func TestCaptureDefaults(t *testing.T) {
	s, _ := mustRun(t, nil, captureCmd(&aidapb.CaptureLead{Email: "x@y.org", AutonomyLevel: 1,
		Utm: map[string]string{"utm_source": " google ", "utm_term": ""}}), morning)
	if s.Source != "web" {
		t.Errorf("source = %q, want web", s.Source)
	}
	if len(s.Utm) != 1 || s.Utm["utm_source"] != "google" {
		t.Errorf("utm = %v, want trimmed utm_source only", s.Utm)
	}
}

func TestCaptureValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name   string
		edit   func(c *aidapb.CaptureLead)
		fields []string
	}{
		{"valid", func(c *aidapb.CaptureLead) {}, nil},
		{"names of 100 characters", func(c *aidapb.CaptureLead) { c.FirstName, c.LastName = long(100), long(100) }, nil},
		{"email missing", func(c *aidapb.CaptureLead) { c.Email = "  " }, []string{"email"}},
		{"email without @", func(c *aidapb.CaptureLead) { c.Email = "ada.example.com" }, []string{"email"}},
		{"email with a display name", func(c *aidapb.CaptureLead) { c.Email = "Ada <ada@x.org>" }, []string{"email"}},
		{"email too long", func(c *aidapb.CaptureLead) { c.Email = long(250) + "@x.org" }, []string{"email"}},
		{"first name too long", func(c *aidapb.CaptureLead) { c.FirstName = long(101) }, []string{"first_name"}},
		{"last name too long", func(c *aidapb.CaptureLead) { c.LastName = long(101) }, []string{"last_name"}},
		{"name on two lines", func(c *aidapb.CaptureLead) { c.LastName = "Love\nlace" }, []string{"last_name"}},
		{"company too long", func(c *aidapb.CaptureLead) { c.Company = long(201) }, []string{"company"}},
		{"phone too long", func(c *aidapb.CaptureLead) { c.Phone = "+1 " + strings.Repeat("5", 30) }, []string{"phone"}},
		{"phone with letters", func(c *aidapb.CaptureLead) { c.Phone = "call me maybe" }, []string{"phone"}},
		{"phone too short", func(c *aidapb.CaptureLead) { c.Phone = "12345" }, []string{"phone"}},
		{"phone with + inside", func(c *aidapb.CaptureLead) { c.Phone = "44+20 7946 0958" }, []string{"phone"}},
		{"source too long", func(c *aidapb.CaptureLead) { c.Source = long(101) }, []string{"source"}},
		{"campaign too long", func(c *aidapb.CaptureLead) { c.Campaign = long(101) }, []string{"campaign"}},
		{"owner too long", func(c *aidapb.CaptureLead) { c.Owner = long(101) }, []string{"owner"}},
		{"unknown utm key", func(c *aidapb.CaptureLead) { c.Utm = map[string]string{"utm_id": "1"} }, []string{"utm.utm_id"}},
		{"utm value too long", func(c *aidapb.CaptureLead) { c.Utm = map[string]string{"utm_term": long(201)} }, []string{"utm.utm_term"}},
		{"autonomy 0 (the caller forgot the default)", func(c *aidapb.CaptureLead) { c.AutonomyLevel = 0 }, []string{"autonomy_level"}},
		{"autonomy 6", func(c *aidapb.CaptureLead) { c.AutonomyLevel = 6 }, []string{"autonomy_level"}},
		{"too many custom fields", func(c *aidapb.CaptureLead) {
			m := map[string]any{}
			for i := range 51 {
				m[strings.Repeat("k", i+1)] = i
			}
			c.CustomFields, _ = structpb.NewStruct(m)
		}, []string{"custom_fields"}},
		{"every field at once", func(c *aidapb.CaptureLead) {
			c.Email, c.FirstName, c.Company, c.Phone, c.AutonomyLevel = "nope", long(101), long(201), "x", 9
			c.Utm = map[string]string{"utm_x": "1", "utm_y": "2"}
		}, []string{"autonomy_level", "company", "email", "first_name", "phone", "utm.utm_x", "utm.utm_y"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := adaCapture()
			c.Phone = "+44 (20) 7946-0958"
			tt.edit(c)
			events, err := Decide(nil, captureCmd(c), morning)
			if tt.fields == nil {
				if err != nil || len(events) != 2 {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("error %v, want Invalid", err)
			}
			if got := fieldNames(err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"ada@example.com", "ada@example.com", true},
		{"  Ada@Example.COM\t", "ada@example.com", true},
		{"ADA.LOVELACE+crm@Analytical-Engines.co.uk", "ada.lovelace+crm@analytical-engines.co.uk", true},
		{"", "", false},
		{"ada", "", false},
		{"ada@", "", false},
		{"@example.com", "", false},
		{"ada lovelace@example.com", "", false},
		{"Ada <ada@example.com>", "", false},
		{"a@b.com, c@d.com", "", false},
	}
	for _, tt := range tests {
		got, err := NormalizeEmail(tt.raw)
		if tt.ok {
			if err != nil || got != tt.want {
				t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
			}
			continue
		}
		if fault.CodeOf(err) != fault.Invalid || !slices.Equal(fieldNames(err), []string{"email"}) {
			t.Errorf("NormalizeEmail(%q) error = %v, want Invalid on email", tt.raw, err)
		}
	}
}

func TestDecideErrors(t *testing.T) {
	lead := &aidapb.Lead{Email: "a@b.org", Status: StatusNew, AutonomyLevel: 3}
	tests := []struct {
		name string
		s    *aidapb.Lead
		cmd  *aidapb.Command
		code fault.Code
	}{
		{"capture on an existing lead", lead, captureCmd(adaCapture()), fault.Duplicate},
		{"get on nothing", nil, getCmd(), fault.NotFound},
		{"update on nothing", nil, updateCmd(&aidapb.UpdateLead{Company: proto.String("X")}), fault.NotFound},
		{"status on nothing", nil, statusCmd("contacted"), fault.NotFound},
		{"archive on nothing", nil, archiveCmd(), fault.NotFound},
		{"restore on nothing", nil, restoreCmd(), fault.NotFound},
		{"convert on nothing", nil, convertCmd("d1"), fault.NotFound},
		{"autonomy on nothing", nil, autonomyCmd(4), fault.NotFound},
		{"note on nothing", nil, noteCmd("hi", ""), fault.NotFound},
		{"a deal command", lead, &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{}}}, fault.Invalid},
		{"an account command on nothing", nil, &aidapb.Command{Body: &aidapb.Command_AttachDeal{AttachDeal: &aidapb.AttachDeal{}}}, fault.Invalid},
		{"an empty command", lead, &aidapb.Command{}, fault.Invalid},
		{"a nil command", lead, nil, fault.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, err := shellDecide(tt.s, tt.cmd, morning)
			if events != nil || fault.CodeOf(err) != tt.code {
				t.Errorf("Decide = %v, %v; want code %v", types(events), err, tt.code)
			}
		})
	}
	_, err := Decide(lead, captureCmd(adaCapture()), morning)
	if faultOf(t, err).Message != "lead already exists" {
		t.Errorf("duplicate message = %q", faultOf(t, err).Message)
	}
	_, err = Decide(lead, &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{}}}, morning)
	if !strings.Contains(err.Error(), "create_deal") {
		t.Errorf("other-kind error %q does not name the command", err)
	}
}

func TestGetHasNoEvents(t *testing.T) {
	events, err := shellDecide(&aidapb.Lead{Status: StatusNew}, getCmd(), morning)
	if events != nil || err != nil {
		t.Errorf("get = %v, %v", events, err)
	}
}

func TestUpdate(t *testing.T) {
	base, _ := mustRun(t, nil, captureCmd(adaCapture()), morning)
	later := morning.Add(time.Hour)
	tests := []struct {
		name   string
		u      *aidapb.UpdateLead
		types  []string
		fields []string // invalid fields, when the update is rejected
		check  func(t *testing.T, s *aidapb.Lead, ev *aidapb.LeadUpdated)
	}{
		{name: "nothing changes", u: &aidapb.UpdateLead{FirstName: proto.String(" Ada "), Source: proto.String("Demo_Request")}},
		{name: "owner only: no rescoring", u: &aidapb.UpdateLead{Owner: proto.String("user:9")}, types: []string{TypeUpdated},
			check: func(t *testing.T, s *aidapb.Lead, ev *aidapb.LeadUpdated) {
				if s.Owner != "user:9" || ev.FirstName != nil || ev.Email != nil {
					t.Errorf("owner %q, event %v", s.Owner, ev)
				}
			}},
		{name: "email is normalised", u: &aidapb.UpdateLead{Email: proto.String(" Ada@Engines.ORG ")},
			types: []string{TypeUpdated, TypeQualified},
			check: func(t *testing.T, s *aidapb.Lead, ev *aidapb.LeadUpdated) {
				if ev.GetEmail() != "ada@engines.org" || s.Email != "ada@engines.org" {
					t.Errorf("email event %q state %q", ev.GetEmail(), s.Email)
				}
			}},
		{name: "same email in other case changes nothing", u: &aidapb.UpdateLead{Email: proto.String("ADA@analytical-engines.co.uk")}},
		{name: "phone changes the score", u: &aidapb.UpdateLead{Phone: proto.String("+44 20 7946 0958")},
			types: []string{TypeUpdated, TypeQualified},
			check: func(t *testing.T, s *aidapb.Lead, ev *aidapb.LeadUpdated) {
				// completeness 750 → 800; the qualification is that of the updated lead
				want := Qualify(s, 3, nil, later)
				if !proto.Equal(s.Qualification, want) || s.Qualification.Dimensions[1].Score != 800 {
					t.Errorf("qualification %v, want %v", s.Qualification, want)
				}
			}},
		{name: "utm merged, empty removes", u: &aidapb.UpdateLead{Utm: map[string]string{"utm_source": "google", "utm_term": ""}},
			types: []string{TypeUpdated, TypeQualified},
			check: func(t *testing.T, s *aidapb.Lead, ev *aidapb.LeadUpdated) {
				if !ev.UtmChanged || len(s.Utm) != 1 || s.Utm["utm_source"] != "google" {
					t.Errorf("utm %v (event %v)", s.Utm, ev)
				}
			}},
		{name: "removing a missing utm key changes nothing", u: &aidapb.UpdateLead{Utm: map[string]string{"utm_term": ""}}},
		{name: "custom fields merged, null removes", u: &aidapb.UpdateLead{CustomFields: mustStruct(t, map[string]any{"size": "50", "gone": nil})},
			types: []string{TypeUpdated, TypeQualified},
			check: func(t *testing.T, s *aidapb.Lead, ev *aidapb.LeadUpdated) {
				if !ev.CustomFieldsChanged || len(s.CustomFields.GetFields()) != 1 || s.CustomFields.Fields["size"].GetStringValue() != "50" {
					t.Errorf("custom fields %v", s.CustomFields)
				}
			}},
		{name: "empty email", u: &aidapb.UpdateLead{Email: proto.String("")}, fields: []string{"email"}},
		{name: "bad fields", u: &aidapb.UpdateLead{Phone: proto.String("abc"), Company: proto.String(strings.Repeat("c", 201)), Utm: map[string]string{"utm_x": "1"}},
			fields: []string{"company", "phone", "utm.utm_x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := proto.Clone(base).(*aidapb.Lead)
			next, events, err := run(s, updateCmd(tt.u), later)
			if tt.fields != nil {
				if fault.CodeOf(err) != fault.Invalid || !slices.Equal(fieldNames(err), tt.fields) {
					t.Fatalf("error %v, want Invalid on %v", err, tt.fields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := types(events); !slices.Equal(got, tt.types) {
				t.Fatalf("events = %v, want %v", got, tt.types)
			}
			if tt.check != nil {
				tt.check(t, next, events[0].GetLeadUpdated())
			}
			if len(events) > 0 && !next.UpdatedAt.AsTime().Equal(later) {
				t.Errorf("updated at %v, want %v", next.UpdatedAt.AsTime(), later)
			}
		})
	}
	// Decide never changes the state it is given.
	before := proto.Clone(base)
	if _, err := Decide(base, updateCmd(&aidapb.UpdateLead{Company: proto.String("Babbage & Co"), Utm: map[string]string{"utm_term": "x"}}), later); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(before, base) {
		t.Error("Decide changed its input state")
	}
}

func TestUpdateByStatus(t *testing.T) {
	u := updateCmd(&aidapb.UpdateLead{Company: proto.String("Babbage & Co")})
	if _, err := Decide(&aidapb.Lead{Status: StatusArchived}, u, morning); fault.CodeOf(err) != fault.Transition {
		t.Errorf("update of an archived lead: %v, want Transition", err)
	}
	events, err := Decide(&aidapb.Lead{Status: StatusConverted, AutonomyLevel: 3}, u, morning)
	if err != nil || !slices.Equal(types(events), []string{TypeUpdated}) {
		t.Errorf("update of a converted lead: %v %v, want only %s", types(events), err, TypeUpdated)
	}
}

func TestArchiveRestoreRoundTrip(t *testing.T) {
	for _, from := range []string{StatusNew, StatusContacted, StatusQualified, StatusUnqualified} {
		t.Run(from, func(t *testing.T) {
			s := &aidapb.Lead{Email: "a@b.org", Status: from, AutonomyLevel: 3, Version: 7}
			s, events := mustRun(t, s, archiveCmd(), morning)
			if events[0].GetLeadArchived().GetFrom() != from || events[0].GetLeadArchived().GetReason() != "spam" {
				t.Errorf("archived event %v", events[0])
			}
			if s.Status != StatusArchived || s.ArchivedFrom != from || s.Version != 8 {
				t.Fatalf("archived state %s from %s v%d", s.Status, s.ArchivedFrom, s.Version)
			}
			if _, err := Decide(s, archiveCmd(), morning); fault.CodeOf(err) != fault.Transition {
				t.Errorf("archive twice: %v, want Transition", err)
			}
			s, events = mustRun(t, s, restoreCmd(), morning)
			if events[0].Type != TypeRestored || s.Status != from || s.ArchivedFrom != "" || s.Version != 9 {
				t.Errorf("restored state %s (archived_from %q) v%d, want %s", s.Status, s.ArchivedFrom, s.Version, from)
			}
			if _, err := Decide(s, restoreCmd(), morning); fault.CodeOf(err) != fault.Transition {
				t.Errorf("restore a live lead: %v, want Transition", err)
			}
		})
	}
	if _, err := Decide(&aidapb.Lead{Status: StatusConverted}, archiveCmd(), morning); fault.CodeOf(err) != fault.Transition {
		t.Errorf("archive a converted lead: %v, want Transition", err)
	}
	// A lead archived before archived_from existed comes back as new.
	events, err := Decide(&aidapb.Lead{Status: StatusArchived}, restoreCmd(), morning)
	if err != nil || events[0].GetLeadRestored().GetTo() != StatusNew {
		t.Errorf("restore without archived_from: %v %v", events, err)
	}
}

func TestConvert(t *testing.T) {
	for _, from := range Statuses() {
		t.Run(from, func(t *testing.T) {
			s := &aidapb.Lead{Email: "a@b.org", Status: from, ArchivedFrom: StatusQualified}
			next, events, err := run(s, convertCmd(" deal-1 "), morning)
			if from != StatusQualified {
				if fault.CodeOf(err) != fault.Transition {
					t.Errorf("convert from %s: %v, want Transition", from, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev := events[0].GetLeadConverted()
			if events[0].Type != TypeConverted || ev.DealId != "deal-1" || ev.From != StatusQualified {
				t.Errorf("event %v", events[0])
			}
			if next.Status != StatusConverted || next.DealId != "deal-1" {
				t.Errorf("state %s deal %q", next.Status, next.DealId)
			}
			// converted is terminal
			for _, cmd := range []*aidapb.Command{statusCmd("qualified"), archiveCmd(), convertCmd("deal-2")} {
				if _, err := Decide(next, cmd, morning); fault.CodeOf(err) != fault.Transition {
					t.Errorf("%s on a converted lead: %v, want Transition", record.CommandName(cmd), err)
				}
			}
		})
	}
	_, err := Decide(&aidapb.Lead{Status: StatusQualified}, convertCmd(" "), morning)
	if !slices.Equal(fieldNames(err), []string{"deal_id"}) {
		t.Errorf("convert without deal_id: %v", err)
	}
}

func TestSetAutonomy(t *testing.T) {
	s, _ := mustRun(t, nil, captureCmd(adaCapture()), morning)
	s, events := mustRun(t, s, autonomyCmd(5), morning)
	if got := types(events); !slices.Equal(got, []string{TypeAutonomyChanged, TypeQualified}) {
		t.Fatalf("events = %v", got)
	}
	if ch := events[0].GetAutonomyChanged(); ch.From != 3 || ch.To != 5 || ch.Reason != "trusted" {
		t.Errorf("event %v", ch)
	}
	if s.AutonomyLevel != 5 {
		t.Errorf("level %d", s.AutonomyLevel)
	}
	var got []string
	for _, a := range s.NextActions {
		got = append(got, a.Action+":"+a.Mode)
	}
	want := []string{"schedule_demo:run", "auto_assign_to_sales:run", "send_welcome_email:run",
		"schedule_follow_up_task:run", "add_to_hot_leads_list:run"}
	if !slices.Equal(got, want) {
		t.Errorf("next actions at L5 = %v, want %v", got, want)
	}
	if events, err := shellDecide(s, autonomyCmd(5), morning); events != nil || err != nil {
		t.Errorf("same level: %v %v, want nothing", events, err)
	}
	for _, bad := range []int32{0, 6, -1} {
		if _, err := shellDecide(s, autonomyCmd(bad), morning); !slices.Equal(fieldNames(err), []string{"level"}) {
			t.Errorf("level %d: %v, want Invalid on level", bad, err)
		}
	}
	events, err := shellDecide(&aidapb.Lead{Status: StatusConverted, AutonomyLevel: 2}, autonomyCmd(4), morning)
	if err != nil || !slices.Equal(types(events), []string{TypeAutonomyChanged}) {
		t.Errorf("converted lead: %v %v, want only %s", types(events), err, TypeAutonomyChanged)
	}
}

func TestAddNote(t *testing.T) {
	s := &aidapb.Lead{Email: "a@b.org", Status: StatusNew, Version: 3}
	s, events := mustRun(t, s, noteCmd("  Called, wants a demo on Friday.  ", ""), morning)
	if events[0].Type != TypeNoteAdded || len(s.Notes) != 1 {
		t.Fatalf("events %v notes %v", types(events), s.Notes)
	}
	n := s.Notes[0]
	if n.Id != "ev-4" || n.Text != "Called, wants a demo on Friday." || n.Author != "user:7" || !n.CreatedAt.AsTime().Equal(morning) {
		t.Errorf("note %v", n)
	}
	s, _ = mustRun(t, s, noteCmd("second", "Grace"), morning)
	if len(s.Notes) != 2 || s.Notes[1].Author != "Grace" {
		t.Errorf("notes %v", s.Notes)
	}
	tests := []struct {
		text string
		ok   bool
	}{
		{"", false},
		{" \n\t ", false},
		{strings.Repeat("é", 5000), true},
		{strings.Repeat("é", 5001), false},
	}
	for _, tt := range tests {
		_, err := shellDecide(s, noteCmd(tt.text, ""), morning)
		if tt.ok != (err == nil) || (!tt.ok && !slices.Equal(fieldNames(err), []string{"text"})) {
			t.Errorf("note of %d runes: %v", len([]rune(tt.text)), err)
		}
	}
}

// TestReplay checks that a lead rebuilt from its journal equals the lead that produced it.
func TestReplay(t *testing.T) {
	var s *aidapb.Lead
	var journal []*aidapb.Event
	for i, cmd := range []*aidapb.Command{
		captureCmd(adaCapture()),
		statusCmd("contacted"),
		updateCmd(&aidapb.UpdateLead{Phone: proto.String("+44 20 7946 0958")}),
		noteCmd("met at the exhibition", ""),
		autonomyCmd(4),
		archiveCmd(),
		restoreCmd(),
		statusCmd("qualified"),
		convertCmd("deal-42"),
	} {
		var events []*aidapb.Event
		s, events = mustRun(t, s, cmd, morning.Add(time.Duration(i)*time.Minute))
		journal = append(journal, events...)
	}
	var replayed *aidapb.Lead
	for _, e := range journal {
		replayed = fold(replayed, proto.Clone(e).(*aidapb.Event))
	}
	if !proto.Equal(s, replayed) {
		t.Errorf("replayed state differs:\n got %v\nwant %v", replayed, s)
	}
	if s.Status != StatusConverted || s.DealId != "deal-42" || s.Version != int64(len(journal)) || s.AutonomyLevel != 4 {
		t.Errorf("final state %s %q v%d L%d", s.Status, s.DealId, s.Version, s.AutonomyLevel)
	}
	if !s.CreatedAt.AsTime().Equal(morning) || !s.UpdatedAt.AsTime().Equal(morning.Add(8*time.Minute)) {
		t.Errorf("created %v updated %v", s.CreatedAt.AsTime(), s.UpdatedAt.AsTime())
	}
}

func TestApplyEdgeCases(t *testing.T) {
	ev := &aidapb.Event{Version: 1, Data: &aidapb.Event_LeadStatusChanged{LeadStatusChanged: &aidapb.LeadStatusChanged{To: "contacted"}}}
	if Apply(nil, ev) != nil {
		t.Error("a non-capture event on nil should give nil")
	}
	s := &aidapb.Lead{Id: "l1", Status: StatusNew, Version: 3}
	other := &aidapb.Event{Version: 4, Data: &aidapb.Event_DealCreated{DealCreated: &aidapb.DealCreated{}}}
	if got := Apply(s, other); got.Version != 3 || got.Status != StatusNew {
		t.Errorf("another kind's event changed the lead: %v", got)
	}
	// A captured lead without an ID keeps the ID the state had.
	cap := &aidapb.Event{Version: 1, Data: &aidapb.Event_LeadCaptured{LeadCaptured: &aidapb.LeadCaptured{Lead: &aidapb.Lead{Email: "a@b.org"}}}}
	if got := Apply(&aidapb.Lead{Id: "l1"}, cap); got.Id != "l1" || got.Email != "a@b.org" || got.Version != 1 {
		t.Errorf("captured onto a shell state: %v", got)
	}
}
