// Package natscmd lets other services command entity actors over NATS request-reply, with the
// same commands, JSON bodies, views, statuses and problems as the REST edge.
//
// # Subjects
//
// A request goes to aida.cmd.<kind>.<id>: kind is lead, deal or account; id is the entity's
// UUID, or "new" for the commands that create one (a lead's capture, a deal's or an account's
// create). The server subscribes to aida.cmd.> in the queue group "aida", so each request is
// handled by exactly one of the nodes that run a Server, and a malformed subject still gets an
// answer.
//
// # Requests
//
// The payload is a JSON object {"command": "<name>", "data": {…}} whose data is exactly the REST
// body of the same route. The commands are the rows of the operation table (edge/operation)
// that have a NATS name; the server is built from it, so they are REST's by construction. Today:
//
//	lead:    capture (id new), get, update (PATCH), archive (DELETE; data {"reason"}), restore,
//	         status, autonomy, note, convert, timeline (data {"after", "limit"}),
//	         start_sequence (POST …/sequence), stop_sequence (DELETE …/sequence; data {"reason"})
//	deal:    create (id new), get, update, stage, autonomy, note, timeline
//	account: create (id new), get, update, autonomy, timeline, start_onboarding,
//	         complete_milestone (data {"name", "reason"}), recompute_health (POST …/health)
//	every kind, for its work:
//	         task (POST …/tasks), complete_task (data {"task_id", "reason"}),
//	         set_flag and clear_flag (PUT and DELETE …/flags/:name; data {"name", "reason"}),
//	         draft (POST …/drafts), approve_draft and discard_draft (data {"draft_id", "reason"}),
//	         signal (POST …/signals)
//
// Commands without a REST body (get, restore) take no data, null or {}; archive, stop_sequence,
// clear_flag and timeline take their REST query parameters as data fields, and the commands of
// a route with a path parameter other than the id (task_id, draft_id, a flag's or milestone's
// name) take it as one more data field, of the same name. The Authorization header carries the
// caller's credentials, "Bearer <key>", checked and authorized exactly as REST does (the
// operation table's role, autonomy limits, owner scoping); the principal is journaled as the
// command's actor (key:<name>). Without credentials, a command answers 401; with a role too
// low, 403. Aida-Request-Id is echoed, or one is made.
//
// # Replies
//
// Every request that carries a reply subject gets exactly one reply, never a panic and never
// silence: {"status": <HTTP status>, "data": <the REST JSON>} on success, or {"status": <4xx or
// 5xx>, "problem": <the REST problem+json>} on failure. The reply's headers carry Status (the
// same number), Aida-Request-Id, Content-Type and, on a 503, Retry-After: 1. A payload that is
// not a JSON object is a 400; an unknown kind or an id that is not a UUID (or "new" where the
// command does not create) a 404; an unknown command, a create sent to an id, or invalid data a
// 422 naming the fields; domain errors map as in REST (404, 409, 422, 503); an overloaded
// server answers 503 at once. A problem's instance is the subject.
//
// # Limits and lifecycle
//
// Each request runs in its own goroutine with a deadline (WithTimeout, default 10 s); at most
// WithConcurrency requests (default 256) run at once, and the next ones are answered 503 until
// one finishes. Start subscribes; Stop drains the subscription, so that every request already
// received is answered, and waits for the running handlers.
package natscmd
