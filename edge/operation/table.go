package operation

import (
	"net/http"
	"reflect"
	"strings"

	"github.com/aidacrm/aida/api/rest"
	"github.com/aidacrm/aida/policies/access"
)

// Statuses every write and read may answer besides its success, for the document.
var (
	readProblems  = []int{404, 503}
	writeProblems = []int{400, 404, 409, 413, 422, 503}
)

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// ok documents a success status and its body.
func ok(status int, body reflect.Type) map[int]reflect.Type {
	return map[int]reflect.Type{status: body}
}

// Table returns every operation of the API: the leads', the deals', the accounts', the work
// every kind has, the dashboard's and the operators'. Order is the document's.
func Table() []Operation {
	var t []Operation
	t = append(t, leads()...)
	t = append(t, deals()...)
	t = append(t, accounts()...)
	for _, k := range []string{"lead", "deal", "account"} {
		t = append(t, work(k)...)
	}
	return append(t, service()...)
}

// kindView is the JSON view of kind's entities.
func kindView(kind string) reflect.Type {
	switch kind {
	case "deal":
		return typeOf[rest.Deal]()
	case "account":
		return typeOf[rest.Account]()
	}
	return typeOf[rest.Lead]()
}

// title is kind with its first letter upper case, for operation IDs.
func title(kind string) string { return strings.ToUpper(kind[:1]) + kind[1:] }

// common returns the operations every kind has on one entity: read, change its fields, set its
// autonomy, read its timeline; notes for leads and deals.
func common(kind string) []Operation {
	base, tag, v := "/api/v1/"+kind+"s/{id}", kind+"s", kindView(kind)
	ops := []Operation{
		{Kind: kind, Name: "get", Method: "GET", Path: base, Decode: fixed(get), Call: send, Status: 200, Role: access.Viewer,
			Summary: "Read a " + kind,
			Doc:     rest.Op{ID: "get" + title(kind), Tag: tag, OK: ok(200, v), Problems: readProblems}},
		{Kind: kind, Name: "autonomy", Method: "POST", Path: base + "/autonomy", Decode: body(rest.DecodeAutonomy),
			Call: send, Status: 200, Role: access.Rep, Summary: "Set a " + kind + "'s autonomy level",
			Doc: rest.Op{ID: "set" + title(kind) + "Autonomy", Tag: tag, Body: typeOf[rest.AutonomyRequest](),
				OK: ok(200, v), Problems: writeProblems}},
		{Kind: kind, Name: "timeline", Method: "GET", Path: base + "/timeline", Call: timeline, Status: 200, Role: access.Viewer,
			Summary: "Read a " + kind + "'s events",
			Doc: rest.Op{ID: kind + "Timeline", Tag: tag, Query: []rest.Param{rest.QueryAfter(), rest.QueryTimelineLimit()},
				OK: ok(200, typeOf[rest.Timeline]()), Problems: []int{404, 422, 503}}},
	}
	if kind != "account" {
		ops = append(ops, Operation{Kind: kind, Name: "note", Method: "POST", Path: base + "/notes",
			Decode: body(rest.DecodeNote), Call: send, Status: 201, Role: access.Rep, Summary: "Add a note to a " + kind,
			Doc: rest.Op{ID: "add" + title(kind) + "Note", Tag: tag, Body: typeOf[rest.NoteRequest](),
				OK: ok(201, v), Problems: writeProblems}})
	}
	return ops
}

// list is the list of kind's entities, with its filters; the REST door serves it alone.
func list(kind string, filters ...rest.Param) Operation {
	query := append(filters, rest.QueryOwner(), rest.QuerySort(kind), rest.QueryLimit(), rest.QueryCursor())
	page := map[string]reflect.Type{"lead": typeOf[rest.LeadPage](), "deal": typeOf[rest.DealPage](),
		"account": typeOf[rest.AccountPage]()}[kind]
	return Operation{Kind: kind, Method: "GET", Path: "/api/v1/" + kind + "s", Status: 200, Role: access.Viewer,
		Summary: "List " + kind + "s, newest first unless sort says otherwise",
		Doc:     rest.Op{ID: "list" + title(kind) + "s", Tag: kind + "s", Query: query, OK: ok(200, page), Problems: []int{422, 503}}}
}

