// Package lead is the pure domain of a lead: its state (an aidapb.Lead), the commands it
// accepts and the events they produce, its status machine and its 7-dimension qualification
// score.
//
// The model is event sourced. Decide(state, command, now) validates a command against the
// current state and returns the events it produces, or a fault error; it does no I/O and never
// changes the state. Apply(state, event) folds one event into the state. The entity shell
// (actors/entity) loads the state, calls Decide, stamps each event (id, actor, time, version),
// calls Apply, persists events and snapshot together and only then replies, so
// Apply(Decide(…)) is the whole truth of a lead.
//
// Scores are integer thousandths (0..1000) and weights integer hundredths, so every threshold
// compares exactly. Capture never changes a lead's status from "new": the qualification
// decision (qualified, unqualified, pending) is a recommendation, and the next actions it
// implies carry the mode the lead's autonomy level allows (policies/autonomy).
package lead
