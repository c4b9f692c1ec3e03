package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// Status is the body of /healthz and /readyz when all is well.
type Status struct {
	Status string `json:"status" doc:"ok or ready"`
}

// Version is the version of the API the OpenAPI document describes.
const Version = "1.0.0"

// param is a query parameter, or a path parameter other than {id}.
type param struct {
	name, doc string
	schema    map[string]any
}

// op is one documented operation.
type op struct {
	method, path, id, tag, summary string
	params                         []param // the path's parameters other than {id}
	query                          []param
	body                           reflect.Type // nil: no body
	bodyOptional                   bool
	ok                             map[int]reflect.Type // success statuses and their body types
	okText                         string               // a text/plain success body instead
	problems                       []int
}

func str(enum ...string) map[string]any {
	m := map[string]any{"type": "string"}
	if len(enum) > 0 {
		m["enum"] = enum
	}
	return m
}

func integer(min, max int) map[string]any {
	return map[string]any{"type": "integer", "minimum": min, "maximum": max}
}

var (
	pLimit  = param{"limit", "page size, 1..500 (default 50)", integer(1, 500)}
	pCursor = param{"cursor", "next_cursor of the previous page", str()}
	pOwner  = param{"owner", "only these of this owner", str()}
	pAfter  = param{"after", "only events after this version", integer(0, 1<<62)}
	pTLimit = param{"limit", "at most this many events, 1..500 (default 100)", integer(1, 500)}
	pReason = param{"reason", "why, at most 1000 characters", str()}
)

// pSort is the sort parameter of the list of kind.
func pSort(kind string) param {
	score := "score"
	switch kind {
	case "deal":
		score = "probability"
	case "account":
		score = "health"
	}
	doc := "the order: -created_at (newest first, the default), created_at, -updated_at (most recently changed first), " +
		"updated_at, -score (highest " + score + " first, none last)"
	if kind == "deal" {
		doc += ", -amount (largest value first, none last)"
	}
	return param{"sort", doc + "; a cursor pages only the order it was made for", str(Sorts(kind)...)}
}

// nameSchema is the schema of a name or an ID in a path.
func nameSchema() map[string]any {
	return map[string]any{"type": "string", "minLength": 1, "maxLength": maxName}
}

// workOperations lists the routes every kind has for its work: tasks, flags, drafts, signals.
func workOperations(plural, singular string, view reflect.Type) []op {
	base := "/api/v1/" + plural + "/{id}"
	title := strings.ToUpper(singular[:1]) + singular[1:]
	write := []int{400, 404, 409, 413, 422, 503}
	reason := reflect.TypeFor[ReasonRequest]()
	pTask := param{"task_id", "the task's ID", nameSchema()}
	pFlag := param{"name", "the flag's name: stale, overdue, at_risk …", nameSchema()}
	pDraft := param{"draft_id", "the draft's ID", nameSchema()}
	return []op{
		{method: "POST", path: base + "/tasks", id: "add" + title + "Task", tag: plural,
			summary: "Give a person a task on the " + singular + "; an agent below L2 only drafts it",
			body:    reflect.TypeFor[TaskRequest](), ok: map[int]reflect.Type{201: view}, problems: write},
		{method: "POST", path: base + "/tasks/{task_id}/complete", id: "complete" + title + "Task", tag: plural,
			summary: "Mark an open task of the " + singular + " done", params: []param{pTask},
			body: reason, bodyOptional: true, ok: map[int]reflect.Type{200: view}, problems: write},
		{method: "PUT", path: base + "/flags/{name}", id: "set" + title + "Flag", tag: plural,
			summary: "Flag the " + singular + " for attention", params: []param{pFlag},
			body: reason, bodyOptional: true, ok: map[int]reflect.Type{200: view}, problems: write},
		{method: "DELETE", path: base + "/flags/{name}", id: "clear" + title + "Flag", tag: plural,
			summary: "Clear a flag of the " + singular, params: []param{pFlag}, query: []param{pReason},
			ok: map[int]reflect.Type{200: view}, problems: []int{404, 409, 422, 503}},
		{method: "POST", path: base + "/drafts", id: "draft" + title + "Message", tag: plural,
			summary: "Draft a message for a person to approve and send",
			body:    reflect.TypeFor[DraftRequest](), ok: map[int]reflect.Type{201: view}, problems: write},
		{method: "POST", path: base + "/drafts/{draft_id}/approve", id: "approve" + title + "Draft", tag: plural,
			summary: "Approve a pending draft: a task draft adds the task, a flag draft sets the flag", params: []param{pDraft},
			body: reason, bodyOptional: true, ok: map[int]reflect.Type{200: view}, problems: write},
		{method: "POST", path: base + "/drafts/{draft_id}/discard", id: "discard" + title + "Draft", tag: plural,
			summary: "Discard a pending draft", params: []param{pDraft},
			body: reason, bodyOptional: true, ok: map[int]reflect.Type{200: view}, problems: write},
		{method: "POST", path: base + "/signals", id: "record" + title + "Signal", tag: plural,
			summary: "Feed an inbound signal (reply, open, bounce, opt-out), as a message on crm.inbound.<type> does; a signal_id already applied changes nothing",
			body:    reflect.TypeFor[SignalRequest](), ok: map[int]reflect.Type{200: view}, problems: write},
	}
}

