package rest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

func ptr[T any](v T) *T { return &v }

// fieldsOfErr returns the names of the invalid fields of an Invalid error.
func fieldsOfErr(t *testing.T, err error) []string {
	t.Helper()
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Code != fault.Invalid {
		t.Fatalf("error = %v, want a fault.Invalid", err)
	}
	var names []string
	for _, f := range fe.Fields {
		if f.Message == "" {
			t.Errorf("field %s has no message", f.Name)
		}
		names = append(names, f.Name)
	}
	return names
}

type decodeCase struct {
	name    string
	body    string
	want    *aidapb.Command // on success
	badJSON bool
	fields  []string // the invalid fields, in order
}

func runDecode(t *testing.T, decode func([]byte) (*aidapb.Command, error), cases []decodeCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decode([]byte(tc.body))
			switch {
			case tc.badJSON:
				if !errors.Is(err, ErrBadJSON) {
					t.Fatalf("error = %v, want ErrBadJSON", err)
				}
			case tc.fields != nil:
				if names := fieldsOfErr(t, err); !slices.Equal(names, tc.fields) {
					t.Fatalf("invalid fields = %v, want %v (%v)", names, tc.fields, err)
				}
			default:
				if err != nil {
					t.Fatalf("error = %v", err)
				}
				if !proto.Equal(got, tc.want) {
					t.Fatalf("command =\n%v\nwant\n%v", got, tc.want)
				}
			}
		})
	}
}

func TestDecodeCapture(t *testing.T) {
	custom, _ := structpb.NewStruct(map[string]any{"size": 12.0, "tags": []any{"a"}})
	capture := func(c *aidapb.CaptureLead) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: c}}
	}
	runDecode(t, DecodeCapture, []decodeCase{
		{name: "minimal", body: `{"email":" Ada@Example.COM "}`,
			want: capture(&aidapb.CaptureLead{Email: "ada@example.com", Utm: map[string]string{}})},
		{name: "full", body: `{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace",
			"company":"Analytical","phone":"+44 1","source":"web","campaign":"spring",
			"utm":{"utm_source":"google","utm_medium":"cpc"},"utm_medium":"email","utm_term":"crm",
			"custom_fields":{"size":12,"tags":["a"]},"owner":"bob","autonomy_level":3}`,
			want: capture(&aidapb.CaptureLead{Email: "ada@example.com", FirstName: "Ada", LastName: "Lovelace",
				Company: "Analytical", Phone: "+44 1", Source: "web", Campaign: "spring",
				Utm:          map[string]string{"utm_source": "google", "utm_medium": "cpc", "utm_term": "crm"},
				CustomFields: custom, Owner: "bob", AutonomyLevel: 3})},
		{name: "empty body", body: ``, badJSON: true},
		{name: "blank body", body: " \n ", badJSON: true},
		{name: "not json", body: `{"email":`, badJSON: true},
		{name: "array", body: `[{"email":"a@b.co"}]`, badJSON: true},
		{name: "string", body: `"a@b.co"`, badJSON: true},
		{name: "missing email", body: `{}`, fields: []string{"email"}},
		{name: "null email", body: `{"email":null}`, fields: []string{"email"}},
		{name: "bad email", body: `{"email":"Ada <ada@example.com>"}`, fields: []string{"email"}},
		{name: "email without domain dot", body: `{"email":"ada@localhost"}`, fields: []string{"email"}},
		{name: "unknown field", body: `{"email":"a@b.co","emial":"x","zzz":1}`, fields: []string{"emial", "zzz"}},
		{name: "wrong types", body: `{"email":5,"autonomy_level":"high","utm":[]}`,
			fields: []string{"autonomy_level", "email", "utm"}},
		{name: "utm value not a string", body: `{"email":"a@b.co","utm":{"utm_source":5}}`,
			fields: []string{"utm"}},
		{name: "custom fields not an object", body: `{"email":"a@b.co","custom_fields":"x"}`, fields: []string{"custom_fields"}},
		{name: "level out of range", body: `{"email":"a@b.co","autonomy_level":6}`, fields: []string{"autonomy_level"}},
		{name: "level overflow", body: `{"email":"a@b.co","autonomy_level":1e20}`, fields: []string{"autonomy_level"}},
		{name: "level fraction", body: `{"email":"a@b.co","autonomy_level":2.5}`, fields: []string{"autonomy_level"}},
		{name: "too long name", body: `{"email":"a@b.co","first_name":"` + strings.Repeat("x", 201) + `"}`,
			fields: []string{"first_name"}},
	})
}

