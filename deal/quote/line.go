package quote

import (
	"fmt"
	"math"
	"math/bits"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// Line is one item of a quote: Quantity units of Product at UnitPrice
// each, less the share Discount.
//
//   - Product is the host application's product key, required.
//   - Quantity is positive, at most 10^12, with at most 6 decimal places
//     (hours, kilograms and licences alike).
//   - UnitPrice is zero or positive, in the quote's currency.
//   - Discount is a fraction in [0, 1] (0.15 is 15 %; crmkit.CheckFraction)
//     with at most 6 decimal places; the zero value is no discount.
type Line struct {
	Product   string          `json:"product"`
	Quantity  decimal.Decimal `json:"quantity"`
	UnitPrice crmkit.Money    `json:"unit_price"`
	Discount  decimal.Decimal `json:"discount"`
}

// Limits on a quote line's numbers; see Line.
const (
	maxQuantityPlaces = 6
	maxDiscountPlaces = 6
)

// maxQuantity is the largest quantity of a line, 10^12.
const maxQuantity = 1_000_000_000_000

var one = decimal.NewFromInt(1)

// validate checks the line against cur; field prefixes the error's field.
func (l Line) validate(cur crmkit.Currency, field string) error {
	switch {
	case strings.TrimSpace(l.Product) == "":
		return crmkit.Invalid(field+".product", "empty product")
	case l.UnitPrice.Currency().IsZero():
		return crmkit.Invalid(field+".unit_price", "price of %q has no currency", l.Product)
	case l.UnitPrice.Currency() != cur:
		return fmt.Errorf("%s: price of %q is in %s, the quote in %s: %w", field, l.Product, l.UnitPrice.Currency(), cur, crmkit.ErrCurrencyMismatch)
	case l.UnitPrice.Sign() < 0:
		return crmkit.Invalid(field+".unit_price", "negative price %s for %q", l.UnitPrice, l.Product)
	}
	if _, err := crmkit.CheckDecimal(field+".quantity", l.Quantity, maxQuantityPlaces, maxQuantity); err != nil {
		return fmt.Errorf("product %q: %w", l.Product, err)
	}
	if l.Quantity.Sign() <= 0 {
		return crmkit.Invalid(field+".quantity", "quantity %s of %q is not positive", l.Quantity, l.Product)
	}
	if err := checkDiscount(field+".discount", l.Discount); err != nil {
		return fmt.Errorf("product %q: %w", l.Product, err)
	}
	return nil
}

// checkDiscount accepts a discount rate: a fraction in [0, 1] with at most
// maxDiscountPlaces decimal places.
func checkDiscount(field string, d decimal.Decimal) error {
	_, err := crmkit.CheckDecimal(field, d, maxDiscountPlaces, 1)
	return err
}

// Totals returns the line's gross and net amounts in minor units:
//
//	gross = round(Quantity × UnitPrice)
//	net   = round(Quantity × UnitPrice × (1 − Discount))
//
// each computed exactly and rounded once to the currency's minor unit with
// crmkit.RoundHalfEven (banker's rounding). The line's discount amount is
// gross − net. Errors: ErrInvalid for a bad line (see Line),
// ErrOverflow if an amount does not fit int64 minor units.
func (l Line) Totals() (gross, net crmkit.Money, err error) {
	cur := l.UnitPrice.Currency()
	if err := l.validate(cur, "line"); err != nil {
		return crmkit.Money{}, crmkit.Money{}, err
	}
	g, n, err := lineTotals(l)
	if err != nil {
		return crmkit.Money{}, crmkit.Money{}, err
	}
	gross, _ = crmkit.NewMoney(g, cur)
	net, _ = crmkit.NewMoney(n, cur)
	return gross, net, nil
}

// lineTotals computes a line's gross and net minor units: in integers when
// the line fits (no allocation), else with exact decimals after validating
// the line, so that no hand-built line can make the decimal path build huge
// numbers.
func lineTotals(l Line) (gross, net int64, err error) {
	if g, n, ok := lineTotalsFast(l); ok {
		return g, n, nil
	}
	if err := l.validate(l.UnitPrice.Currency(), "line"); err != nil {
		return 0, 0, err
	}
	g, err := l.UnitPrice.Mul(l.Quantity, crmkit.RoundHalfEven)
	if err != nil {
		return 0, 0, fmt.Errorf("line %q: %w", l.Product, err)
	}
	rate := l.Quantity.Mul(one.Sub(l.Discount))
	n, err := l.UnitPrice.Mul(rate, crmkit.RoundHalfEven)
	if err != nil {
		return 0, 0, fmt.Errorf("line %q: %w", l.Product, err)
	}
	return g.Minor(), n.Minor(), nil
}

var pow10u64 = [...]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// lineTotalsFast computes Totals in 128-bit integer arithmetic without
// allocating, for the usual lines: quantity and discount coefficients in
// int64 and the product price × quantity in 64 bits. ok is false when the
// line does not fit; the caller then takes the decimal path.
//
// With Quantity = qc·10^qe and (1 − Discount) = kc·10^ke (ke ≤ 0):
// gross = p·qc / 10^(−qe), net = p·qc·kc / 10^(−qe − ke).
func lineTotalsFast(l Line) (gross, net int64, ok bool) {
	p := l.UnitPrice.Minor()
	if p < 0 || l.Quantity.NumDigits() > 18 || l.Discount.NumDigits() > 18 {
		return 0, 0, false
	}
	qc, qe := l.Quantity.CoefficientInt64(), l.Quantity.Exponent()
	if qc <= 0 {
		return 0, 0, false
	}
	for ; qe > 0; qe-- {
		hi, lo := bits.Mul64(uint64(qc), 10)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, 0, false
		}
		qc = int64(lo)
	}
	dc, de := l.Discount.CoefficientInt64(), l.Discount.Exponent()
	var kc uint64
	var ke int32
	if dc < 0 {
		return 0, 0, false
	}
	if de >= 0 {
		if de > 1 || uint64(dc)*pow10u64[de] > 1 {
			return 0, 0, false
		}
		kc = 1 - uint64(dc)*pow10u64[de]
	} else {
		if de < -18 || uint64(dc) > pow10u64[-de] {
			return 0, 0, false
		}
		kc = pow10u64[-de] - uint64(dc)
		ke = de
	}
	hi, pq := bits.Mul64(uint64(p), uint64(qc))
	if hi != 0 {
		return 0, 0, false
	}
	gross, ok = roundHalfEven(0, pq, -qe)
	if !ok {
		return 0, 0, false
	}
	hi, lo := bits.Mul64(pq, kc)
	net, ok = roundHalfEven(hi, lo, -qe-ke)
	return gross, net, ok
}

