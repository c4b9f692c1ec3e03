package rest

import (
	"encoding/json"
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
			if responses["200"] == nil && responses["201"] == nil {
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
		"SignalRequest": "signal_id,type", "SequenceRequest": "type", "OnboardingRequest": "deal_id", "ReasonRequest": ""} {
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
