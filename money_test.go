package crmkit_test

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

var (
	eur = crmkit.MustCurrency("EUR")
	jpy = crmkit.MustCurrency("JPY")
	kwd = crmkit.MustCurrency("KWD")
	usd = crmkit.MustCurrency("USD")
)

func TestParseCurrency(t *testing.T) {
	tests := []struct {
		in     string
		code   string
		digits int
	}{
		{"EUR", "EUR", 2}, {"eur", "EUR", 2}, {" JPY ", "JPY", 0}, {"KWD", "KWD", 3}, {"CLF", "CLF", 4},
	}
	for _, tt := range tests {
		c, err := crmkit.ParseCurrency(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.code, c.Code())
		assert.Equal(t, tt.digits, c.Digits())
	}
	for _, bad := range []string{"", "EU", "EURO", "XYZ", "€", "12 "} {
		_, err := crmkit.ParseCurrency(bad)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, bad)
		var ve *crmkit.ValidationError
		assert.ErrorAs(t, err, &ve)
		assert.Equal(t, "currency", ve.Field)
	}
	assert.True(t, crmkit.Currency{}.IsZero())
	assert.Panics(t, func() { crmkit.MustCurrency("NOPE") })
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in    string
		cur   crmkit.Currency
		minor int64
		str   string
	}{
		{"12.34", eur, 1234, "12.34 EUR"},
		{"-0.05", eur, -5, "-0.05 EUR"},
		{"1.50", eur, 150, "1.50 EUR"},
		{"1.500", eur, 150, "1.50 EUR"}, // trailing zeros are not extra precision
		{"7", eur, 700, "7.00 EUR"},
		{"1e3", eur, 100000, "1000.00 EUR"},
		{"1234", jpy, 1234, "1234 JPY"},
		{"-1.000", jpy, -1, "-1 JPY"},
		{"1.234", kwd, 1234, "1.234 KWD"},
		{"0.001", kwd, 1, "0.001 KWD"},
		{"92233720368547758.07", eur, math.MaxInt64, "92233720368547758.07 EUR"},
		{"-92233720368547758.08", eur, math.MinInt64, "-92233720368547758.08 EUR"},
	}
	for _, tt := range tests {
		m, err := crmkit.ParseMoney(tt.in, tt.cur)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.minor, m.Minor(), tt.in)
		assert.Equal(t, tt.str, m.String(), tt.in)
	}
}

func TestParseMoneyRejects(t *testing.T) {
	tests := []struct {
		in   string
		cur  crmkit.Currency
		kind error
	}{
		{"", eur, crmkit.ErrInvalid},
		{"   ", eur, crmkit.ErrInvalid},
		{"NaN", eur, crmkit.ErrInvalid},
		{"Inf", eur, crmkit.ErrInvalid},
		{"-Infinity", eur, crmkit.ErrInvalid},
		{"abc", eur, crmkit.ErrInvalid},
		{"1,50", eur, crmkit.ErrInvalid},
		{"1.234", eur, crmkit.ErrInvalid}, // three decimals in a two-decimal currency
		{"0.5", jpy, crmkit.ErrInvalid},
		{"1.2345", kwd, crmkit.ErrInvalid},
		{"1e-9", eur, crmkit.ErrInvalid},
		{"1e400", eur, crmkit.ErrOverflow},
		{"1e400000000", eur, crmkit.ErrInvalid}, // beyond what the decimal parser accepts
		{"92233720368547758.08", eur, crmkit.ErrOverflow},
		{"-92233720368547758.09", eur, crmkit.ErrOverflow},
		{"1", crmkit.Currency{}, crmkit.ErrInvalid},
	}
	for _, tt := range tests {
		_, err := crmkit.ParseMoney(tt.in, tt.cur)
		assert.ErrorIs(t, err, tt.kind, "%q", tt.in)
	}
}