// roundHalfEven returns (hi·2^64 + lo) / 10^s rounded half to even, or
// ok=false if s is beyond 19 or the result does not fit int64.
func roundHalfEven(hi, lo uint64, s int32) (int64, bool) {
	if s < 0 || s > 19 {
		return 0, false
	}
	div := pow10u64[s]
	if hi >= div {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, div)
	if rest := div - r; r > rest || (r == rest && q%2 == 1) {
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// Totals are the exact totals of a quote in its currency: Gross is
// the sum of the lines' gross amounts, Net the sum of their net amounts
// (what the customer pays, before tax), Discount = Gross − Net. Each line is
// rounded once (see Line.Totals); the sums are exact.
type Totals struct {
	Gross    crmkit.Money `json:"gross"`
	Discount crmkit.Money `json:"discount"`
	Net      crmkit.Money `json:"net"`
	// MaxLineDiscount is the largest Discount of any line, a fraction.
	MaxLineDiscount decimal.Decimal `json:"max_line_discount"`
}

// DiscountRate returns the overall discount (Gross − Net) / Gross, a
// fraction in [0, 1], rounded half-even to places decimal places (0 to
// 18); zero when Gross is zero.
func (t Totals) DiscountRate(places int32) decimal.Decimal {
	places = min(max(places, 0), 18)
	if t.Gross.Minor() <= 0 {
		return decimal.Zero
	}
	g := decimal.NewFromInt(t.Gross.Minor())
	// q is the quotient truncated at places digits, r the exact rest.
	q, r := decimal.NewFromInt(t.Discount.Minor()).QuoRem(g, places)
	if r.IsZero() {
		return q
	}
	unit := decimal.New(1, -places)
	c := r.Abs().Mul(decimal.NewFromInt(2)).Cmp(g.Mul(unit))
	odd := q.Shift(places).Mod(decimal.NewFromInt(2)).Sign() != 0
	if c > 0 || (c == 0 && odd) {
		if r.Sign() < 0 {
			return q.Sub(unit)
		}
		return q.Add(unit)
	}
	return q
}

// discountAbove reports whether the overall discount is strictly above
// rate, exactly: Gross − Net > rate·Gross.
func (t Totals) discountAbove(rate decimal.Decimal) bool {
	if t.Gross.IsZero() {
		return false
	}
	return decimal.NewFromInt(t.Discount.Minor()).GreaterThan(rate.Mul(decimal.NewFromInt(t.Gross.Minor())))
}

// LinesTotals adds up lines in cur exactly (see the type Totals). It validates
// every line first: an empty product, a non-positive quantity, a negative
// price, a discount outside [0, 1] are ErrInvalid, a price in another
// currency ErrCurrencyMismatch, a sum beyond int64 minor units ErrOverflow.
func LinesTotals(cur crmkit.Currency, lines []Line) (Totals, error) {
	if cur.IsZero() {
		return Totals{}, crmkit.Invalid("currency", "missing currency")
	}
	for i, l := range lines {
		if err := l.validate(cur, fmt.Sprintf("lines[%d]", i)); err != nil {
			return Totals{}, err
		}
	}
	return linesTotals(cur, lines)
}

func linesTotals(cur crmkit.Currency, lines []Line) (Totals, error) {
	var gross, net int64
	var maxDisc decimal.Decimal
	for i, l := range lines {
		if l.UnitPrice.Currency() != cur {
			return Totals{}, fmt.Errorf("lines[%d]: price of %q is in %s, the quote in %s: %w", i, l.Product, l.UnitPrice.Currency(), cur, crmkit.ErrCurrencyMismatch)
		}
		g, n, err := lineTotals(l)
		if err != nil {
			return Totals{}, fmt.Errorf("lines[%d]: %w", i, err)
		}
		var overflow bool
		if gross, overflow = addInt64(gross, g); overflow {
			return Totals{}, fmt.Errorf("gross total in %s at lines[%d]: %w", cur, i, crmkit.ErrOverflow)
		}
		if net, overflow = addInt64(net, n); overflow {
			return Totals{}, fmt.Errorf("net total in %s at lines[%d]: %w", cur, i, crmkit.ErrOverflow)
		}
		if i == 0 || l.Discount.GreaterThan(maxDisc) {
			maxDisc = l.Discount
		}
	}
	t := Totals{MaxLineDiscount: maxDisc}
	t.Gross, _ = crmkit.NewMoney(gross, cur)
	t.Net, _ = crmkit.NewMoney(net, cur)
	// 0 <= net <= gross for valid lines, so the difference fits.
	t.Discount, _ = crmkit.NewMoney(gross-net, cur)
	return t, nil
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) != (b > 0)
}