func TestDecodeUpdateLead(t *testing.T) {
	update := func(u *aidapb.UpdateLead) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_UpdateLead{UpdateLead: u}}
	}
	runDecode(t, DecodeUpdateLead, []decodeCase{
		{name: "some fields", body: `{"company":"ACME","owner":""}`,
			want: update(&aidapb.UpdateLead{Company: ptr("ACME"), Owner: ptr("")})},
		{name: "utm only", body: `{"utm":{"utm_source":""}}`,
			want: update(&aidapb.UpdateLead{Utm: map[string]string{"utm_source": ""}})},
		{name: "nothing", body: `{}`, fields: []string{"body"}},
		{name: "empty email", body: `{"email":""}`, fields: []string{"email"}},
		{name: "unknown", body: `{"status":"new"}`, fields: []string{"status"}},
		{name: "bad json", body: `{`, badJSON: true},
	})
}

func TestDecodeLeadStatus(t *testing.T) {
	runDecode(t, DecodeLeadStatus, []decodeCase{
		{name: "ok", body: `{"status":"Qualified","reason":"budget"}`,
			want: &aidapb.Command{Body: &aidapb.Command_ChangeLeadStatus{ChangeLeadStatus: &aidapb.ChangeLeadStatus{Status: "qualified", Reason: "budget"}}}},
		{name: "missing", body: `{"reason":"x"}`, fields: []string{"status"}},
		{name: "converted is not a move", body: `{"status":"converted"}`, fields: []string{"status"}},
		{name: "empty", body: ``, badJSON: true},
	})
}

func TestDecodeAutonomy(t *testing.T) {
	runDecode(t, DecodeAutonomy, []decodeCase{
		{name: "ok", body: `{"level":4,"reason":"trusted"}`,
			want: &aidapb.Command{Body: &aidapb.Command_SetAutonomy{SetAutonomy: &aidapb.SetAutonomy{Level: 4, Reason: "trusted"}}}},
		{name: "missing level", body: `{}`, fields: []string{"level"}},
		{name: "zero", body: `{"level":0}`, fields: []string{"level"}},
		{name: "string", body: `{"level":"4"}`, fields: []string{"level"}},
	})
}

func TestDecodeNote(t *testing.T) {
	runDecode(t, DecodeNote, []decodeCase{
		{name: "ok", body: `{"text":"  called back  "}`,
			want: &aidapb.Command{Body: &aidapb.Command_AddNote{AddNote: &aidapb.AddNote{Text: "called back"}}}},
		{name: "blank", body: `{"text":"   "}`, fields: []string{"text"}},
		{name: "too long", body: `{"text":"` + strings.Repeat("é", 10_001) + `"}`, fields: []string{"text"}},
		{name: "author is not the client's", body: `{"text":"x","author":"mallory"}`, fields: []string{"author"}},
	})
}

func TestDecodeConvert(t *testing.T) {
	create := func(d *aidapb.CreateDeal) *aidapb.Command {
		return &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: d}}
	}
	runDecode(t, DecodeConvert, []decodeCase{
		{name: "no body", body: ``, want: create(&aidapb.CreateDeal{})},
		{name: "empty object", body: `{}`, want: create(&aidapb.CreateDeal{})},
		{name: "all", body: `{"title":"Big","value":12500.5,"currency":"eur","expected_close_date":"2026-03-31","owner":"bob"}`,
			want: create(&aidapb.CreateDeal{Title: "Big", Value: "12500.5", Currency: "EUR", ExpectedCloseDate: "2026-03-31", Owner: "bob"})},
		{name: "string value", body: `{"value":"99.99"}`, want: create(&aidapb.CreateDeal{Value: "99.99"})},
		{name: "bad values", body: `{"value":"-1","currency":"EURO","expected_close_date":"2026-02-30"}`,
			fields: []string{"value", "currency", "expected_close_date"}},
		{name: "exponent", body: `{"value":1e9}`, fields: []string{"value"}},
		{name: "bool value", body: `{"value":true}`, fields: []string{"value"}},
		{name: "bad json", body: `{"value":}`, badJSON: true},
	})
}

