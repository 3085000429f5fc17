package crmkit

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Money is an exact amount of one currency: an int64 count of the
// currency's minor units (cents for EUR, yen for JPY, fils for KWD) and its
// Currency. It is a 16-byte immutable value; pass it by value.
//
// Arithmetic never wraps: a result outside int64 is ErrOverflow. Arithmetic
// or comparison across currencies is ErrCurrencyMismatch. Multiplying or
// dividing by a decimal rate rounds with an explicit RoundingMode.
//
// The zero Money is zero of no currency. It is the identity of Add and Sub
// for any currency, so a zero Money can start a running total; every other
// operation that needs a currency rejects it with ErrInvalid.
type Money struct {
	minor int64
	cur   Currency
}

// NewMoney returns minor units of cur, for example NewMoney(1234, EUR) is
// 12.34 EUR. The zero Currency is rejected.
func NewMoney(minor int64, cur Currency) (Money, error) {
	if cur.IsZero() {
		return Money{}, Invalid("currency", "missing currency")
	}
	return Money{minor: minor, cur: cur}, nil
}

// MustMoney parses amount in the currency code and panics on error. It is
// meant for literals in programs and tests: MustMoney("12.34", "EUR").
func MustMoney(amount, code string) Money {
	m, err := ParseMoney(amount, MustCurrency(code))
	if err != nil {
		panic(err)
	}
	return m
}

// ParseMoney parses a decimal amount such as "1234.5" or "-0.25" in cur.
// An amount with more decimal places than the currency's minor unit allows
// (other than trailing zeros) is rejected rather than truncated: use
// ParseMoneyRound to round it explicitly. Empty strings, NaN, infinities and
// amounts outside the int64 range of minor units are errors.
func ParseMoney(amount string, cur Currency) (Money, error) {
	d, err := parseAmount(amount)
	if err != nil {
		return Money{}, err
	}
	return moneyFromDecimal(d, cur, 0, amount)
}

// ParseMoneyRound parses amount like ParseMoney but rounds extra decimal
// places to the currency's minor unit with mode.
func ParseMoneyRound(amount string, cur Currency, mode RoundingMode) (Money, error) {
	if err := mode.validate(); err != nil {
		return Money{}, err
	}
	d, err := parseAmount(amount)
	if err != nil {
		return Money{}, err
	}
	return moneyFromDecimal(d, cur, mode, amount)
}

// MoneyFromDecimal converts a decimal amount to Money in cur, rounding extra
// decimal places to the minor unit with mode.
func MoneyFromDecimal(d decimal.Decimal, cur Currency, mode RoundingMode) (Money, error) {
	if err := mode.validate(); err != nil {
		return Money{}, err
	}
	return moneyFromDecimal(d, cur, mode, d.String())
}

func parseAmount(s string) (decimal.Decimal, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return decimal.Decimal{}, Invalid("amount", "empty amount")
	}
	if len(t) > 64 {
		return decimal.Decimal{}, Invalid("amount", "amount %.20q... is longer than 64 characters", t)
	}
	d, err := decimal.NewFromString(t)
	if err != nil {
		return decimal.Decimal{}, Invalid("amount", "%q is not a decimal number", s)
	}
	return d, nil
}

var (
	decMaxInt64 = decimal.NewFromInt(math.MaxInt64)
	decMinInt64 = decimal.NewFromInt(math.MinInt64)
)

