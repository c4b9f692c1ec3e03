package edge

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aidacrm/aida/api/aidapb"
	"github.com/aidacrm/aida/edge/operation"
	"github.com/aidacrm/aida/persistence"
	"github.com/aidacrm/aida/policies/access"
)

// bearer makes a key of role named name in the harness's store and returns its header value.
func (h *harness) bearer(t *testing.T, name string, role access.Role) string {
	t.Helper()
	_, token, err := h.keys.Create(t.Context(), name, role, 0)
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + token
}

// concretePath fills an operation's path with an ID of its kind and a parameter value.
func concretePath(op operation.Operation) string {
	id := map[string]string{"lead": leadID, "deal": dealID, "account": accountID}[op.Kind]
	return regexp.MustCompile(`\{[a-z_]+\}`).ReplaceAllStringFunc(op.Path, func(p string) string {
		if p == "{id}" {
			return id
		}
		return "x1"
	})
}

// TestRoleMatrix walks the whole operation table with every role and none: an operation
// answers 401 without credentials (but the public ones), 403 to a role below its own, and
// neither to a role that may call it.
func TestRoleMatrix(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.send = func(_ context.Context, kind, id string, _ *aidapb.Command) (*aidapb.Reply, error) {
		return map[string]*aidapb.Reply{"lead": leadReply(id), "deal": dealReply(id), "account": accountReply(id)}[kind], nil
	}
	headers := map[access.Role]string{access.Public: ""}
	for _, r := range access.KeyRoles() {
		headers[r] = h.bearer(t, "matrix-"+string(r), r)
	}
	for _, op := range operation.Table() {
		if op.Role == "" || !op.Role.Allows(access.Public) && !access.Admin.Allows(op.Role) {
			t.Errorf("%s %s has no rule", op.Method, op.Path)
			continue
		}
		for _, role := range access.Roles() {
			body := ""
			if op.Method != http.MethodGet && op.Method != http.MethodDelete {
				body = `{}`
			}
			r := h.do(t, op.Method, concretePath(op), body, "Authorization", headers[role])
			switch {
			case op.Role == access.Public:
				if r.status == 401 || r.status == 403 {
					t.Errorf("%s %s is public but answers %s %d", op.Method, op.Path, role, r.status)
				}
			case role == access.Public:
				if r.status != 401 || r.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s %s without credentials: %d (WWW-Authenticate %q), want 401", op.Method, op.Path, r.status, r.header.Get("WWW-Authenticate"))
				}
			case !role.Allows(op.Role):
				if p := wantProblem(t, r, 403); !strings.Contains(p["detail"].(string), string(op.Role)) {
					t.Errorf("%s %s as %s: %v does not name the role needed", op.Method, op.Path, role, p["detail"])
				}
			case r.status == 401 || r.status == 403:
				t.Errorf("%s %s as %s: %d %s, want it allowed", op.Method, op.Path, role, r.status, r.body)
			}
		}
	}
}

// TestCredentials covers what a request may present: a revoked key stops at once, a
// malformed header or a wrong key is a 401 that says so, X-User-ID is not an identity.
func TestCredentials(t *testing.T) {
	h := newHarness(t, Config{})
	auth := h.bearer(t, "ann", access.Viewer)
	h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		return leadReply(leadID), nil
	}
	path := "/api/v1/leads/" + leadID
	if r := h.do(t, "GET", path, "", "Authorization", auth); r.status != 200 {
		t.Fatalf("viewer key: %d %s", r.status, r.body)
	}
	r := h.do(t, "GET", "/api/v1/session", "", "Authorization", auth)
	if m := r.json(t); r.status != 200 || m["actor"] != "key:ann" || m["role"] != "viewer" || m["expires_at"] != nil {
		t.Fatalf("who am I: %d %v", r.status, m)
	}
	id := strings.Split(auth, "_")[1]
	if r := h.do(t, "DELETE", "/api/v1/keys/"+id, ""); r.status != 200 || r.json(t)["revoked_at"] == nil {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	wantProblem(t, h.do(t, "GET", path, "", "Authorization", auth), 401)
	for _, header := range []string{"Basic YWxhZGRpbjpvcGVu", "Bearer", "Bearer " + strings.Repeat("x", 40), "Bearer aida_zzzzzzzz_" + strings.Repeat("a", 52)} {
		p := wantProblem(t, h.do(t, "GET", path, "", "Authorization", header), 401)
		if p["detail"] == "" {
			t.Errorf("%q: no detail", header)
		}
	}
	wantProblem(t, h.do(t, "GET", path, "", "Authorization", "", "X-User-ID", "ceo@company"), 401)
	wantProblem(t, h.do(t, "GET", "/api/v1/keys/", "", "Authorization", h.bearer(t, "bob", access.Manager)), 403)
}