func TestDecodeCreateDeal(t *testing.T) {
	runDecode(t, DecodeCreateDeal, []decodeCase{
		{name: "ok", body: `{"title":"Renewal","lead_id":"0190A5C4-1B2C-7D3E-8F40-123456789ABC","stage":"proposal","value":"100","contact_email":"x@y.io","autonomy_level":2}`,
			want: &aidapb.Command{Body: &aidapb.Command_CreateDeal{CreateDeal: &aidapb.CreateDeal{Title: "Renewal",
				LeadId: "0190a5c4-1b2c-7d3e-8f40-123456789abc", Stage: "proposal", Value: "100", ContactEmail: "x@y.io", AutonomyLevel: 2}}}},
		{name: "missing title", body: `{}`, fields: []string{"title"}},
		{name: "bad fields", body: `{"title":"x","lead_id":"42","stage":"won","contact_email":"nope"}`,
			fields: []string{"lead_id", "contact_email", "stage"}},
	})
}

func TestDecodeUpdateDeal(t *testing.T) {
	runDecode(t, DecodeUpdateDeal, []decodeCase{
		{name: "ok", body: `{"value":"10.00","probability":40}`,
			want: &aidapb.Command{Body: &aidapb.Command_UpdateDeal{UpdateDeal: &aidapb.UpdateDeal{Value: ptr("10.00"), Probability: ptr[int32](40)}}}},
		{name: "nothing", body: `{}`, fields: []string{"body"}},
		{name: "bad probability", body: `{"probability":101}`, fields: []string{"probability"}},
		{name: "empty title", body: `{"title":" "}`, fields: []string{"title"}},
		{name: "bad account", body: `{"account_id":"x"}`, fields: []string{"account_id"}},
	})
}

func TestDecodeDealStage(t *testing.T) {
	runDecode(t, DecodeDealStage, []decodeCase{
		{name: "ok", body: `{"stage":"closed_won","reason":"signed"}`,
			want: &aidapb.Command{Body: &aidapb.Command_ChangeDealStage{ChangeDealStage: &aidapb.ChangeDealStage{Stage: "closed_won", Reason: "signed"}}}},
		{name: "missing", body: `{}`, fields: []string{"stage"}},
		{name: "unknown stage", body: `{"stage":"won"}`, fields: []string{"stage"}},
		{name: "stage not a string", body: `{"stage":["won"]}`, fields: []string{"stage"}},
	})
}

func TestDecodeCreateAccount(t *testing.T) {
	runDecode(t, DecodeCreateAccount, []decodeCase{
		{name: "fields", body: `{"name":"ACME","domain":"acme.com","owner":"bob","autonomy_level":3}`,
			want: &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{Name: "ACME", Domain: "acme.com", Owner: "bob", AutonomyLevel: 3}}}},
		{name: "from deal", body: `{"from_deal_id":"0190a5c4-1b2c-7d3e-8f40-123456789abc"}`,
			want: &aidapb.Command{Body: &aidapb.Command_CreateAccount{CreateAccount: &aidapb.CreateAccount{
				Deals: []*aidapb.AccountDeal{{DealId: "0190a5c4-1b2c-7d3e-8f40-123456789abc"}}}}}},
		{name: "from deal and name", body: `{"from_deal_id":"0190a5c4-1b2c-7d3e-8f40-123456789abc","name":"x","autonomy_level":2}`,
			fields: []string{"name", "autonomy_level"}},
		{name: "bad deal id", body: `{"from_deal_id":"x"}`, fields: []string{"from_deal_id"}},
		{name: "missing name", body: `{"domain":"acme.com"}`, fields: []string{"name"}},
	})
}

func TestDecodeUpdateAccount(t *testing.T) {
	runDecode(t, DecodeUpdateAccount, []decodeCase{
		{name: "ok", body: `{"lifecycle":"at_risk"}`,
			want: &aidapb.Command{Body: &aidapb.Command_UpdateAccount{UpdateAccount: &aidapb.UpdateAccount{Lifecycle: ptr("at_risk")}}}},
		{name: "nothing", body: `{}`, fields: []string{"body"}},
		{name: "bad lifecycle", body: `{"lifecycle":"dead"}`, fields: []string{"lifecycle"}},
	})
}