func leads() []Operation {
	const base, tag = "/api/v1/leads/{id}", "leads"
	lead := typeOf[rest.Lead]()
	ops := []Operation{
		{Kind: "lead", Name: "capture", Method: "POST", Path: "/api/v1/leads", Decode: body(rest.DecodeCapture),
			Call: capture, Status: 201, Role: access.Rep,
			Summary: "Capture a lead; an existing email returns the existing lead with duplicate true",
			Doc: rest.Op{ID: "captureLead", Tag: tag, Body: typeOf[rest.CaptureRequest](),
				OK:       map[int]reflect.Type{201: typeOf[rest.CapturedLead](), 200: typeOf[rest.CapturedLead]()},
				Problems: []int{400, 409, 413, 422, 503}}},
		list("lead", rest.Param{Name: "status", Doc: "only leads with this status", Schema: rest.StringSchema(rest.LeadStatuses()...)},
			rest.Param{Name: "include_archived", Doc: "also list archived leads (left out unless this is true or status is archived)",
				Schema: rest.BooleanSchema()},
			rest.Param{Name: "source", Doc: "only leads from this source", Schema: rest.StringSchema()}),
		{Kind: "lead", Name: "update", Method: "PATCH", Path: base, Decode: body(rest.DecodeUpdateLead), Call: send,
			Status: 200, Role: access.Rep, Summary: "Change a lead's fields",
			Doc: rest.Op{ID: "updateLead", Tag: tag, Body: typeOf[rest.UpdateLeadRequest](), OK: ok(200, lead), Problems: writeProblems}},
		{Kind: "lead", Name: "archive", Method: "DELETE", Path: base, Decode: archive, Call: send, Status: 200, Role: access.Manager,
			Summary: "Archive a lead",
			Doc: rest.Op{ID: "archiveLead", Tag: tag, Query: []rest.Param{{Name: "reason", Doc: "why the lead is archived", Schema: rest.StringSchema()}},
				OK: ok(200, lead), Problems: []int{404, 409, 503}}},
		{Kind: "lead", Name: "restore", Method: "POST", Path: base + "/restore", Decode: fixed(restore), Call: send,
			Status: 200, Role: access.Manager, Summary: "Restore an archived lead",
			Doc: rest.Op{ID: "restoreLead", Tag: tag, OK: ok(200, lead), Problems: []int{404, 409, 503}}},
		{Kind: "lead", Name: "status", Method: "POST", Path: base + "/status", Decode: body(rest.DecodeLeadStatus), Call: send,
			Status: 200, Role: access.Rep, Summary: "Move a lead to another status",
			Doc: rest.Op{ID: "changeLeadStatus", Tag: tag, Body: typeOf[rest.LeadStatusRequest](), OK: ok(200, lead), Problems: writeProblems}},
		{Kind: "lead", Name: "convert", Method: "POST", Path: base + "/convert", Decode: body(rest.DecodeConvert), Call: convert,
			Status: 201, Role: access.Rep, Summary: "Convert a qualified lead into a deal",
			Doc: rest.Op{ID: "convertLead", Tag: tag, Body: typeOf[rest.ConvertRequest](), BodyOptional: true,
				OK: ok(201, typeOf[rest.Deal]()), Problems: writeProblems}},
		{Kind: "lead", Name: "start_sequence", Method: "POST", Path: base + "/sequence", Decode: body(rest.DecodeStartSequence),
			Call: send, Status: 200, Role: access.Rep,
			Summary: "Enroll a lead in a nurture sequence; one of another type that is active is replaced",
			Doc:     rest.Op{ID: "startLeadSequence", Tag: tag, Body: typeOf[rest.SequenceRequest](), OK: ok(200, lead), Problems: writeProblems}},
		{Kind: "lead", Name: "stop_sequence", Method: "DELETE", Path: base + "/sequence", Decode: stopSequence, Call: send,
			Status: 200, Role: access.Rep, Summary: "Stop a lead's active sequence",
			Doc: rest.Op{ID: "stopLeadSequence", Tag: tag, Query: []rest.Param{rest.QueryReason()}, OK: ok(200, lead),
				Problems: []int{404, 409, 422, 503}}},
	}
	return append(ops, common("lead")...)
}

