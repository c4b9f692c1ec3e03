package rest

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/api/fault"
)

// strictSeeds are bodies every decoder must refuse, whatever its fields: duplicate keys (at the
// top and nested), invalid UTF-8 in a value and in a key, and unpaired surrogate escapes.
var strictSeeds = []string{`{"email":"a@b.co","email":"c@d.co"}`, `{"a":1,"a":2}`,
	`{"custom_fields":{"k":1,"k":2}}`, `{"utm":{"utm_source":"x","utm_source":"y"}}`,
	"{\"email\":\"a@b.co\",\"first_name\":\"\xc3\x28\"}", "{\"\xff\":1}", "{\"reason\":\"\xed\xa0\x80\"}",
	`{"reason":"\udc00"}`, `{"reason":"\ud83d"}`, `{"reason":"\ud83d\ude00"}`}

// fuzzDecoder checks a decoder's promise on any input: no panic; either ErrBadJSON, a
// fault.Invalid naming at least one field, or a command with a body that marshals, decoded
// from a body of valid UTF-8 (invalid bytes in a string are refused, never replaced).
func fuzzDecoder(f *testing.F, decode func([]byte) (*aidapb.Command, error), seeds ...string) {
	f.Helper()
	seeds = append(seeds, ``, `{}`, `null`, `[]`, `{"a":1}`, `{"x":`, "\xff", `{"email":"\ud800"}`)
	for _, s := range append(seeds, strictSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, err := decode(body)
		checkDecoded(t, cmd, err)
		if err == nil && !utf8.Valid(body) {
			t.Fatalf("decoded a body that is not valid UTF-8: %q", body)
		}
	})
}

// fuzzPathDecoder is fuzzDecoder for a decoder that also takes a path parameter; each seed
// body is tried with a valid, an empty and an oversized parameter.
func fuzzPathDecoder(f *testing.F, decode func(string, []byte) (*aidapb.Command, error), seeds ...string) {
	f.Helper()
	for _, s := range append(append(seeds, ``, `{}`, `null`, `[]`, `{"reason":1}`, `{"x":`, "\xff", `{"reason":"\ud800"}`), strictSeeds...) {
		for _, p := range []string{"p1", "", strings.Repeat("p", 101), "\xff"} {
			f.Add(p, []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, param string, body []byte) {
		cmd, err := decode(param, body)
		checkDecoded(t, cmd, err)
	})
}

// checkDecoded checks a decoder's promise: ErrBadJSON, a fault.Invalid naming at least one
// field, or a command with a body that marshals.
func checkDecoded(t *testing.T, cmd *aidapb.Command, err error) {
	t.Helper()
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

func FuzzDecodeTask(f *testing.F) {
	fuzzDecoder(f, DecodeTask, `{"title":"Call","assignee":"bob","due_at":"2026-01-01T09:00:00Z","reason":"r","key":"k"}`,
		`{"title":"x","due_at":"9999-12-31T23:59:59.999999999-23:59"}`, `{"title":"x","due_at":"0000-01-01T00:00:00Z"}`)
}

func FuzzDecodeCompleteTask(f *testing.F) {
	fuzzPathDecoder(f, DecodeCompleteTask, `{"reason":"done"}`)
}

func FuzzDecodeSetFlag(f *testing.F) {
	fuzzPathDecoder(f, DecodeSetFlag, `{"reason":"no activity"}`)
}

func FuzzDecodeClearFlag(f *testing.F) {
	for _, s := range [][2]string{{"stale", ""}, {"", "r"}, {"\xff", "\xff"}, {strings.Repeat("n", 101), strings.Repeat("r", 1001)}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, reason string) {
		cmd, err := DecodeClearFlag(name, reason)
		checkDecoded(t, cmd, err)
	})
}

func FuzzDecodeDraft(f *testing.F) {
	fuzzDecoder(f, DecodeDraft, `{"channel":"email","to":"a@b.co","subject":"s","body":"b","reason":"r","key":"k"}`,
		`{"channel":"sms","to":"+1","body":"b"}`, `{"channel":"sms","subject":"s","body":"b"}`)
}

func FuzzDecodeApproveDraft(f *testing.F) {
	fuzzPathDecoder(f, DecodeApproveDraft, `{"reason":"good"}`)
}

func FuzzDecodeDiscardDraft(f *testing.F) {
	fuzzPathDecoder(f, DecodeDiscardDraft, `{"reason":"tone"}`)
}

func FuzzDecodeSignal(f *testing.F) {
	fuzzDecoder(f, DecodeSignal, `{"signal_id":"s1","type":"email.replied","at":"2026-01-01T00:00:00Z","from":"a@b.co","subject":"Re","text":"yes"}`,
		`{"signal_id":"s1","type":"sms.opted_out"}`, `{"signal_id":"s1","type":"x"}`)
}

func FuzzDecodeStartSequence(f *testing.F) {
	fuzzDecoder(f, DecodeStartSequence, `{"type":"welcome","reason":"new"}`, `{"type":"cold"}`)
}

func FuzzDecodeStopSequence(f *testing.F) {
	for _, s := range []string{"", "replied", "\xff", strings.Repeat("r", 1001)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, reason string) {
		cmd, err := DecodeStopSequence(reason)
		checkDecoded(t, cmd, err)
	})
}

func FuzzDecodeStartOnboarding(f *testing.F) {
	fuzzDecoder(f, DecodeStartOnboarding, `{"deal_id":"0190a5c4-1b2c-7d3e-8f40-123456789abc","template":"enterprise"}`,
		`{"deal_id":"x","template":"gold"}`)
}

func FuzzDecodeCompleteMilestone(f *testing.F) {
	fuzzPathDecoder(f, DecodeCompleteMilestone, `{"reason":"kicked off"}`)
}

func FuzzDecodeRecomputeHealth(f *testing.F) {
	fuzzDecoder(f, DecodeRecomputeHealth, `{"reason":"usage"}`)
}
