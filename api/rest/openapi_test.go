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
		}
	}
	capture := doc.Components.Schemas["CaptureRequest"].(map[string]any)
	if capture["additionalProperties"] != false {
		t.Error("request schemas must refuse unknown properties")
	}
	if req, _ := capture["required"].([]any); len(req) != 1 || req[0] != "email" {
		t.Errorf("CaptureRequest required = %v, want [email]", capture["required"])
	}
}