func deals() []Operation {
	const base, tag = "/api/v1/deals/{id}", "deals"
	deal := typeOf[rest.Deal]()
	ops := []Operation{
		{Kind: "deal", Name: "create", Method: "POST", Path: "/api/v1/deals", Decode: body(rest.DecodeCreateDeal), Call: create,
			Status: 201, Role: access.Rep, Summary: "Create a deal",
			Doc: rest.Op{ID: "createDeal", Tag: tag, Body: typeOf[rest.CreateDealRequest](), OK: ok(201, deal), Problems: writeProblems}},
		list("deal", rest.Param{Name: "stage", Doc: "only deals in this stage", Schema: rest.StringSchema(rest.DealStages()...)}),
		{Kind: "deal", Name: "update", Method: "PATCH", Path: base, Decode: body(rest.DecodeUpdateDeal), Call: send,
			Status: 200, Role: access.Rep, Summary: "Change a deal's fields",
			Doc: rest.Op{ID: "updateDeal", Tag: tag, Body: typeOf[rest.UpdateDealRequest](), OK: ok(200, deal), Problems: writeProblems}},
		{Kind: "deal", Name: "stage", Method: "POST", Path: base + "/stage", Decode: body(rest.DecodeDealStage), Call: send,
			Status: 200, Role: access.Rep, Summary: "Move a deal to another stage",
			Doc: rest.Op{ID: "changeDealStage", Tag: tag, Body: typeOf[rest.DealStageRequest](), OK: ok(200, deal), Problems: writeProblems}},
	}
	return append(ops, common("deal")...)
}

func accounts() []Operation {
	const base, tag = "/api/v1/accounts/{id}", "accounts"
	account := typeOf[rest.Account]()
	ops := []Operation{
		{Kind: "account", Name: "create", Method: "POST", Path: "/api/v1/accounts", Decode: body(rest.DecodeCreateAccount),
			Call: create, Status: 201, Role: access.Rep, Summary: "Create an account, from fields or from a deal",
			Doc: rest.Op{ID: "createAccount", Tag: tag, Body: typeOf[rest.CreateAccountRequest](), OK: ok(201, account), Problems: writeProblems}},
		list("account", rest.Param{Name: "lifecycle", Doc: "only accounts in this lifecycle stage", Schema: rest.StringSchema(rest.Lifecycles()...)}),
		{Kind: "account", Name: "update", Method: "PATCH", Path: base, Decode: body(rest.DecodeUpdateAccount), Call: send,
			Status: 200, Role: access.Rep, Summary: "Change an account's fields",
			Doc: rest.Op{ID: "updateAccount", Tag: tag, Body: typeOf[rest.UpdateAccountRequest](), OK: ok(200, account), Problems: writeProblems}},
		{Kind: "account", Name: "start_onboarding", Method: "POST", Path: base + "/onboarding", Decode: body(rest.DecodeStartOnboarding),
			Call: onboard, Status: 200, Role: access.Rep,
			Summary: "Start an account's onboarding plan from a won deal: each milestone becomes a reminder",
			Doc:     rest.Op{ID: "startAccountOnboarding", Tag: tag, Body: typeOf[rest.OnboardingRequest](), OK: ok(200, account), Problems: writeProblems}},
		{Kind: "account", Name: "complete_milestone", Method: "POST", Path: base + "/milestones/{name}/complete", Param: "name",
			Decode: atParam(rest.DecodeCompleteMilestone), Call: send, Status: 200, Role: access.Rep,
			Summary: "Mark an onboarding milestone done; the last one completes the onboarding",
			Doc: rest.Op{ID: "completeAccountMilestone", Tag: tag, Params: []rest.Param{{Name: "name", Doc: "the milestone's name", Schema: rest.NameSchema()}},
				Body: typeOf[rest.ReasonRequest](), BodyOptional: true, OK: ok(200, account), Problems: writeProblems}},
		{Kind: "account", Name: "recompute_health", Method: "POST", Path: base + "/health", Decode: body(rest.DecodeRecomputeHealth),
			Call: send, Status: 200, Role: access.Rep, Summary: "Recompute an account's health score",
			Doc: rest.Op{ID: "recomputeAccountHealth", Tag: tag, Body: typeOf[rest.ReasonRequest](), BodyOptional: true,
				OK: ok(200, account), Problems: writeProblems}},
	}
	return append(ops, common("account")...)
}

