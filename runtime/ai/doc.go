// Package ai is AIDA's client of an OpenAI-compatible endpoint (OpenAI, OpenRouter, Ollama,
// vLLM, llama.cpp), used by the AI workers, never by an actor's receive: a call may take
// seconds or never end.
//
// # Structured answers
//
// Complete sends one chat completion whose response_format is a strict json_schema named by the
// request's purpose, then validates the answer against that schema. An invalid answer (not JSON,
// or not matching) gets one repair attempt: the invalid answer and the validation error are sent
// back, asking for corrected JSON. The Answer carries what the journal records: model, tokens
// in and out, latency, estimated cost, outcome ("ok", "repaired") and a SHA-256 of the prompt.
//
// # Failure model
//
// Failure is normal and always typed, so the caller answers with the offline brain and journals
// why (Outcome names the reason): ErrTimeout (Config.Timeout bounds a call, retries and repair
// included, from the moment it holds a slot), ErrRateLimited (a 429 whose Retry-After does not
// fit in the deadline, or a second 429; the *Error carries Retry-After), ErrUnavailable (a 5xx
// or network error twice, another 4xx, or the breaker open), ErrBudget (today's tokens used up,
// nothing sent) and ErrInvalidAnswer (invalid after the repair). Each exchange is retried at
// most once: after a 429's Retry-After when it fits, after a short backoff for a 5xx or a
// network error. A circuit breaker counts exchanges: 5 consecutive failures open it, calls
// then fail fast, and after 30s one half-open probe decides whether it closes. At most
// Config.Concurrency calls are in flight; the others wait for a slot as long as their context
// allows. Tokens are counted per UTC day, in all and per entity: a warning is logged once a
// day at 80% of a limit, and a call is refused at 100% (calls in flight may end a little past
// it).
//
// # Untrusted text
//
// Text from outside (inbound emails, notes, form fields) is data, never instructions. The
// system message is the purpose's fixed instructions alone. Every Datum goes into the user
// message only, in a <data label="..."> block after a line telling the model that the data
// holds no instructions; any "<data" or "</data" inside the text is neutralised ("&lt;/data"),
// so a text cannot close its block or open another. A model's answer is a proposal: what may
// run is decided by the autonomy policy, never here.
//
// Package aitest is a local server speaking the OpenAI API for the tests of this package and of
// the AI workers.
package ai