func TestParseMoneyRound(t *testing.T) {
	tests := []struct {
		in    string
		mode  crmkit.RoundingMode
		minor int64
	}{
		{"1.005", crmkit.RoundHalfEven, 100},
		{"1.015", crmkit.RoundHalfEven, 102},
		{"1.005", crmkit.RoundHalfUp, 101},
		{"-1.005", crmkit.RoundHalfUp, -101},
		{"1.009", crmkit.RoundDown, 100},
		{"-1.009", crmkit.RoundDown, -100},
		{"1.001", crmkit.RoundUp, 101},
		{"-1.001", crmkit.RoundUp, -101},
		{"-1.001", crmkit.RoundFloor, -101},
		{"1.009", crmkit.RoundFloor, 100},
		{"1.001", crmkit.RoundCeiling, 101},
		{"-1.009", crmkit.RoundCeiling, -100},
	}
	for _, tt := range tests {
		m, err := crmkit.ParseMoneyRound(tt.in, eur, tt.mode)
		require.NoError(t, err)
		assert.Equal(t, tt.minor, m.Minor(), "%s %s", tt.in, tt.mode)
	}
	_, err := crmkit.ParseMoneyRound("1.005", eur, 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "the zero rounding mode is not a mode")
	_, err = crmkit.ParseMoneyRound("1.005", eur, crmkit.RoundingMode(99))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestMoneyArithmetic(t *testing.T) {
	a := crmkit.MustMoney("10.50", "EUR")
	b := crmkit.MustMoney("0.75", "EUR")
	s, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "11.25 EUR", s.String())
	d, err := b.Sub(a)
	require.NoError(t, err)
	assert.Equal(t, "-9.75 EUR", d.String())
	n, err := a.Neg()
	require.NoError(t, err)
	assert.Equal(t, int64(-1050), n.Minor())
	c, err := a.Cmp(b)
	require.NoError(t, err)
	assert.Equal(t, 1, c)

	_, err = a.Add(crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = a.Sub(crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = a.Cmp(crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)

	// The zero Money starts a running total in any currency.
	var total crmkit.Money
	total, err = total.Add(a)
	require.NoError(t, err)
	assert.True(t, total.Equal(a))

	max, _ := crmkit.NewMoney(math.MaxInt64, eur)
	min, _ := crmkit.NewMoney(math.MinInt64, eur)
	one, _ := crmkit.NewMoney(1, eur)
	_, err = max.Add(one)
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = min.Sub(one)
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = min.Neg()
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = min.Abs()
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = crmkit.NewMoney(5, crmkit.Currency{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// big reference: Add/Sub agree with arbitrary precision and report overflow
// exactly when the true result leaves int64.
func TestMoneyAddSubProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Int64().Draw(t, "x")
		y := rapid.Int64().Draw(t, "y")
		a, _ := crmkit.NewMoney(x, eur)
		b, _ := crmkit.NewMoney(y, eur)
		for _, op := range []struct {
			name string
			got  func() (crmkit.Money, error)
			want *big.Int
		}{
			{"add", func() (crmkit.Money, error) { return a.Add(b) }, new(big.Int).Add(big.NewInt(x), big.NewInt(y))},
			{"sub", func() (crmkit.Money, error) { return a.Sub(b) }, new(big.Int).Sub(big.NewInt(x), big.NewInt(y))},
		} {
			m, err := op.got()
			if op.want.IsInt64() {
				if err != nil || m.Minor() != op.want.Int64() {
					t.Fatalf("%s(%d, %d) = %v, %v; want %s", op.name, x, y, m, err, op.want)
				}
			} else if !errors.Is(err, crmkit.ErrOverflow) {
				t.Fatalf("%s(%d, %d) = %v, %v; want overflow", op.name, x, y, m, err)
			}
		}
	})
}

func TestMoneyMulDiv(t *testing.T) {
	price := crmkit.MustMoney("19.99", "EUR")
	vat, err := price.Mul(decimal.RequireFromString("0.27"), crmkit.RoundHalfUp)
	require.NoError(t, err)
	assert.Equal(t, int64(540), vat.Minor(), "19.99 * 0.27 = 5.3973 -> 5.40")

	three := decimal.NewFromInt(3)
	ten := crmkit.MustMoney("10.00", "EUR")
	q, err := ten.Div(three, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, int64(333), q.Minor())
	q, err = ten.Div(three, crmkit.RoundUp)
	require.NoError(t, err)
	assert.Equal(t, int64(334), q.Minor())

	// Exact halves: 0.05 / 2 = 0.025 -> half-even 0.02, half-up 0.03.
	five := crmkit.MustMoney("0.05", "EUR")
	two := decimal.NewFromInt(2)
	q, _ = five.Div(two, crmkit.RoundHalfEven)
	assert.Equal(t, int64(2), q.Minor())
	q, _ = five.Div(two, crmkit.RoundHalfUp)
	assert.Equal(t, int64(3), q.Minor())
	negFive, _ := five.Neg()
	q, _ = negFive.Div(two, crmkit.RoundFloor)
	assert.Equal(t, int64(-3), q.Minor())
	q, _ = negFive.Div(two, crmkit.RoundCeiling)
	assert.Equal(t, int64(-2), q.Minor())

	_, err = ten.Div(decimal.Zero, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = ten.Mul(three, 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	max, _ := crmkit.NewMoney(math.MaxInt64, eur)
	_, err = max.Mul(two, crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

// Div rounds from the exact quotient: compare with big.Rat for every mode.
func TestMoneyDivProperty(t *testing.T) {
	modes := []crmkit.RoundingMode{crmkit.RoundHalfEven, crmkit.RoundHalfUp, crmkit.RoundDown, crmkit.RoundUp, crmkit.RoundFloor, crmkit.RoundCeiling}
	rapid.Check(t, func(t *rapid.T) {
		x := rapid.Int64Range(-1e12, 1e12).Draw(t, "x")
		dn := rapid.Int64Range(-1e6, 1e6).Filter(func(v int64) bool { return v != 0 }).Draw(t, "divisor")
		scale := rapid.Int32Range(0, 4).Draw(t, "scale")
		mode := rapid.SampledFrom(modes).Draw(t, "mode")
		m, _ := crmkit.NewMoney(x, eur)
		div := decimal.New(dn, -scale)
		got, err := m.Div(div, mode)
		if err != nil {
			t.Fatal(err)
		}
		exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(x), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)), big.NewInt(dn))
		want := roundRat(exact, mode)
		if got.Minor() != want {
			t.Fatalf("%d / %s (%s) = %d, want %d", x, div, mode, got.Minor(), want)
		}
	})
}

// roundRat is an independent reference rounding of an exact rational.
func roundRat(r *big.Rat, mode crmkit.RoundingMode) int64 {
	num, den := r.Num(), r.Denom() // den > 0
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if m.Sign() == 0 {
		return q.Int64()
	}
	neg := num.Sign() < 0
	twice := new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2))
	half := twice.Cmp(den)
	away := false
	switch mode {
	case crmkit.RoundHalfEven:
		away = half > 0 || (half == 0 && q.Bit(0) == 1)
	case crmkit.RoundHalfUp:
		away = half >= 0
	case crmkit.RoundUp:
		away = true
	case crmkit.RoundFloor:
		away = neg
	case crmkit.RoundCeiling:
		away = !neg
	}
	if away {
		if neg {
			return q.Int64() - 1
		}
		return q.Int64() + 1
	}
	return q.Int64()
}

func TestAllocateExamples(t *testing.T) {
	m := crmkit.MustMoney("100.00", "EUR")
	parts, err := m.Allocate(1, 1, 1)
	require.NoError(t, err)
	assert.Equal(t, []int64{3334, 3333, 3333}, minors(parts), "the leftover cent goes to the lowest index on a tie")

	parts, err = m.Allocate(50, 30, 20)
	require.NoError(t, err)
	assert.Equal(t, []int64{5000, 3000, 2000}, minors(parts))

	// 0.05 EUR over 3:1:0 -> exact 3.75, 1.25, 0 cents -> 4, 1, 0.
	parts, err = crmkit.MustMoney("0.05", "EUR").Allocate(3, 1, 0)
	require.NoError(t, err)
	assert.Equal(t, []int64{4, 1, 0}, minors(parts))

	// A refund splits as the mirror image.
	refund := crmkit.MustMoney("-100.00", "EUR")
	parts, err = refund.Allocate(1, 1, 1)
	require.NoError(t, err)
	assert.Equal(t, []int64{-3334, -3333, -3333}, minors(parts))

	// JPY has no minor unit: 1000 yen over 3.
	parts, err = crmkit.MustMoney("1000", "JPY").Allocate(1, 1, 1)
	require.NoError(t, err)
	assert.Equal(t, []int64{334, 333, 333}, minors(parts))

	parts, err = m.AllocateRatios([]decimal.Decimal{decimal.RequireFromString("33.3"), decimal.RequireFromString("33.3"), decimal.RequireFromString("33.4")})
	require.NoError(t, err)
	assert.Equal(t, []int64{3330, 3330, 3340}, minors(parts))
}

func TestAllocateRejects(t *testing.T) {
	m := crmkit.MustMoney("10", "EUR")
	for name, w := range map[string][]int64{"none": {}, "zero sum": {0, 0}, "negative": {5, -1}} {
		_, err := m.Allocate(w...)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, err := m.Allocate(math.MaxInt64, math.MaxInt64, math.MaxInt64)
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = crmkit.Money{}.Allocate(1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = m.AllocateRatios([]decimal.Decimal{decimal.NewFromInt(-1), decimal.NewFromInt(2)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestAllocateProperties(t *testing.T) {
	currencies := []crmkit.Currency{eur, jpy, kwd, usd}
	rapid.Check(t, func(t *rapid.T) {
		cur := rapid.SampledFrom(currencies).Draw(t, "currency")
		amount := rapid.OneOf(rapid.Int64Range(-1e6, 1e6), rapid.Int64()).Draw(t, "amount")
		weights := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(0, 100), rapid.Int64Range(0, math.MaxInt64/64)), 1, 40).Draw(t, "weights")
		var sumW int64
		for _, w := range weights {
			sumW += w // at most 40 * MaxInt64/64: no overflow
		}
		if sumW == 0 {
			weights[0] = 1
			sumW = 1
		}
		m, _ := crmkit.NewMoney(amount, cur)
		parts, err := m.Allocate(weights...)
		if err != nil {
			t.Fatal(err)
		}
		total := new(big.Int)
		for i, p := range parts {
			if p.Currency() != cur {
				t.Fatalf("part %d in %s", i, p.Currency())
			}
			total.Add(total, big.NewInt(p.Minor()))
			// |part - amount*w/sum| < 1 minor unit.
			exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(amount), big.NewInt(weights[i])), big.NewInt(sumW))
			diff := new(big.Rat).Sub(new(big.Rat).SetInt64(p.Minor()), exact)
			if diff.Abs(diff).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("part %d = %d, exact share %s", i, p.Minor(), exact.FloatString(3))
			}
		}
		if total.Cmp(big.NewInt(amount)) != 0 {
			t.Fatalf("parts sum to %s, want %d", total, amount)
		}
	})
}

func TestAllocateEqualWeightsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		amount := rapid.Int64().Draw(t, "amount")
		n := rapid.IntRange(1, 200).Draw(t, "n")
		w := rapid.Int64Range(1, 1000).Draw(t, "w")
		weights := make([]int64, n)
		for i := range weights {
			weights[i] = w
		}
		m, _ := crmkit.NewMoney(amount, kwd)
		parts, err := m.Allocate(weights...)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := parts[0].Minor(), parts[0].Minor()
		for _, p := range parts {
			lo, hi = min(lo, p.Minor()), max(hi, p.Minor())
		}
		if hi-lo > 1 {
			t.Fatalf("equal weights gave parts from %d to %d", lo, hi)
		}
	})
}

