package operation

import (
	"regexp"
	"slices"
	"testing"

	"github.com/aidacrm/aida/policies/access"
)

// TestTableRows checks what every row must say: a known role, a success status and summary, a
// unique method and path, a unique NATS name within its kind, and a path parameter that is the
// one the row names. Operations with a NATS name run an entity call.
func TestTableRows(t *testing.T) {
	routes := map[string]bool{}
	names := map[string]bool{}
	ids := map[string]bool{}
	params := regexp.MustCompile(`\{([a-z_]+)\}`)
	for _, op := range Table() {
		route := op.Method + " " + op.Path
		if routes[route] {
			t.Errorf("%s: two rows", route)
		}
		routes[route] = true
		if ids[op.Doc.ID] || op.Doc.ID == "" {
			t.Errorf("%s: operation ID %q missing or repeated", route, op.Doc.ID)
		}
		ids[op.Doc.ID] = true
		if !slices.Contains(access.Roles(), op.Role) {
			t.Errorf("%s: role %q is none of %v", route, op.Role, access.Roles())
		}
		if op.Status == 0 || op.Summary == "" {
			t.Errorf("%s: no success status or summary", route)
		}
		var other []string
		for _, m := range params.FindAllStringSubmatch(op.Path, -1) {
			if m[1] != "id" {
				other = append(other, m[1])
			}
		}
		if want := []string{op.Param}; op.Param == "" && len(other) > 0 || op.Param != "" && !slices.Equal(other, want) {
			t.Errorf("%s: path parameters %v, row names %q", route, other, op.Param)
		}
		if op.Name != "" {
			if op.Call == nil || op.Kind == "" {
				t.Errorf("%s: NATS command %q without a kind or an entity call", route, op.Name)
			}
			if names[op.Kind+" "+op.Name] {
				t.Errorf("%s: NATS command %s %s twice", route, op.Kind, op.Name)
			}
			names[op.Kind+" "+op.Name] = true
		}
		if op.Decode != nil && op.Call == nil {
			t.Errorf("%s: decodes a command but calls no entity", route)
		}
	}
	if len(routes) < 57 {
		t.Errorf("only %d operations", len(routes))
	}
}
