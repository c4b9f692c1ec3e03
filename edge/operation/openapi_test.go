package operation

import (
	"encoding/json"
	"github.com/aidacrm/aida/api/rest"
	"regexp"
	"strings"
	"testing"
)

func TestOpenAPIDocument(t *testing.T) {
	b, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for _, ref := range regexp.MustCompile(`"\$ref": "#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(b), -1) {
		if doc.Components.Schemas[ref[1]] == nil {
			t.Errorf("$ref %s does not resolve", ref[1])
		}
	}
	ids := map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			id, _ := op["operationId"].(string)
			if id == "" || ids[id] {
				t.Errorf("%s %s: missing or repeated operationId %q", method, path, id)
			}
			ids[id] = true
			responses, _ := op["responses"].(map[string]any)
			if responses["200"] == nil && responses["201"] == nil && responses["204"] == nil {
				t.Errorf("%s %s documents no success response", method, path)
			}
			if strings.Contains(path, "{id}") && responses["404"] == nil {
				t.Errorf("%s %s documents no 404", method, path)
			}
			if (method == "post" || method == "patch") && op["requestBody"] == nil &&
				!strings.HasSuffix(path, "/restore") {
				t.Errorf("%s %s documents no request body", method, path)
			}
			inPath := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if p := p.(map[string]any); p["in"] == "path" {
					inPath[p["name"].(string)] = true
				}
			}
			names := regexp.MustCompile(`\{([a-z_]+)\}`).FindAllStringSubmatch(path, -1)
			for _, m := range names {
				if !inPath[m[1]] {
					t.Errorf("%s %s documents no path parameter %s", method, path, m[1])
				}
			}
			if len(inPath) != len(names) {
				t.Errorf("%s %s documents path parameters %v", method, path, inPath)
			}
		}
	}
	capture := doc.Components.Schemas["CaptureRequest"].(map[string]any)
	if capture["additionalProperties"] != false {
		t.Error("request schemas must refuse unknown properties")
	}
	if req, _ := capture["required"].([]any); len(req) != 1 || req[0] != "email" {
		t.Errorf("CaptureRequest required = %v, want [email]", capture["required"])
	}
	for name, want := range map[string]string{"TaskRequest": "title", "DraftRequest": "body",
		"SignalRequest": "type", "SequenceRequest": "type", "OnboardingRequest": "deal_id", "ReasonRequest": ""} {
		schema, _ := doc.Components.Schemas[name].(map[string]any)
		var got []string
		req, _ := schema["required"].([]any)
		for _, r := range req {
			got = append(got, r.(string))
		}
		if schema == nil || strings.Join(got, ",") != want {
			t.Errorf("%s required = %v, want %s", name, got, want)
		}
	}
	for _, view := range []string{"Lead", "Deal", "Account"} {
		props := doc.Components.Schemas[view].(map[string]any)["properties"].(map[string]any)
		for _, field := range []string{"tasks", "flags", "drafts", "engagement", "reminders"} {
			if props[field] == nil {
				t.Errorf("%s documents no %s", view, field)
			}
		}
	}
	if doc.Paths["/api/v1/deals/{id}/flags/{name}"]["put"] == nil || doc.Paths["/api/v1/leads/{id}/sequence"]["delete"] == nil {
		t.Error("the flag and sequence routes are not documented")
	}
}

// TestOpenAPIStatsAndSorts: the overview route documents its body, every key of which is
// required, and each list documents the orders it takes.
func TestOpenAPIStatsAndSorts(t *testing.T) {
	b, err := OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc.Paths["/api/v1/stats/overview"]["get"]
	if op == nil {
		t.Fatal("GET /api/v1/stats/overview is not documented")
	}
	ok, _ := json.Marshal(op["responses"].(map[string]any)["200"])
	if !strings.Contains(string(ok), `"#/components/schemas/Overview"`) {
		t.Errorf("overview 200 response %s does not refer to Overview", ok)
	}
	required := func(schema string) string {
		var out []string
		req, _ := doc.Components.Schemas[schema]["required"].([]any)
		for _, r := range req {
			out = append(out, r.(string))
		}
		return strings.Join(out, ",")
	}
	for schema, want := range map[string]string{
		"Overview":      "leads,deals,accounts,funnel,pipeline,autonomy,recent_leads,generated_at",
		"Pipeline":      "open_value,weighted_value,won_value,by_forecast",
		"ForecastTotal": "count,value,weighted",
		"RecentLead":    "id,full_name,email,company,status,score,next_action,autonomy_level,created_at",
	} {
		if got := required(schema); got != want {
			t.Errorf("%s required = %s, want %s", schema, got, want)
		}
	}
	byStatus, _ := json.Marshal(doc.Components.Schemas["LeadCounts"]["properties"].(map[string]any)["by_status"])
	if !strings.Contains(string(byStatus), `"additionalProperties":{"format":"int64","type":"integer"}`) {
		t.Errorf("by_status schema %s: want an object of integers", byStatus)
	}
	for path, kind := range map[string]string{"/api/v1/leads": "lead", "/api/v1/deals": "deal", "/api/v1/accounts": "account"} {
		var enum []any
		params, _ := doc.Paths[path]["get"]["parameters"].([]any)
		for _, p := range params {
			if p := p.(map[string]any); p["name"] == "sort" && p["in"] == "query" {
				enum, _ = p["schema"].(map[string]any)["enum"].([]any)
			}
		}
		var got []string
		for _, e := range enum {
			got = append(got, e.(string))
		}
		if strings.Join(got, ",") != strings.Join(rest.Sorts(kind), ",") {
			t.Errorf("GET %s sort enum %v, want %v", path, got, rest.Sorts(kind))
		}
	}
}
