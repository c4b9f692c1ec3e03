// Package edge is AIDA's HTTP front door: a fiber app that decodes REST requests (api/rest),
// sends them as commands to the entity actors through the Entities interface, and answers
// with JSON views or RFC 9457 problems. It owns the HTTP middleware: request IDs, access
// logs, panic recovery, body limits, per-request deadlines and Prometheus metrics.
//
// Every request reaches Entities with a context bounded by Config.RequestTimeout; errors map
// to HTTP statuses here and nowhere else (see problem.go).
package edge