// operations lists every route of the edge. The edge's tests check it against its router.
func operations() []op {
	lead, deal, account := reflect.TypeFor[Lead](), reflect.TypeFor[Deal](), reflect.TypeFor[Account]()
	timeline := reflect.TypeFor[Timeline]()
	read := []int{404, 503}
	write := []int{400, 404, 409, 413, 422, 503}
	ops := []op{
		{method: "POST", path: "/api/v1/leads", id: "captureLead", tag: "leads",
			summary:  "Capture a lead; an existing email returns the existing lead with duplicate true",
			body:     reflect.TypeFor[CaptureRequest](),
			ok:       map[int]reflect.Type{201: reflect.TypeFor[CapturedLead](), 200: reflect.TypeFor[CapturedLead]()},
			problems: []int{400, 409, 413, 422, 503}},
		{method: "GET", path: "/api/v1/leads", id: "listLeads", tag: "leads", summary: "List leads, newest first unless sort says otherwise",
			query: []param{{"status", "only leads with this status", str(leadFilterStatuses...)},
				{"source", "only leads from this source", str()}, pOwner,
				{"min_score", "only leads scoring at least this, 0..1", map[string]any{"type": "number", "minimum": 0, "maximum": 1}},
				pSort("lead"), pLimit, pCursor},
			ok: map[int]reflect.Type{200: reflect.TypeFor[LeadPage]()}, problems: []int{422, 503}},
		{method: "GET", path: "/api/v1/leads/{id}", id: "getLead", tag: "leads", summary: "Read a lead",
			ok: map[int]reflect.Type{200: lead}, problems: read},
		{method: "PATCH", path: "/api/v1/leads/{id}", id: "updateLead", tag: "leads", summary: "Change a lead's fields",
			body: reflect.TypeFor[UpdateLeadRequest](), ok: map[int]reflect.Type{200: lead}, problems: write},
		{method: "DELETE", path: "/api/v1/leads/{id}", id: "archiveLead", tag: "leads", summary: "Archive a lead",
			query: []param{{"reason", "why the lead is archived", str()}},
			ok:    map[int]reflect.Type{200: lead}, problems: []int{404, 409, 503}},
		{method: "POST", path: "/api/v1/leads/{id}/restore", id: "restoreLead", tag: "leads", summary: "Restore an archived lead",
			ok: map[int]reflect.Type{200: lead}, problems: []int{404, 409, 503}},
		{method: "POST", path: "/api/v1/leads/{id}/status", id: "changeLeadStatus", tag: "leads", summary: "Move a lead to another status",
			body: reflect.TypeFor[LeadStatusRequest](), ok: map[int]reflect.Type{200: lead}, problems: write},
		{method: "POST", path: "/api/v1/leads/{id}/autonomy", id: "setLeadAutonomy", tag: "leads", summary: "Set a lead's autonomy level",
			body: reflect.TypeFor[AutonomyRequest](), ok: map[int]reflect.Type{200: lead}, problems: write},
		{method: "POST", path: "/api/v1/leads/{id}/notes", id: "addLeadNote", tag: "leads", summary: "Add a note to a lead",
			body: reflect.TypeFor[NoteRequest](), ok: map[int]reflect.Type{201: lead}, problems: write},
		{method: "POST", path: "/api/v1/leads/{id}/convert", id: "convertLead", tag: "leads", summary: "Convert a qualified lead into a deal",
			body: reflect.TypeFor[ConvertRequest](), bodyOptional: true, ok: map[int]reflect.Type{201: deal}, problems: write},
		{method: "GET", path: "/api/v1/leads/{id}/timeline", id: "leadTimeline", tag: "leads", summary: "Read a lead's events",
			query: []param{pAfter, pTLimit}, ok: map[int]reflect.Type{200: timeline}, problems: []int{404, 422, 503}},
		{method: "POST", path: "/api/v1/leads/{id}/sequence", id: "startLeadSequence", tag: "leads",
			summary: "Enroll a lead in a nurture sequence; one of another type that is active is replaced",
			body:    reflect.TypeFor[SequenceRequest](), ok: map[int]reflect.Type{200: lead}, problems: write},
		{method: "DELETE", path: "/api/v1/leads/{id}/sequence", id: "stopLeadSequence", tag: "leads",
			summary: "Stop a lead's active sequence", query: []param{pReason},
			ok: map[int]reflect.Type{200: lead}, problems: []int{404, 409, 422, 503}},

		{method: "POST", path: "/api/v1/deals", id: "createDeal", tag: "deals", summary: "Create a deal",
			body: reflect.TypeFor[CreateDealRequest](), ok: map[int]reflect.Type{201: deal}, problems: write},
		{method: "GET", path: "/api/v1/deals", id: "listDeals", tag: "deals", summary: "List deals, newest first unless sort says otherwise",
			query: []param{{"stage", "only deals in this stage", str(dealStages...)}, pOwner, pSort("deal"), pLimit, pCursor},
			ok:    map[int]reflect.Type{200: reflect.TypeFor[DealPage]()}, problems: []int{422, 503}},
		{method: "GET", path: "/api/v1/deals/{id}", id: "getDeal", tag: "deals", summary: "Read a deal",
			ok: map[int]reflect.Type{200: deal}, problems: read},
		{method: "PATCH", path: "/api/v1/deals/{id}", id: "updateDeal", tag: "deals", summary: "Change a deal's fields",
			body: reflect.TypeFor[UpdateDealRequest](), ok: map[int]reflect.Type{200: deal}, problems: write},
		{method: "POST", path: "/api/v1/deals/{id}/stage", id: "changeDealStage", tag: "deals", summary: "Move a deal to another stage",
			body: reflect.TypeFor[DealStageRequest](), ok: map[int]reflect.Type{200: deal}, problems: write},
		{method: "POST", path: "/api/v1/deals/{id}/autonomy", id: "setDealAutonomy", tag: "deals", summary: "Set a deal's autonomy level",
			body: reflect.TypeFor[AutonomyRequest](), ok: map[int]reflect.Type{200: deal}, problems: write},
		{method: "POST", path: "/api/v1/deals/{id}/notes", id: "addDealNote", tag: "deals", summary: "Add a note to a deal",
			body: reflect.TypeFor[NoteRequest](), ok: map[int]reflect.Type{201: deal}, problems: write},
		{method: "GET", path: "/api/v1/deals/{id}/timeline", id: "dealTimeline", tag: "deals", summary: "Read a deal's events",
			query: []param{pAfter, pTLimit}, ok: map[int]reflect.Type{200: timeline}, problems: []int{404, 422, 503}},

		{method: "POST", path: "/api/v1/accounts", id: "createAccount", tag: "accounts",
			summary: "Create an account, from fields or from a deal",
			body:    reflect.TypeFor[CreateAccountRequest](), ok: map[int]reflect.Type{201: account}, problems: write},
		{method: "GET", path: "/api/v1/accounts", id: "listAccounts", tag: "accounts", summary: "List accounts, newest first unless sort says otherwise",
			query: []param{{"lifecycle", "only accounts in this lifecycle stage", str(lifecycles...)}, pOwner, pSort("account"), pLimit, pCursor},
			ok:    map[int]reflect.Type{200: reflect.TypeFor[AccountPage]()}, problems: []int{422, 503}},
		{method: "GET", path: "/api/v1/accounts/{id}", id: "getAccount", tag: "accounts", summary: "Read an account",
			ok: map[int]reflect.Type{200: account}, problems: read},
		{method: "PATCH", path: "/api/v1/accounts/{id}", id: "updateAccount", tag: "accounts", summary: "Change an account's fields",
			body: reflect.TypeFor[UpdateAccountRequest](), ok: map[int]reflect.Type{200: account}, problems: write},
		{method: "POST", path: "/api/v1/accounts/{id}/autonomy", id: "setAccountAutonomy", tag: "accounts", summary: "Set an account's autonomy level",
			body: reflect.TypeFor[AutonomyRequest](), ok: map[int]reflect.Type{200: account}, problems: write},
		{method: "GET", path: "/api/v1/accounts/{id}/timeline", id: "accountTimeline", tag: "accounts", summary: "Read an account's events",
			query: []param{pAfter, pTLimit}, ok: map[int]reflect.Type{200: timeline}, problems: []int{404, 422, 503}},
		{method: "POST", path: "/api/v1/accounts/{id}/onboarding", id: "startAccountOnboarding", tag: "accounts",
			summary: "Start an account's onboarding plan from a won deal: each milestone becomes a reminder",
			body:    reflect.TypeFor[OnboardingRequest](), ok: map[int]reflect.Type{200: account}, problems: write},
		{method: "POST", path: "/api/v1/accounts/{id}/milestones/{name}/complete", id: "completeAccountMilestone", tag: "accounts",
			summary: "Mark an onboarding milestone done; the last one completes the onboarding",
			params:  []param{{"name", "the milestone's name", nameSchema()}},
			body:    reflect.TypeFor[ReasonRequest](), bodyOptional: true, ok: map[int]reflect.Type{200: account}, problems: write},
		{method: "POST", path: "/api/v1/accounts/{id}/health", id: "recomputeAccountHealth", tag: "accounts",
			summary: "Recompute an account's health score",
			body:    reflect.TypeFor[ReasonRequest](), bodyOptional: true, ok: map[int]reflect.Type{200: account}, problems: write},
	}
	ops = append(ops, workOperations("leads", "lead", lead)...)
	ops = append(ops, workOperations("deals", "deal", deal)...)
	ops = append(ops, workOperations("accounts", "account", account)...)
	ops = append(ops, op{method: "GET", path: "/api/v1/stats/overview", id: "statsOverview", tag: "stats",
		summary: "The dashboard's figures: leads by status, deals by stage, accounts by lifecycle, the funnel, " +
			"the pipeline's value by forecast category (all currencies added as they are), autonomy levels and the " +
			"latest leads; read from indexed counts and reused for up to 250 ms",
		ok: map[int]reflect.Type{200: reflect.TypeFor[Overview]()}, problems: []int{503}})
	ops = append(ops, []op{
		{method: "GET", path: "/openapi.json", id: "openapi", tag: "operations", summary: "This document",
			ok: map[int]reflect.Type{200: reflect.TypeFor[map[string]any]()}},
		{method: "GET", path: "/healthz", id: "healthz", tag: "operations", summary: "Liveness: 200 while the server serves",
			ok: map[int]reflect.Type{200: reflect.TypeFor[Status]()}},
		{method: "GET", path: "/readyz", id: "readyz", tag: "operations", summary: "Readiness: 200 when the store is reachable",
			ok: map[int]reflect.Type{200: reflect.TypeFor[Status]()}, problems: []int{503}},
		{method: "GET", path: "/metrics", id: "metrics", tag: "operations", summary: "Prometheus metrics",
			okText: "Prometheus text exposition format"},
		{method: "GET", path: "/api/v1/stream", id: "stream", tag: "stream",
			summary: "Live entity views and activity over a websocket (upgrade; JSON text frames): send " +
				`{"type":"subscribe","sub":"s1","kinds":["lead"],"snapshot":10,"activity":true}, receive a snapshot, ` +
				"then change and activity frames, heartbeats and error frames; see docs/stream.md in the repository. A plain HTTP request gets 426",
			okText: "101 Switching Protocols to a websocket", problems: []int{426, 503}},
	}...)
	return ops
}

