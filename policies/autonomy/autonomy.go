// Package autonomy holds AIDA's autonomy policy: the five levels an entity can run at, the
// classes of actions, and the table (DESIGN §6) that says, for a level and a class, whether an
// action runs, runs and notifies its owner, waits for a person's approval, or is only drafted.
package autonomy

import "fmt"

// Level is an entity's autonomy level, L1 (draft only) to L5 (autonomous).
type Level int32

// The levels.
const (
	L1 Level = 1 // draft only: a person executes every action
	L2 Level = 2 // assisted: a person approves each action
	L3 Level = 3 // supervised: routine actions run, exceptions need approval
	L4 Level = 4 // delegated: runs within caps, the owner is notified
	L5 Level = 5 // autonomous: a person is on the loop, caps still hold
)

// Valid reports whether l is one of L1..L5.
func (l Level) Valid() bool { return l >= L1 && l <= L5 }

// String returns the level with its name, like "L3 supervised".
func (l Level) String() string {
	if !l.Valid() {
		return fmt.Sprintf("L%d invalid", int32(l))
	}
	return [...]string{"L1 draft only", "L2 assisted", "L3 supervised", "L4 delegated", "L5 autonomous"}[l-L1]
}

// Class is the kind of an action, which decides how much autonomy it gets.
type Class int

// The classes, from the most harmless to the most dangerous.
const (
	Read         Class = iota // score, recall, enrich
	InternalNote              // notes, tasks, tags, internal notifications
	RecordChange              // reversible record changes: stage forward, field update, assignment
	ExternalComm              // email, SMS, a sequence step: anything a person outside sees
	Commitment                // discount, close won or lost
	Destructive               // merge, delete, disqualify
)

// String returns the class as the design table names it.
func (c Class) String() string {
	names := [...]string{"read", "internal note", "record change", "external communication", "commercial commitment", "destructive"}
	if c < Read || int(c) >= len(names) {
		return fmt.Sprintf("class(%d)", int(c))
	}
	return names[c]
}

// Mode is what the policy lets an action do.
type Mode int

// The modes. The zero value is Draft, the safest.
const (
	Draft     Mode = iota // prepared for a person, who executes it
	Approve               // held until a person approves it
	RunNotify             // runs, and the owner is told
	Run                   // runs
)

// String returns the mode's wire form: "run", "draft", "approve" or "run_notify".
func (m Mode) String() string {
	names := [...]string{"draft", "approve", "run_notify", "run"}
	if m < Draft || int(m) >= len(names) {
		return fmt.Sprintf("mode(%d)", int(m))
	}
	return names[m]
}

// ModeOf returns what an action of class may do at level (DESIGN §6):
//
//	class                L1     L2       L3          L4       L5
//	read                 run    run      run         run      run
//	internal note        draft  run      run         run      run
//	record change        draft  approve  run_notify  run      run
//	external comm        draft  approve  approve     run      run
//	commitment           draft  approve  approve     approve  run_notify
//	destructive          draft  approve  approve     approve  approve
//
// An invalid level is treated as L1 and an unknown class as Destructive, so a mistake can only
// make the policy stricter. Caps, escalations and kill switches are applied on top of this
// table by the caller; they only ever make the mode stricter.
func ModeOf(level Level, class Class) Mode {
	if !level.Valid() {
		level = L1
	}
	if class == Read {
		return Run
	}
	if level == L1 {
		return Draft
	}
	switch class {
	case InternalNote:
		return Run
	case RecordChange:
		switch level {
		case L2:
			return Approve
		case L3:
			return RunNotify
		}
		return Run
	case ExternalComm:
		if level >= L4 {
			return Run
		}
		return Approve
	case Commitment:
		if level == L5 {
			return RunNotify
		}
		return Approve
	}
	return Approve
}

// Explain says in words why an action of class gets its mode at level, like
// "external communication needs approval at L3 supervised".
func Explain(level Level, class Class) string {
	if !level.Valid() {
		level = L1
	}
	var what string
	switch ModeOf(level, class) {
	case Draft:
		what = "is drafted for a person"
	case Approve:
		what = "needs approval"
	case RunNotify:
		what = "runs and notifies the owner"
	default:
		what = "runs"
	}
	return fmt.Sprintf("%s %s at %s", class, what, level)
}