// TestAutonomyLimits: a rep may grant up to L3, a manager L4, an admin L5, in a change of
// level and in a create alike.
func TestAutonomyLimits(t *testing.T) {
	h := newHarness(t, Config{})
	h.fake.send = func(context.Context, string, string, *aidapb.Command) (*aidapb.Reply, error) {
		return leadReply(leadID), nil
	}
	h.fake.capture = func(_ context.Context, cmd *aidapb.Command) (*aidapb.Lead, bool, error) {
		return &aidapb.Lead{Id: leadID, Email: "a@b.co"}, false, nil
	}
	rep, manager := h.bearer(t, "rep", access.Rep), h.bearer(t, "boss", access.Manager)
	for _, tc := range []struct {
		auth  string
		level string
		want  int
	}{{rep, "3", 200}, {rep, "4", 403}, {manager, "4", 200}, {manager, "5", 403}, {"Bearer " + testAdminKey, "5", 200}} {
		r := h.do(t, "POST", "/api/v1/leads/"+leadID+"/autonomy", `{"level":`+tc.level+`}`, "Authorization", tc.auth)
		if r.status != tc.want {
			t.Errorf("L%s as %s: %d %s, want %d", tc.level, tc.auth[:12], r.status, r.body, tc.want)
		}
	}
	wantProblem(t, h.do(t, "POST", "/api/v1/leads", `{"email":"a@b.co","autonomy_level":5}`, "Authorization", rep), 403)
	if r := h.do(t, "POST", "/api/v1/leads", `{"email":"a@b.co","autonomy_level":2}`, "Authorization", rep); r.status != 201 {
		t.Errorf("a rep's capture at L2: %d %s", r.status, r.body)
	}
}

// TestOwnerScoping: a rep's commands and lists carry their name as the scope; a manager's none.
func TestOwnerScoping(t *testing.T) {
	h := newHarness(t, Config{ScopeReps: true})
	var scope string
	h.fake.send = func(_ context.Context, _, _ string, cmd *aidapb.Command) (*aidapb.Reply, error) {
		scope = cmd.GetScopeOwner()
		return leadReply(leadID), nil
	}
	var listed persistence.Query
	h.fake.list = func(_ context.Context, q persistence.Query) (persistence.Page, error) {
		listed = q
		return persistence.Page{}, nil
	}
	rep, manager := h.bearer(t, "ann@example.com", access.Rep), h.bearer(t, "boss", access.Manager)
	h.do(t, "POST", "/api/v1/leads/"+leadID+"/notes", `{"text":"hi"}`, "Authorization", rep)
	h.do(t, "GET", "/api/v1/leads", "", "Authorization", rep)
	if scope != "ann@example.com" || listed.VisibleTo != "ann@example.com" {
		t.Errorf("rep: command scope %q, list scope %q; want ann@example.com", scope, listed.VisibleTo)
	}
	h.do(t, "POST", "/api/v1/leads/"+leadID+"/notes", `{"text":"hi"}`, "Authorization", manager)
	h.do(t, "GET", "/api/v1/leads", "", "Authorization", manager)
	if scope != "" || listed.VisibleTo != "" {
		t.Errorf("manager: command scope %q, list scope %q; want none", scope, listed.VisibleTo)
	}
}

// fixedAuth answers every credential with the same principal and error.
type fixedAuth struct {
	p   access.Principal
	err error
}

func (f fixedAuth) Authenticate(context.Context, string) (access.Principal, error) { return f.p, f.err }

// TestIdentityProviderAnswers: what an identity provider's verifier says maps to the door's
// statuses: a user with a role acts as user:<name>, a token refused is 401, a user without an
// AIDA role is 403, a verifier that cannot answer is 503.
func TestIdentityProviderAnswers(t *testing.T) {
	tests := []struct {
		auth   fixedAuth
		status int
	}{
		{fixedAuth{p: access.Principal{Kind: access.KindUser, Name: "maria@example.com", Role: access.Rep}}, 201},
		{fixedAuth{err: fmt.Errorf("%w: expired", access.ErrInvalidToken)}, 401},
		{fixedAuth{err: fmt.Errorf("%w: roles names none", access.ErrNoRole)}, 403},
		{fixedAuth{err: errors.New("the provider's keys cannot be fetched")}, 503},
	}
	for _, tt := range tests {
		srv, err := New(Config{}, Deps{Entities: &fakeEntities{send: func(_ context.Context, _, _ string, cmd *aidapb.Command) (*aidapb.Reply, error) {
			if cmd.GetActor() != "user:maria@example.com" {
				t.Errorf("actor %q", cmd.GetActor())
			}
			return leadReply(leadID), nil
		}}, Auth: tt.auth})
		if err != nil {
			t.Fatal(err)
		}
		h := &harness{srv: srv}
		r := h.do(t, "POST", "/api/v1/leads/"+leadID+"/notes", `{"text":"hi"}`, "Authorization", "Bearer eyJ.eyJ.sig")
		if r.status != tt.status {
			t.Errorf("%+v: %d %s, want %d", tt.auth, r.status, r.body, tt.status)
		}
	}
}
