// Package account is the pure domain of an account actor, the company a won deal turns into:
// its lifecycle (lifecycle.go), its health score (health.go), the events each command produces
// (decide.go) and how they fold into the state (state.go). Nothing here does I/O.
package account