// work returns the operations every kind has for its work: tasks, flags, drafts, signals.
func work(kind string) []Operation {
	base, tag, v, t := "/api/v1/"+kind+"s/{id}", kind+"s", kindView(kind), title(kind)
	reason := typeOf[rest.ReasonRequest]()
	task := []rest.Param{{Name: "task_id", Doc: "the task's ID", Schema: rest.NameSchema()}}
	flag := []rest.Param{{Name: "name", Doc: "the flag's name: stale, overdue, at_risk …", Schema: rest.NameSchema()}}
	draft := []rest.Param{{Name: "draft_id", Doc: "the draft's ID", Schema: rest.NameSchema()}}
	return []Operation{
		{Kind: kind, Name: "task", Method: "POST", Path: base + "/tasks", Decode: body(rest.DecodeTask), Call: send,
			Status: 201, Role: access.Rep, Summary: "Give a person a task on the " + kind + "; an agent below L2 only drafts it",
			Doc: rest.Op{ID: "add" + t + "Task", Tag: tag, Body: typeOf[rest.TaskRequest](), OK: ok(201, v), Problems: writeProblems}},
		{Kind: kind, Name: "complete_task", Method: "POST", Path: base + "/tasks/{task_id}/complete", Param: "task_id",
			Decode: atParam(rest.DecodeCompleteTask), Call: send, Status: 200, Role: access.Rep,
			Summary: "Mark an open task of the " + kind + " done",
			Doc: rest.Op{ID: "complete" + t + "Task", Tag: tag, Params: task, Body: reason, BodyOptional: true,
				OK: ok(200, v), Problems: writeProblems}},
		{Kind: kind, Name: "set_flag", Method: "PUT", Path: base + "/flags/{name}", Param: "name",
			Decode: atParam(rest.DecodeSetFlag), Call: send, Status: 200, Role: access.Rep,
			Summary: "Flag the " + kind + " for attention",
			Doc: rest.Op{ID: "set" + t + "Flag", Tag: tag, Params: flag, Body: reason, BodyOptional: true,
				OK: ok(200, v), Problems: writeProblems}},
		{Kind: kind, Name: "clear_flag", Method: "DELETE", Path: base + "/flags/{name}", Param: "name",
			Decode: clearFlag, Call: send, Status: 200, Role: access.Rep, Summary: "Clear a flag of the " + kind,
			Doc: rest.Op{ID: "clear" + t + "Flag", Tag: tag, Params: flag, Query: []rest.Param{rest.QueryReason()},
				OK: ok(200, v), Problems: []int{404, 409, 422, 503}}},
		{Kind: kind, Name: "draft", Method: "POST", Path: base + "/drafts", Decode: body(rest.DecodeDraft), Call: send,
			Status: 201, Role: access.Rep, Summary: "Draft a message for a person to approve and send",
			Doc: rest.Op{ID: "draft" + t + "Message", Tag: tag, Body: typeOf[rest.DraftRequest](), OK: ok(201, v), Problems: writeProblems}},
		{Kind: kind, Name: "approve_draft", Method: "POST", Path: base + "/drafts/{draft_id}/approve", Param: "draft_id",
			Decode: atParam(rest.DecodeApproveDraft), Call: send, Status: 200, Role: access.Manager,
			Summary: "Approve a pending draft: a task draft adds the task, a flag draft sets the flag",
			Doc: rest.Op{ID: "approve" + t + "Draft", Tag: tag, Params: draft, Body: reason, BodyOptional: true,
				OK: ok(200, v), Problems: writeProblems}},
		{Kind: kind, Name: "discard_draft", Method: "POST", Path: base + "/drafts/{draft_id}/discard", Param: "draft_id",
			Decode: atParam(rest.DecodeDiscardDraft), Call: send, Status: 200, Role: access.Manager,
			Summary: "Discard a pending draft",
			Doc: rest.Op{ID: "discard" + t + "Draft", Tag: tag, Params: draft, Body: reason, BodyOptional: true,
				OK: ok(200, v), Problems: writeProblems}},
		{Kind: kind, Name: "signal", Method: "POST", Path: base + "/signals", Decode: body(rest.DecodeSignal), Call: send,
			Status: 200, Role: access.Rep,
			Summary: "Feed an inbound signal (reply, open, click, bounce, opt-out), as a message on crm.inbound.<type> does; " +
				"a signal_id (or id) already applied changes nothing",
			Doc: rest.Op{ID: "record" + t + "Signal", Tag: tag, Body: typeOf[rest.SignalRequest](), OK: ok(200, v), Problems: writeProblems}},
	}
}