// moneyFromDecimal scales d to minor units. mode 0 means "exact or error".
func moneyFromDecimal(d decimal.Decimal, cur Currency, mode RoundingMode, src string) (Money, error) {
	if cur.IsZero() {
		return Money{}, Invalid("currency", "missing currency")
	}
	if d.Exponent() > 30 || d.Exponent() < -60 {
		// Far outside any int64 amount; checked before Shift so that a
		// string like "1e400000000" cannot make us build a huge number.
		if !d.IsZero() && d.Exponent() > 30 {
			return Money{}, fmt.Errorf("amount %s in %s: %w", src, cur, ErrOverflow)
		}
		if mode == 0 && !d.IsZero() {
			return Money{}, Invalid("amount", "%s has more decimal places than %s allows (%d)", src, cur, cur.Digits())
		}
	}
	scaled := d.Shift(int32(cur.digits()))
	if !scaled.IsInteger() {
		if mode == 0 {
			return Money{}, Invalid("amount", "%s has more decimal places than %s allows (%d)", src, cur, cur.Digits())
		}
		scaled = mode.round(scaled)
	}
	if scaled.GreaterThan(decMaxInt64) || scaled.LessThan(decMinInt64) {
		return Money{}, fmt.Errorf("amount %s in %s does not fit int64 minor units: %w", src, cur, ErrOverflow)
	}
	return Money{minor: scaled.IntPart(), cur: cur}, nil
}

// Minor returns the amount in minor units.
func (m Money) Minor() int64 { return m.minor }

// Currency returns the currency (the zero Currency for the zero Money).
func (m Money) Currency() Currency { return m.cur }

// Decimal returns the amount in major units as an exact decimal.
func (m Money) Decimal() decimal.Decimal { return decimal.New(m.minor, -int32(m.cur.digits())) }

// IsZero reports whether the amount is zero (of any currency).
func (m Money) IsZero() bool { return m.minor == 0 }

// Sign returns -1, 0 or +1 for a negative, zero or positive amount.
func (m Money) Sign() int {
	switch {
	case m.minor < 0:
		return -1
	case m.minor > 0:
		return 1
	}
	return 0
}

// Equal reports whether m and o have the same currency and amount.
func (m Money) Equal(o Money) bool { return m == o }

func (m Money) sameCurrency(o Money, op string) (Currency, error) {
	switch {
	case m.cur == o.cur:
		return m.cur, nil
	case m.cur.IsZero() && m.minor == 0:
		return o.cur, nil
	case o.cur.IsZero() && o.minor == 0:
		return m.cur, nil
	}
	return Currency{}, fmt.Errorf("%s %s and %s: %w", op, m.cur, o.cur, ErrCurrencyMismatch)
}

// Add returns m + o. Different currencies are ErrCurrencyMismatch; a sum
// outside int64 minor units is ErrOverflow.
func (m Money) Add(o Money) (Money, error) {
	if m.cur != o.cur {
		cur, err := m.sameCurrency(o, "add")
		if err != nil {
			return Money{}, err
		}
		return Money{minor: m.minor + o.minor, cur: cur}, nil
	}
	s := m.minor + o.minor
	if (s > m.minor) != (o.minor > 0) {
		return Money{}, overflowError("add", m, o)
	}
	return Money{minor: s, cur: m.cur}, nil
}

func overflowError(op string, m, o Money) error {
	return fmt.Errorf("%s %s and %s: %w", op, m, o, ErrOverflow)
}

// Sub returns m - o, with the same errors as Add.
func (m Money) Sub(o Money) (Money, error) {
	cur, err := m.sameCurrency(o, "subtract")
	if err != nil {
		return Money{}, err
	}
	s := m.minor - o.minor
	if (s < m.minor) != (o.minor > 0) {
		return Money{}, fmt.Errorf("subtract %s from %s: %w", o, m, ErrOverflow)
	}
	return Money{minor: s, cur: cur}, nil
}

// Neg returns -m. The most negative int64 amount has no negation: ErrOverflow.
func (m Money) Neg() (Money, error) {
	if m.minor == math.MinInt64 {
		return Money{}, fmt.Errorf("negate %s: %w", m, ErrOverflow)
	}
	return Money{minor: -m.minor, cur: m.cur}, nil
}

// Abs returns |m|, with ErrOverflow for the most negative int64 amount.
func (m Money) Abs() (Money, error) {
	if m.minor < 0 {
		return m.Neg()
	}
	return m, nil
}

