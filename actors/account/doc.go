// Package account is the pure domain of an account actor, the company a won deal turns into:
// its lifecycle (lifecycle.go), its health score (health.go), the events each command produces
// (decide.go), how they fold into the state (state.go), and what the commands every kind shares
// mean for an account (Follow: a signal feeds its health). Nothing here does I/O.
package account
