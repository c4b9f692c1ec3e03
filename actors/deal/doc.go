// Package deal is the pure domain of a deal actor: its stages and the moves between them
// (stage.go), its money (money.go), the events each command produces (decide.go) and how
// those events fold into the state (state.go), and what the commands every kind shares mean
// for a deal (Follow: activity clears the stale flag; Touch: last activity). Nothing here does
// I/O; the entity shell loads, decides the shared commands, persists and publishes.
package deal
