package rest

import (
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
)

// Fraction is an integer count of thousandths that reads in JSON as a number from 0 to 1 with
// three decimals: 725 is 0.725.
type Fraction int32

// MarshalJSON writes the fraction with three decimals.
func (f Fraction) MarshalJSON() ([]byte, error) { return fixed(int64(f), 3), nil }

// Tenths is an integer count of thousandths of 100 that reads as a number from 0 to 100 with
// one decimal: 725 is 72.5.
type Tenths int32

// MarshalJSON writes the value with one decimal.
func (t Tenths) MarshalJSON() ([]byte, error) { return fixed(int64(t), 1), nil }

// Hundredths is an integer count of hundredths that reads as a number with two decimals: 25 is
// 0.25.
type Hundredths int32

// MarshalJSON writes the value with two decimals.
func (h Hundredths) MarshalJSON() ([]byte, error) { return fixed(int64(h), 2), nil }

// fixed writes n / 10^places as a JSON number with exactly places decimals.
func fixed(n int64, places int) []byte {
	var b []byte
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	for len(digits) <= places {
		digits = "0" + digits
	}
	cut := len(digits) - places
	b = append(b, digits[:cut]...)
	b = append(b, '.')
	return append(b, digits[cut:]...)
}

// DateTime is a time in RFC 3339 form, in UTC.
type DateTime string

// FormatTime returns t as a DateTime.
func FormatTime(t time.Time) DateTime { return DateTime(t.UTC().Format(time.RFC3339Nano)) }

// timeOf returns ts as a DateTime, or nil when ts is unset.
func timeOf(ts *timestamppb.Timestamp) *DateTime {
	if ts == nil {
		return nil
	}
	d := FormatTime(ts.AsTime())
	return &d
}
