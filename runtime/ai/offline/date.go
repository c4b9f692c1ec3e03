package offline

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The date expressions until understands, on lower-case text.
const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	isoRE      = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	slashRE    = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?\b`)
	monthDayRE = regexp.MustCompile(`\b` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`)
	dayMonthRE = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRE + `\b(?:,?\s+(\d{4}))?`)
	quarterRE  = regexp.MustCompile(`\bq([1-4])\b(?:\s+(\d{4}))?|\b(first|second|third|fourth)\s+quarter\b`)
	relRE      = regexp.MustCompile(`\bin\s+(a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+couple\s+of|a\s+few|couple\s+of|few|\d{1,2})\s+(day|week|month|year)s?\b`)
	nextRE     = regexp.MustCompile(`\bnext\s+(week|month|quarter|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`)
	weekdayRE  = regexp.MustCompile(`\b(?:back|return|returning|until|till|on|after)\s+(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b`)
	endOfRE    = regexp.MustCompile(`\b(?:end|close)\s+of\s+(?:the\s+)?(month|quarter|year)\b`)
)

// until finds the first date expression in text and returns the day it names, at midnight in
// now's location, with the words it read. Dates without a year are the next such date from
// today; numeric dates are month/day unless the first number is over 12; "after X" is the day
// after X; a quarter, a month or a year is its first day; "next week" is next Monday.
func until(text string, now time.Time) (time.Time, string, bool) {
	s := strings.ToLower(text)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	best, at, what := time.Time{}, -1, ""
	try := func(re *regexp.Regexp, read func(m []string) (time.Time, bool)) {
		for _, ix := range re.FindAllStringSubmatchIndex(s, -1) {
			if at >= 0 && ix[0] >= at {
				return
			}
			m := make([]string, len(ix)/2)
			for g := range m {
				if ix[2*g] >= 0 {
					m[g] = s[ix[2*g]:ix[2*g+1]]
				}
			}
			d, ok := read(m)
			if !ok || d.Before(today) {
				continue
			}
			if strings.HasSuffix(strings.TrimSpace(s[:ix[0]]), "after") || strings.HasPrefix(m[0], "after") {
				d = d.AddDate(0, 0, 1)
			}
			best, at, what = d, ix[0], m[0]
			return
		}
	}
	day := func(y int, mo time.Month, d int) (time.Time, bool) {
		t := time.Date(y, mo, d, 0, 0, 0, 0, now.Location())
		return t, t.Month() == mo && t.Day() == d
	}
	// dayNoYear is the next mo/d from today, or that day in year y when given.
	dayNoYear := func(mo time.Month, d int, y string) (time.Time, bool) {
		if y != "" {
			n, _ := strconv.Atoi(y)
			if n < 100 {
				n += 2000
			}
			return day(n, mo, d)
		}
		t, ok := day(today.Year(), mo, d)
		if ok && t.Before(today) {
			t, ok = day(today.Year()+1, mo, d)
		}
		return t, ok
	}
	try(isoRE, func(m []string) (time.Time, bool) {
		return day(atoi(m[1]), time.Month(atoi(m[2])), atoi(m[3]))
	})
	try(slashRE, func(m []string) (time.Time, bool) {
		mo, d := atoi(m[1]), atoi(m[2])
		if mo > 12 {
			mo, d = d, mo
		}
		if mo < 1 || mo > 12 {
			return time.Time{}, false
		}
		return dayNoYear(time.Month(mo), d, m[3])
	})
	try(monthDayRE, func(m []string) (time.Time, bool) { return dayNoYear(month(m[1]), atoi(m[2]), m[3]) })
	try(dayMonthRE, func(m []string) (time.Time, bool) { return dayNoYear(month(m[2]), atoi(m[1]), m[3]) })
	try(quarterRE, func(m []string) (time.Time, bool) {
		q := atoi(m[1])
		if q == 0 {
			q = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4}[m[3]]
		}
		return dayNoYear(time.Month(3*q-2), 1, m[2])
	})
	try(relRE, func(m []string) (time.Time, bool) {
		n := count(m[1])
		switch m[2] {
		case "day":
			return today.AddDate(0, 0, n), true
		case "week":
			return today.AddDate(0, 0, 7*n), true
		case "month":
			return today.AddDate(0, n, 0), true
		}
		return today.AddDate(n, 0, 0), true
	})
	try(nextRE, func(m []string) (time.Time, bool) {
		switch m[1] {
		case "week":
			return nextWeekday(today, time.Monday), true
		case "month":
			return time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, now.Location()), true
		case "quarter":
			return quarterStart(today, 1), true
		case "year":
			return time.Date(today.Year()+1, 1, 1, 0, 0, 0, 0, now.Location()), true
		}
		return nextWeekday(today, weekday(m[1])), true
	})
	try(weekdayRE, func(m []string) (time.Time, bool) { return nextWeekday(today, weekday(m[1])), true })
	try(endOfRE, func(m []string) (time.Time, bool) {
		switch m[1] {
		case "month":
			return time.Date(today.Year(), today.Month()+1, 1, 0, 0, 0, 0, now.Location()), true
		case "quarter":
			return quarterStart(today, 1), true
		}
		return time.Date(today.Year()+1, 1, 1, 0, 0, 0, 0, now.Location()), true
	})
	return best, what, at >= 0
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// count reads a small number written in words or digits.
func count(s string) int {
	s = strings.Join(strings.Fields(s), " ")
	words := map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
		"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
		"a couple of": 2, "couple of": 2, "a few": 3, "few": 3}
	if n, ok := words[s]; ok {
		return n
	}
	return atoi(s)
}

func month(s string) time.Month {
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), s[:3]) {
			return m
		}
	}
	return 0
}

func weekday(s string) time.Weekday {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.ToLower(d.String()) == s {
			return d
		}
	}
	return time.Monday
}

// nextWeekday is the first day after today that falls on d.
func nextWeekday(today time.Time, d time.Weekday) time.Time {
	n := (int(d) - int(today.Weekday()) + 7) % 7
	if n == 0 {
		n = 7
	}
	return today.AddDate(0, 0, n)
}

// quarterStart is the first day of the quarter n quarters after today's.
func quarterStart(today time.Time, n int) time.Time {
	q := (int(today.Month())-1)/3 + n
	return time.Date(today.Year(), time.Month(3*q+1), 1, 0, 0, 0, 0, today.Location())
}
