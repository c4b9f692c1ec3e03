package edge

import (
	"slices"

	"encoding/json"
	"github.com/aidacrm/aida/edge/web"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks that /openapi.json documents every route of the app with the
// same method and path, and documents no route the app lacks.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	h := newHarness(t, Config{})
	r := h.do(t, "GET", "/openapi.json", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method := range item {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	param := regexp.MustCompile(`:([a-zA-Z_]+)`)
	served := map[string]bool{}
	for _, rt := range h.srv.App().GetRoutes(true) {
		if rt.Method == "HEAD" {
			continue // fiber adds HEAD to every GET
		}
		if slices.Contains(web.Routes(), rt.Path) {
			continue // the dashboard's page and assets are not the API
		}
		key := rt.Method + " " + param.ReplaceAllString(rt.Path, "{$1}")
		served[key] = true
		if !documented[key] {
			t.Errorf("%s is served but not documented", key)
		}
	}
	for key := range documented {
		if !served[key] {
			t.Errorf("%s is documented but not served", key)
		}
	}
	if len(served) < 57 {
		t.Errorf("only %d routes served", len(served))
	}
}