// service returns the operations on no entity: the dashboard's figures and stream, and the
// operators' endpoints. The REST door serves each itself.
func service() []Operation {
	return []Operation{
		{Method: "GET", Path: "/api/v1/stats/overview", Status: 200, Role: access.Viewer,
			Summary: "The dashboard's figures: leads by status, deals by stage, accounts by lifecycle, the funnel, " +
				"the pipeline's value by forecast category (all currencies added as they are), autonomy levels and the " +
				"latest leads; read from indexed counts and reused for up to 250 ms",
			Doc: rest.Op{ID: "statsOverview", Tag: "stats", OK: ok(200, typeOf[rest.Overview]()), Problems: []int{503}}},
		{Method: "GET", Path: "/api/v1/stream", Status: http.StatusSwitchingProtocols, Role: access.Viewer,
			Summary: "Live entity views and activity over a websocket (upgrade; JSON text frames): send " +
				`{"type":"subscribe","sub":"s1","kinds":["lead"],"snapshot":10,"activity":true}, receive a snapshot, ` +
				"then change and activity frames, heartbeats and error frames; see docs/stream.md in the repository. A plain HTTP request gets 426",
			Doc: rest.Op{ID: "stream", Tag: "stream", OKText: "101 Switching Protocols to a websocket", Problems: []int{426, 503}}},
		{Method: "POST", Path: "/api/v1/session", Status: 200, Role: access.Public,
			Summary: "Sign in a browser: trade an API key for a session cookie (HttpOnly, SameSite=Strict; Secure behind TLS); " +
				"attempts are rate limited per client address",
			Doc: rest.Op{ID: "signIn", Tag: "access", Body: typeOf[rest.SessionRequest](), OK: ok(200, typeOf[rest.Session]()),
				Problems: []int{400, 401, 422, 429}}},
		{Method: "GET", Path: "/api/v1/session", Status: 200, Role: access.Viewer, Summary: "Who the request acts for",
			Doc: rest.Op{ID: "whoAmI", Tag: "access", OK: ok(200, typeOf[rest.Session]())}},
		{Method: "DELETE", Path: "/api/v1/session", Status: 204, Role: access.Public, Summary: "Sign out: drop the session cookie",
			Doc: rest.Op{ID: "signOut", Tag: "access", OK: ok(204, nil)}},
		{Method: "POST", Path: "/api/v1/keys", Status: 201, Role: access.Admin,
			Summary: "Make an API key; the answer holds the key, once",
			Doc: rest.Op{ID: "createKey", Tag: "access", Body: typeOf[rest.KeyRequest](), OK: ok(201, typeOf[rest.NewKey]()),
				Problems: []int{400, 422, 503}}},
		{Method: "GET", Path: "/api/v1/keys", Status: 200, Role: access.Admin, Summary: "List the API keys, revoked ones too, without their secrets",
			Doc: rest.Op{ID: "listKeys", Tag: "access", OK: ok(200, typeOf[rest.KeyList]()), Problems: []int{503}}},
		{Method: "DELETE", Path: "/api/v1/keys/{key_id}", Param: "key_id", Status: 200, Role: access.Admin,
			Summary: "Revoke an API key: it stops working at once on this server, within a second on the others",
			Doc: rest.Op{ID: "revokeKey", Tag: "access", Params: []rest.Param{{Name: "key_id", Doc: "the key's ID (aida_<id>_…)", Schema: rest.NameSchema()}},
				OK: ok(200, typeOf[rest.Key]()), Problems: []int{404, 503}}},
		{Method: "GET", Path: "/openapi.json", Status: 200, Role: access.Public, Summary: "This document",
			Doc: rest.Op{ID: "openapi", Tag: "operations", OK: ok(200, typeOf[map[string]any]())}},
		{Method: "GET", Path: "/healthz", Status: 200, Role: access.Public, Summary: "Liveness: 200 while the server serves",
			Doc: rest.Op{ID: "healthz", Tag: "operations", OK: ok(200, typeOf[rest.Status]())}},
		{Method: "GET", Path: "/readyz", Status: 200, Role: access.Viewer,
			Summary: "Readiness: 200 when the store and the event stream are reachable; open to loopback clients and to AIDA_METRICS_TOKEN",
			Doc:     rest.Op{ID: "readyz", Tag: "operations", OK: ok(200, typeOf[rest.Status]()), Problems: []int{503}}},
		{Method: "GET", Path: "/metrics", Status: 200, Role: access.Viewer,
			Summary: "Prometheus metrics; open to loopback clients and to AIDA_METRICS_TOKEN",
			Doc:     rest.Op{ID: "metrics", Tag: "operations", OKText: "Prometheus text exposition format"}},
	}
}