// OpenAPI returns the OpenAPI 3.1 document of the REST API as JSON.
func OpenAPI() ([]byte, error) {
	b, err := json.MarshalIndent(document(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal openapi document: %w", err)
	}
	return b, nil
}

// document builds the OpenAPI document as plain Go values.
func document() map[string]any {
	s := &schemaSet{defs: map[string]any{}}
	problemRef := s.ref(reflect.TypeFor[Problem]())
	paths := map[string]any{}
	for _, o := range operations() {
		item, _ := paths[o.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.path] = item
		}
		var params []any
		if strings.Contains(o.path, "{id}") {
			params = append(params, map[string]any{"name": "id", "in": "path", "required": true,
				"description": "the entity's UUID", "schema": map[string]any{"type": "string", "format": "uuid"}})
		}
		for _, p := range o.params {
			params = append(params, map[string]any{"name": p.name, "in": "path", "required": true,
				"description": p.doc, "schema": p.schema})
		}
		for _, q := range o.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "description": q.doc, "schema": q.schema})
		}
		responses := map[string]any{}
		for code, t := range o.ok {
			responses[fmt.Sprint(code)] = map[string]any{"description": http.StatusText(code),
				"content": map[string]any{"application/json": map[string]any{"schema": s.ref(t)}}}
		}
		if o.okText != "" {
			responses["200"] = map[string]any{"description": o.okText,
				"content": map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}}
		}
		for _, code := range append([]int{500}, o.problems...) {
			responses[fmt.Sprint(code)] = map[string]any{"description": problemText(code),
				"content": map[string]any{ProblemContentType: map[string]any{"schema": problemRef}}}
		}
		operation := map[string]any{"operationId": o.id, "summary": o.summary, "tags": []string{o.tag},
			"responses": responses}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		if o.body != nil {
			operation["requestBody"] = map[string]any{"required": !o.bodyOptional,
				"content": map[string]any{"application/json": map[string]any{"schema": s.ref(o.body)}}}
		}
		item[strings.ToLower(o.method)] = operation
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "AIDA CRM API", "version": Version,
			"description": "Leads, deals and accounts, each a virtual actor. Errors are RFC 9457 problem details."},
		"tags": []any{
			map[string]any{"name": "leads"}, map[string]any{"name": "deals"},
			map[string]any{"name": "accounts"}, map[string]any{"name": "stats"}, map[string]any{"name": "operations"},
		},
		"paths":      paths,
		"components": map[string]any{"schemas": s.defs},
	}
}

// problemText says when an operation answers with a problem of this status.
func problemText(code int) string {
	switch code {
	case 400:
		return "The body is empty or not a JSON object"
	case 404:
		return "No entity with this id"
	case 409:
		return "The entity's state forbids the command, a unique key is taken, or a concurrent write won"
	case 413:
		return "The body is larger than the limit"
	case 422:
		return "Some fields are invalid; errors lists them"
	case 503:
		return "Overloaded, timed out or the store is down; retry after Retry-After seconds"
	default:
		return http.StatusText(code)
	}
}