// Cmp compares m and o: -1 if m < o, 0 if equal, +1 if m > o. Different
// currencies are ErrCurrencyMismatch.
func (m Money) Cmp(o Money) (int, error) {
	if _, err := m.sameCurrency(o, "compare"); err != nil {
		return 0, err
	}
	switch {
	case m.minor < o.minor:
		return -1, nil
	case m.minor > o.minor:
		return 1, nil
	}
	return 0, nil
}

// Mul returns m × rate rounded to the minor unit with mode, for example a
// 12.5% commission or a 0.85 FX rate. The product is computed exactly
// before the one rounding.
func (m Money) Mul(rate decimal.Decimal, mode RoundingMode) (Money, error) {
	if err := mode.validate(); err != nil {
		return Money{}, err
	}
	if m.cur.IsZero() {
		return Money{}, Invalid("currency", "multiply a money amount without currency")
	}
	p := mode.round(decimal.NewFromInt(m.minor).Mul(rate))
	if p.GreaterThan(decMaxInt64) || p.LessThan(decMinInt64) {
		return Money{}, fmt.Errorf("multiply %s by %s: %w", m, rate, ErrOverflow)
	}
	return Money{minor: p.IntPart(), cur: m.cur}, nil
}

// Div returns m ÷ divisor rounded to the minor unit with mode. The rounding
// decision uses the exact remainder, so no double rounding occurs. A zero
// divisor is ErrInvalid.
func (m Money) Div(divisor decimal.Decimal, mode RoundingMode) (Money, error) {
	if err := mode.validate(); err != nil {
		return Money{}, err
	}
	if m.cur.IsZero() {
		return Money{}, Invalid("currency", "divide a money amount without currency")
	}
	if divisor.IsZero() {
		return Money{}, Invalid("divisor", "division of %s by zero", m)
	}
	return m.MulRatio(decimal.NewFromInt(1), divisor, mode)
}

// Sum adds amounts, all of which must be in cur (zero Money values are
// allowed and add nothing). The empty sum is zero of cur. Amounts in
// another currency are ErrCurrencyMismatch; a running total (added in
// order) outside int64 minor units is ErrOverflow.
//
// Sum is the fast path for large slices. Instead of checking every
// addition for overflow it checks that every amount lies in [-2^k, 2^k),
// where k is chosen from len(amounts) so that no partial sum of such
// amounts can leave int64; that check and the currency check are bit masks
// carried through the loop. Only when one of them fires does Sum fall back
// to the exact sequential path, which finds and names the culprit (or
// finds that the big amounts do sum within int64).
func Sum(cur Currency, amounts ...Money) (Money, error) {
	if cur.IsZero() {
		return Money{}, Invalid("currency", "missing currency")
	}
	// |sum| < len · 2^k <= 2^62 when every amount is in [-2^k, 2^k).
	k := 62 - bits.Len(uint(len(amounts)))
	bias := int64(1) << k
	var s0, s1 int64
	var span uint64 // OR of a + 2^k: below 2^(k+1) iff every a is in range
	var bad uint32
	n := len(amounts) &^ 1
	for i := 0; i < n; i += 2 {
		p := amounts[i : i+2 : i+2]
		a, b := p[0].minor, p[1].minor
		s0 += a
		s1 += b
		span |= uint64(a+bias) | uint64(b+bias)
		bad |= (p[0].cur.packed ^ cur.packed) | (p[1].cur.packed ^ cur.packed)
	}
	if n < len(amounts) {
		s0 += amounts[n].minor
		span |= uint64(amounts[n].minor + bias)
		bad |= amounts[n].cur.packed ^ cur.packed
	}
	s := s0 + s1
	if span >= uint64(1)<<(k+1) || bad != 0 {
		return SumSeq(cur, slices.Values(amounts)) // find and report the culprit
	}
	return Money{minor: s, cur: cur}, nil
}

