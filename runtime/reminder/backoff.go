package reminder

import "time"

// backoff is the delay before the next delivery of a reminder that failed after attempts
// earlier failures: base·2^attempts, at most max, jittered by r in [0, 1) to between half of
// it (r = 0) and all of it.
func backoff(base, max time.Duration, attempts int, r float64) time.Duration {
	d := base
	for range attempts {
		if d >= max/2 {
			d = max
			break
		}
		d *= 2
	}
	d = min(d, max)
	return d/2 + time.Duration(r*float64(d/2))
}
