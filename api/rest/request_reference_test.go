package rest

import (
	"testing"

	"google.golang.org/protobuf/types/known/structpb"

	"github.com/aidacrm/aida/api/aidapb"
)

func TestDecodeCaptureReferenceNames(t *testing.T) {
	capture := func(c *aidapb.CaptureLead) *aidapb.Command {
		c.Email = "ada@example.com"
		return &aidapb.Command{Body: &aidapb.Command_CaptureLead{CaptureLead: c}}
	}
	client, _ := structpb.NewStruct(map[string]any{"plan": "pro", "ip_address": "203.0.113.9",
		"user_agent": "Mozilla/5.0", "referer": "https://example.com/pricing"})
	runDecode(t, DecodeCapture, []decodeCase{
		{name: "the reference body as it is",
			body: `{"email":"ada@example.com","first_name":"Ada","source":"web","campaign":"spring",
			"utm_params":{"utm_source":"google"},"custom_fields":{"plan":"pro"},
			"user_id":"0190a5c4-1b2c-7d3e-8f40-123456789abc","ip_address":"203.0.113.9",
			"user_agent":"Mozilla/5.0","referer":"https://example.com/pricing"}`,
			want: capture(&aidapb.CaptureLead{FirstName: "Ada", Source: "web", Campaign: "spring",
				Utm: map[string]string{"utm_source": "google"}, CustomFields: client,
				Owner: "0190a5c4-1b2c-7d3e-8f40-123456789abc"})},
		{name: "both names, same values",
			body: `{"email":"ada@example.com","utm":{"utm_source":"g"},"utm_params":{"utm_source":"g"},"owner":"bob","user_id":"bob"}`,
			want: capture(&aidapb.CaptureLead{Utm: map[string]string{"utm_source": "g"}, Owner: "bob"})},
		{name: "utm_params with a top-level utm key",
			body: `{"email":"ada@example.com","utm_params":{"utm_source":"g"},"utm_term":"crm"}`,
			want: capture(&aidapb.CaptureLead{Utm: map[string]string{"utm_source": "g", "utm_term": "crm"}})},
		{name: "both names, different values",
			body:   `{"email":"ada@example.com","utm":{"utm_source":"g"},"utm_params":{"utm_source":"b"},"owner":"bob","user_id":"eve"}`,
			fields: []string{"utm_params", "user_id"}},
		{name: "client detail also in custom_fields, differently",
			body:   `{"email":"ada@example.com","custom_fields":{"referer":"x"},"referer":"y"}`,
			fields: []string{"referer"}},
		{name: "wrong types", body: `{"email":"ada@example.com","utm_params":["x"],"user_id":7}`,
			fields: []string{"user_id", "utm_params"}},
	})
}