// SumSeq adds a stream of amounts in cur, stopping at the first error. A
// nil sequence is ErrInvalid.
func SumSeq(cur Currency, amounts iter.Seq[Money]) (Money, error) {
	if cur.IsZero() {
		return Money{}, Invalid("currency", "missing currency")
	}
	if amounts == nil {
		return Money{}, Invalid("amounts", "nil sequence")
	}
	var s int64
	for a := range amounts {
		if a.cur != cur && !(a.cur.IsZero() && a.minor == 0) {
			return Money{}, fmt.Errorf("sum in %s meets %s: %w", cur, a, ErrCurrencyMismatch)
		}
		t := s + a.minor
		if (t > s) != (a.minor > 0) {
			return Money{}, fmt.Errorf("sum in %s: %w", cur, ErrOverflow)
		}
		s = t
	}
	return Money{minor: s, cur: cur}, nil
}

// Allocate splits m into len(weights) parts proportional to weights that sum
// exactly to m, to the minor unit, using the largest-remainder method: each
// part first gets the floor of its exact share (in magnitude), then the
// leftover minor units go one each to the parts with the largest
// remainders, ties going to the lower index. Every part is within one minor
// unit of its exact share, and equal weights give parts that differ by at
// most one minor unit. Negative amounts (refunds) are split the same way in
// magnitude, so Allocate(-m) is the negation of Allocate(m).
//
// Weights must be non-negative with a positive sum that fits in uint64.
func (m Money) Allocate(weights ...int64) ([]Money, error) {
	if m.cur.IsZero() {
		return nil, Invalid("currency", "allocate a money amount without currency")
	}
	if len(weights) == 0 {
		return nil, Invalid("weights", "no weights")
	}
	var total uint64
	for i, w := range weights {
		if w < 0 {
			return nil, Invalid(fmt.Sprintf("weights[%d]", i), "negative weight %d", w)
		}
		var carry uint64
		total, carry = bits.Add64(total, uint64(w), 0)
		if carry != 0 {
			return nil, fmt.Errorf("allocate: sum of weights: %w", ErrOverflow)
		}
	}
	if total == 0 {
		return nil, Invalid("weights", "weights sum to zero")
	}
	neg := m.minor < 0
	mag := uint64(m.minor)
	if neg {
		mag = -mag // two's complement magnitude; exact even for MinInt64
	}
	parts := make([]Money, len(weights))
	rems := make([]uint64, len(weights))
	var assigned uint64
	for i, w := range weights {
		hi, lo := bits.Mul64(mag, uint64(w))
		q, r := bits.Div64(hi, lo, total) // hi < total because w <= total
		parts[i].minor = int64(q)         // q <= mag, restored below
		rems[i] = r
		assigned += q
	}
	if left := mag - assigned; left > 0 {
		order := make([]int, len(weights))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case rems[a] > rems[b]:
				return -1
			case rems[a] < rems[b]:
				return 1
			}
			return 0
		})
		for _, i := range order[:left] {
			parts[i].minor++
		}
	}
	for i := range parts {
		parts[i].cur = m.cur
		if neg {
			parts[i].minor = int64(-uint64(parts[i].minor))
		}
	}
	return parts, nil
}

// AllocateRatios is Allocate with decimal weights, such as percentages
// "33.3", "33.3", "33.4". The weights are scaled by a common power of ten to
// integers; weights that cannot be scaled into int64 are ErrOverflow.
func (m Money) AllocateRatios(weights []decimal.Decimal) ([]Money, error) {
	if len(weights) == 0 {
		return nil, Invalid("weights", "no weights")
	}
	exp := int32(0)
	for i, w := range weights {
		if w.Sign() < 0 {
			return nil, Invalid(fmt.Sprintf("weights[%d]", i), "negative weight %s", w)
		}
		if w.Exponent() < exp {
			exp = w.Exponent()
		}
	}
	ints := make([]int64, len(weights))
	for i, w := range weights {
		s := w.Shift(-exp)
		if s.GreaterThan(decMaxInt64) {
			return nil, fmt.Errorf("allocate: weight %s too large or precise: %w", w, ErrOverflow)
		}
		ints[i] = s.IntPart()
	}
	return m.Allocate(ints...)
}

