package poll

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Decimal is a number with at most three decimals, held exactly as a count
// of thousandths. Number questions use it so that "is it on the step"
// checks and the sums in a tally are exact: with floats, 0.1 + 0.2 is not
// 0.3 and merging tallies in a different order would give different sums.
type Decimal int64

const (
	decimalScale = 1000
	// maxDecimal bounds answers to a billion either way, so that the sum of
	// millions of answers still fits in an int64 of thousandths.
	maxDecimal = Decimal(1_000_000_000 * decimalScale)
)

// DecimalFromInt returns the whole number n as a Decimal; it is clamped to
// the range a Decimal may hold (a billion either way).
func DecimalFromInt(n int64) Decimal {
	const limit = int64(maxDecimal / decimalScale)
	return Decimal(min(max(n, -limit), limit) * decimalScale)
}

// DecimalFromFloat returns f as a Decimal; ok is false when f has more than
// three decimals or lies outside the range a Decimal may hold.
func DecimalFromFloat(f float64) (d Decimal, ok bool) {
	scaled := math.Round(f * decimalScale)
	if math.IsNaN(f) || math.Abs(scaled) > float64(maxDecimal) || math.Abs(scaled-f*decimalScale) > 1e-6 {
		return 0, false
	}
	return Decimal(scaled), true
}

// ParseDecimal reads a number as a resident types it: an optional sign,
// digits, and at most three decimals after a point or a comma ("12,5" is
// how a Dutch resident writes 12.5). It knows no thousands separators:
// "1.000" is one. Checking an answer refuses that form where it is
// ambiguous (see ambiguousThousands).
func ParseDecimal(s string) (Decimal, error) {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, hasSep := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" && frac == "" || hasSep && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, errors.New("is not a number")
	}
	if len(frac) > 3 {
		return 0, errors.New("has more than three decimals")
	}
	if len(whole) > 10 {
		return 0, errors.New("is too large")
	}
	var n int64
	if whole != "" {
		w, err := strconv.ParseInt(whole, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("is not a number: %w", err)
		}
		n = w * decimalScale
	}
	for i, scale := 0, int64(100); i < len(frac); i, scale = i+1, scale/10 {
		n += int64(frac[i]-'0') * scale
	}
	if neg {
		n = -n
	}
	if d := Decimal(n); d > maxDecimal || d < -maxDecimal {
		return 0, errors.New("is too large")
	}
	return Decimal(n), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats d with a point and no trailing zeros, e.g. "12.5", "-3".
func (d Decimal) String() string {
	sign := ""
	n := int64(d)
	if n < 0 {
		sign, n = "-", -n
	}
	whole, frac := n/decimalScale, n%decimalScale
	if frac == 0 {
		return fmt.Sprintf("%s%d", sign, whole)
	}
	return strings.TrimRight(fmt.Sprintf("%s%d.%03d", sign, whole, frac), "0")
}

// Float64 returns d as a float, for display and averages.
func (d Decimal) Float64() float64 { return float64(d) / decimalScale }

// ambiguousThousands reports whether s has a separator followed by exactly
// three digits, as in "1.000" or "2,500": a thousands separator to one
// reader and a decimal point to another.
func ambiguousThousands(s string) bool {
	s = strings.TrimSpace(s)
	i := strings.LastIndexAny(s, ".,")
	return i > 0 && len(s)-i-1 == 3 && allDigits(s[i+1:])
}
