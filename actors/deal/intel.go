package deal

// Signals are what the reference reads of a lead to judge the deal it becomes (reference §4.5,
// "Create from lead"), each in thousandths (0..1000): the lead's buying intent, its urgency
// and its fit.
type Signals struct {
	Intent  int32
	Urgency int32
	Fit     int32
}

// ConvertedProbability returns the win probability (percent) of a deal converted from a lead
// with signals s, the reference's formula min(20 + ⌊60 × (0.4 intent + 0.3 urgency + 0.3 fit)⌋,
// 95) computed in integers: 60 × (4i + 3u + 3f) / 10 000 with i, u, f in thousandths, so a
// product the reference's floats would land a hair under an integer (0.7999…) is not floored
// one short. Signals outside 0..1000 are clamped first.
func ConvertedProbability(s Signals) int32 {
	c := func(v int32) int64 { return int64(max(0, min(v, 1000))) }
	weighted := 4*c(s.Intent) + 3*c(s.Urgency) + 3*c(s.Fit) // ten-thousandths
	return int32(min(20+60*weighted/10000, 95))
}