// String formats m as "1234.50 EUR"; the zero Money formats as "0".
func (m Money) String() string {
	if m.cur.IsZero() {
		return strconv.FormatInt(m.minor, 10)
	}
	return m.format() + " " + m.cur.Code()
}

// format renders the amount in major units with exactly Digits() decimals.
func (m Money) format() string {
	d := int(m.cur.digits())
	mag := uint64(m.minor)
	if m.minor < 0 {
		mag = -mag
	}
	s := strconv.FormatUint(mag, 10)
	if d > 0 {
		if len(s) <= d {
			s = strings.Repeat("0", d-len(s)+1) + s
		}
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	if m.minor < 0 {
		s = "-" + s
	}
	return s
}

// MarshalText implements encoding.TextMarshaler as "12.34 EUR".
func (m Money) MarshalText() ([]byte, error) {
	if m.cur.IsZero() {
		return nil, Invalid("currency", "marshal a money amount without currency")
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler for "12.34 EUR".
// Excess precision is rejected as in ParseMoney.
func (m *Money) UnmarshalText(b []byte) error {
	amount, code, ok := strings.Cut(strings.TrimSpace(string(b)), " ")
	if !ok {
		return Invalid("money", "%q is not of the form \"12.34 EUR\"", b)
	}
	cur, err := ParseCurrency(code)
	if err != nil {
		return err
	}
	v, err := ParseMoney(amount, cur)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

type moneyJSON struct {
	Amount   json.RawMessage `json:"amount"`
	Currency string          `json:"currency"`
}

// MarshalJSON encodes m as {"amount":"12.34","currency":"EUR"}, the amount
// a string so that no JSON reader turns it into a float. The zero Money
// encodes as null.
func (m Money) MarshalJSON() ([]byte, error) {
	if m.cur.IsZero() {
		if m.minor != 0 {
			return nil, Invalid("currency", "marshal a money amount without currency")
		}
		return []byte("null"), nil
	}
	return []byte(`{"amount":"` + m.format() + `","currency":"` + m.cur.Code() + `"}`), nil
}

// UnmarshalJSON decodes the form MarshalJSON writes; the amount may also be
// a JSON number, which is parsed exactly from its text. null decodes to the
// zero Money.
func (m *Money) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = Money{}
		return nil
	}
	var v moneyJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return Invalid("money", "malformed JSON: %v", err)
	}
	cur, err := ParseCurrency(v.Currency)
	if err != nil {
		return err
	}
	amount := string(v.Amount)
	if strings.HasPrefix(amount, `"`) {
		if err := json.Unmarshal(v.Amount, &amount); err != nil {
			return Invalid("amount", "malformed JSON string: %v", err)
		}
	}
	out, err := ParseMoney(amount, cur)
	if err != nil {
		return err
	}
	*m = out
	return nil
}

// Value implements database/sql/driver.Valuer with the text form
// "12.34 EUR"; the zero Money is NULL.
func (m Money) Value() (driver.Value, error) {
	if m.cur.IsZero() {
		if m.minor != 0 {
			return nil, Invalid("currency", "store a money amount without currency")
		}
		return nil, nil
	}
	return m.String(), nil
}

// Scan implements database/sql.Scanner for the text form written by Value;
// NULL scans to the zero Money. A nil m is an error matching ErrInvalid.
func (m *Money) Scan(src any) error {
	if m == nil {
		return Invalid("money", "scan into a nil *Money")
	}
	switch v := src.(type) {
	case nil:
		*m = Money{}
		return nil
	case string:
		return m.UnmarshalText([]byte(v))
	case []byte:
		return m.UnmarshalText(v)
	}
	return Invalid("money", "cannot scan %T into Money", src)
}
