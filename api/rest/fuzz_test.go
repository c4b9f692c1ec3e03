package rest

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// fuzzDecoder checks a decoder's promise on any input: no panic; either ErrBadJSON, a
// fault.Invalid naming at least one field, or a command with a body that marshals.
func fuzzDecoder(f *testing.F, decode func([]byte) (*aidapb.Command, error), seeds ...string) {
	f.Helper()
	for _, s := range append(seeds, ``, `{}`, `null`, `[]`, `{"a":1}`, `{"x":`, "\xff", `{"email":"\ud800"}`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, err := decode(body)
		if err != nil {
			var fe *fault.Error
			switch {
			case errors.Is(err, ErrBadJSON):
			case errors.As(err, &fe) && fe.Code == fault.Invalid && len(fe.Fields) > 0:
			default:
				t.Fatalf("error %v is neither ErrBadJSON nor an Invalid with fields", err)
			}
			return
		}
		if cmd == nil || cmd.GetBody() == nil {
			t.Fatalf("nil command or body without an error")
		}
		if _, err := proto.Marshal(cmd); err != nil {
			t.Fatalf("decoded command does not marshal: %v", err)
		}
	})
}

func FuzzDecodeCapture(f *testing.F) {
	fuzzDecoder(f, DecodeCapture, `{"email":"a@b.co"}`,
		`{"email":"a@b.co","utm":{"utm_source":"x"},"utm_term":"y","custom_fields":{"a":[1,{"b":null}]},"autonomy_level":5}`,
		`{"email":"a@b.co","autonomy_level":9}`, `{"email":7}`)
}

func FuzzDecodeUpdateLead(f *testing.F) {
	fuzzDecoder(f, DecodeUpdateLead, `{"company":"x"}`, `{"custom_fields":{"a":null}}`, `{"email":""}`)
}

func FuzzDecodeLeadStatus(f *testing.F) {
	fuzzDecoder(f, DecodeLeadStatus, `{"status":"qualified"}`, `{"status":"x"}`)
}

func FuzzDecodeAutonomy(f *testing.F) {
	fuzzDecoder(f, DecodeAutonomy, `{"level":3,"reason":"r"}`, `{"level":-1}`)
}

func FuzzDecodeNote(f *testing.F) {
	fuzzDecoder(f, DecodeNote, `{"text":"hello"}`, `{"text":""}`)
}

func FuzzDecodeConvert(f *testing.F) {
	fuzzDecoder(f, DecodeConvert, `{"title":"t","value":"1.50","currency":"USD","expected_close_date":"2026-01-31"}`,
		`{"value":1e400}`, `{"value":"1.23456"}`)
}

func FuzzDecodeCreateDeal(f *testing.F) {
	fuzzDecoder(f, DecodeCreateDeal, `{"title":"t","value":10,"stage":"prospect"}`, `{"title":"t","lead_id":"nope"}`)
}

func FuzzDecodeUpdateDeal(f *testing.F) {
	fuzzDecoder(f, DecodeUpdateDeal, `{"probability":50}`, `{"value":null}`)
}

func FuzzDecodeDealStage(f *testing.F) {
	fuzzDecoder(f, DecodeDealStage, `{"stage":"closed_won"}`, `{"stage":"WON"}`)
}

func FuzzDecodeCreateAccount(f *testing.F) {
	fuzzDecoder(f, DecodeCreateAccount, `{"name":"ACME"}`, `{"from_deal_id":"0190a5c4-1b2c-7d3e-8f40-123456789abc"}`)
}

func FuzzDecodeUpdateAccount(f *testing.F) {
	fuzzDecoder(f, DecodeUpdateAccount, `{"lifecycle":"active"}`, `{"name":""}`)
}