func TestSum(t *testing.T) {
	s, err := crmkit.Sum(eur, crmkit.MustMoney("1.10", "EUR"), crmkit.MustMoney("2.20", "EUR"), crmkit.Money{})
	require.NoError(t, err)
	assert.Equal(t, "3.30 EUR", s.String())
	s, err = crmkit.Sum(jpy)
	require.NoError(t, err)
	assert.True(t, s.IsZero())
	assert.Equal(t, jpy, s.Currency())
	_, err = crmkit.Sum(eur, crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	max, _ := crmkit.NewMoney(math.MaxInt64, eur)
	_, err = crmkit.Sum(eur, max, crmkit.MustMoney("0.01", "EUR"))
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = crmkit.Sum(crmkit.Currency{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestMoneyRoundTrips(t *testing.T) {
	currencies := []crmkit.Currency{eur, jpy, kwd, usd, crmkit.MustCurrency("CLF")}
	rapid.Check(t, func(t *rapid.T) {
		m, _ := crmkit.NewMoney(rapid.Int64().Draw(t, "minor"), rapid.SampledFrom(currencies).Draw(t, "cur"))

		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var j crmkit.Money
		if err := json.Unmarshal(b, &j); err != nil || j != m {
			t.Fatalf("JSON %s -> %v, %v; want %v", b, j, err, m)
		}

		txt, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var x crmkit.Money
		if err := x.UnmarshalText(txt); err != nil || x != m {
			t.Fatalf("text %s -> %v, %v", txt, x, err)
		}

		v, err := m.Value()
		if err != nil {
			t.Fatal(err)
		}
		var s crmkit.Money
		if err := s.Scan(v); err != nil || s != m {
			t.Fatalf("SQL %v -> %v, %v", v, s, err)
		}

		d, err := crmkit.MoneyFromDecimal(m.Decimal(), m.Currency(), crmkit.RoundHalfEven)
		if err != nil || d != m {
			t.Fatalf("decimal %s -> %v, %v", m.Decimal(), d, err)
		}
	})
}

func TestMoneyEncodings(t *testing.T) {
	m := crmkit.MustMoney("-1234.5", "EUR")
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{"amount":"-1234.50","currency":"EUR"}`, string(b))

	var n crmkit.Money
	require.NoError(t, json.Unmarshal([]byte(`{"amount": 12.5, "currency": "usd"}`), &n))
	assert.Equal(t, "12.50 USD", n.String())

	b, err = json.Marshal(crmkit.Money{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
	require.NoError(t, json.Unmarshal([]byte(`null`), &n))
	assert.Equal(t, crmkit.Money{}, n)

	for _, bad := range []string{`{"amount":"1.234","currency":"EUR"}`, `{"amount":"1","currency":"XXX"}`, `{"amount":"NaN","currency":"EUR"}`, `[1]`, `{"amount":"1e400","currency":"EUR"}`} {
		assert.Error(t, json.Unmarshal([]byte(bad), &n), bad)
	}
	for _, bad := range []string{"12.34", "12.34 EURO", "x EUR", ""} {
		assert.ErrorIs(t, n.UnmarshalText([]byte(bad)), crmkit.ErrInvalid, bad)
	}

	var _ driver.Valuer = crmkit.Money{}
	var _ sql.Scanner = (*crmkit.Money)(nil)
	v, err := crmkit.Money{}.Value()
	require.NoError(t, err)
	assert.Nil(t, v)
	require.NoError(t, n.Scan(nil))
	assert.Equal(t, crmkit.Money{}, n)
	require.NoError(t, n.Scan([]byte("0.005 KWD")))
	assert.Equal(t, int64(5), n.Minor())
	assert.ErrorIs(t, n.Scan(42), crmkit.ErrInvalid)
}

func minors(ms []crmkit.Money) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Minor()
	}
	return out
}

// Sum agrees with arbitrary-precision addition: exact when the true total
// fits int64 (even when single amounts are huge and the fast path falls
// back), ErrOverflow when a running total leaves it.
func TestSumProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vals := rapid.SliceOfN(rapid.OneOf(rapid.Int64Range(-1e9, 1e9), rapid.Int64()), 0, 50).Draw(t, "amounts")
		ms := make([]crmkit.Money, len(vals))
		total, overflow := new(big.Int), false
		for i, v := range vals {
			ms[i], _ = crmkit.NewMoney(v, eur)
			total.Add(total, big.NewInt(v))
			if !total.IsInt64() {
				overflow = true // Sum adds in order: a running total outside int64 is an overflow
			}
		}
		got, err := crmkit.Sum(eur, ms...)
		if overflow {
			if !errors.Is(err, crmkit.ErrOverflow) {
				t.Fatalf("Sum = %v, %v; want overflow", got, err)
			}
			return
		}
		if err != nil || got.Minor() != total.Int64() || got.Currency() != eur {
			t.Fatalf("Sum = %v, %v; want %s EUR minor units", got, err, total)
		}
	})
}

func TestSumFallsBackForHugeAmounts(t *testing.T) {
	big1, _ := crmkit.NewMoney(math.MaxInt64-10, eur)
	neg, _ := crmkit.NewMoney(-20, eur)
	s, err := crmkit.Sum(eur, big1, neg)
	require.NoError(t, err)
	assert.Equal(t, int64(math.MaxInt64-30), s.Minor())
}
