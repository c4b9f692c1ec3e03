// Package lead is the pure domain of a lead: its state (an aidapb.Lead), the commands it
// accepts and the events they produce, its status machine and its 7-dimension qualification
// score.
//
// The model is event sourced. Decide(state, command, now) validates one of a lead's own
// commands against the current state and returns the events it produces, or a fault error; it
// does no I/O and never changes the state. Apply(state, event) folds one of those events into the
// state. The commands every kind takes (notes, autonomy, work, signals, reminders) are decided and
// applied by the entity shell (actors/entity) through actors/record over the lead's Traits;
// Follow adds what they mean for a lead (a re-score after an autonomy change, a reply that stops
// the sequence). The shell loads the state, decides, stamps each event (id, actor, time,
// version), applies it, persists events and snapshot together and only then replies.
//
// Scores are integer thousandths (0..1000) and weights integer hundredths, so every threshold
// compares exactly. Capture never changes a lead's status from "new": the qualification
// decision (qualified, unqualified, pending) is a recommendation, and the next actions it
// implies carry the mode the lead's autonomy level allows (policies/autonomy).
package lead
