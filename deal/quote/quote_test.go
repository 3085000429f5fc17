package quote_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var (
	eur    = crmkit.MustCurrency("EUR")
	jpy    = crmkit.MustCurrency("JPY")
	dealID = uuid.MustParse("01900000-0000-7000-8000-000000000001")
	until  = t0.AddDate(0, 0, 30)
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func line(product, qty, price, currency, discount string) quote.Line {
	return quote.Line{Product: product, Quantity: dec(qty), UnitPrice: crmkit.MustMoney(price, currency), Discount: dec(discount)}
}

func TestQuoteLineTotalsByHand(t *testing.T) {
	cases := []struct {
		name       string
		line       quote.Line
		gross, net string
	}{
		{"no discount", line("seat", "3", "19.99", "EUR", "0"), "59.97", "59.97"},
		{"15 percent (0.15)", line("seat", "2", "100.00", "EUR", "0.15"), "200.00", "170.00"},
		// 5 cents at 50% is 2.5 cents: ties go to the even cent.
		{"tie to even down", line("pin", "1", "0.05", "EUR", "0.5"), "0.05", "0.02"},
		// 15 cents at 50% is 7.5 cents -> 8.
		{"tie to even up", line("pin", "1", "0.15", "EUR", "0.5"), "0.15", "0.08"},
		// 1.5 x 3333 = 4999.5 cents -> 5000; x 0.9 = 4499.55 -> 4500.
		{"fractional quantity", line("hours", "1.5", "33.33", "EUR", "0.1"), "50.00", "45.00"},
		// 10000 x 0.666667 = 6666.67 cents -> 6667.
		{"six decimal discount", line("box", "1", "100.00", "EUR", "0.333333"), "100.00", "66.67"},
		{"full discount", line("gift", "4", "12.50", "EUR", "1"), "50.00", "0.00"},
		{"free item", line("manual", "10", "0", "EUR", "0"), "0.00", "0.00"},
		// 2997 yen x 0.875 = 2622.375 -> 2622 (JPY has no minor unit).
		{"yen", line("cable", "3", "999", "JPY", "0.125"), "2997", "2622"},
		// 0.000001 x 12345 cents = 0.012345 -> 0; exercises six quantity places.
		{"tiny quantity", line("api call", "0.000001", "123.45", "EUR", "0"), "0.00", "0.00"},
		// 1e12 units at 0.01: 1e12 cents.
		{"quantity with a positive exponent", quote.Line{Product: "sms", Quantity: decimal.New(12, 2), UnitPrice: crmkit.MustMoney("0.01", "EUR")}, "12.00", "12.00"},
		// 123456789012 x 987654321098 needs more than 64 bits before the
		// division by 10^6 (the exact decimal path): 121932631136585886.175176
		// cents -> ...886.
		{"beyond 64 bits", line("bulk", "123456.789012", "9876543210.98", "EUR", "0"), "1219326311365858.86", "1219326311365858.86"},
		{"huge quantity", line("sms", "1000000000000", "0.01", "EUR", "0"), "10000000000.00", "10000000000.00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, n, err := c.line.Totals()
			require.NoError(t, err)
			cur := c.line.UnitPrice.Currency()
			assert.Equal(t, crmkit.MustMoney(c.gross, cur.Code()), g)
			assert.Equal(t, crmkit.MustMoney(c.net, cur.Code()), n)
		})
	}
}

func TestQuoteTotalsByHand(t *testing.T) {
	lines := []quote.Line{
		line("licence", "10", "120.00", "EUR", "0.2"),  // 1200.00 -> 960.00
		line("support", "1", "300.00", "EUR", "0"),     // 300.00
		line("training", "2.5", "80.00", "EUR", "0.1"), // 200.00 -> 180.00
	}
	q, e, err := quote.New(dealID, eur, lines, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	assert.Equal(t, "QuoteCreated", e.Type)
	assert.Equal(t, "quote", e.AggregateKind)
	tot, err := q.Totals()
	require.NoError(t, err)
	assert.Equal(t, crmkit.MustMoney("1700.00", "EUR"), tot.Gross)
	assert.Equal(t, crmkit.MustMoney("1440.00", "EUR"), tot.Net)
	assert.Equal(t, crmkit.MustMoney("260.00", "EUR"), tot.Discount)
	assert.True(t, tot.MaxLineDiscount.Equal(dec("0.2")))
	// 260 / 1700 = 0.15294117...
	assert.True(t, tot.DiscountRate(4).Equal(dec("0.1529")), tot.DiscountRate(4).String())
	assert.True(t, tot.DiscountRate(2).Equal(dec("0.15")))
	assert.True(t, tot.DiscountRate(6).Equal(dec("0.152941")))
}

func TestDiscountRateRoundsHalfEven(t *testing.T) {
	cases := []struct{ gross, discount, want string }{
		{"8.00", "1.00", "0.12"},   // 0.125 -> 0.12
		{"8.00", "3.00", "0.38"},   // 0.375 -> 0.38
		{"3.00", "2.00", "0.67"},   // 0.6667 -> 0.67
		{"3.00", "1.00", "0.33"},   // 0.3333 -> 0.33
		{"0.00", "0.00", "0"},      // no gross: zero
		{"4.00", "4.00", "1"},      // everything free
		{"16.00", "1.00", "0.06"},  // 0.0625 -> 0.06
		{"16.00", "9.00", "0.56"},  // 0.5625 -> 0.56
		{"16.00", "7.00", "0.44"},  // 0.4375 -> 0.44
		{"40.00", "1.00", "0.02"},  // 0.025 -> 0.02
		{"40.00", "3.00", "0.08"},  // 0.075 -> 0.08
		{"1.00", "0.01", "0.01"},   // exactly 0.01
		{"7.00", "0.01", "0"},      // 0.00142857 -> 0
		{"200.00", "1.00", "0"},    // 0.005 -> 0
		{"200.00", "3.00", "0.02"}, // 0.015 -> 0.02
		{"200.00", "5.00", "0.02"}, // 0.025 -> 0.02
		{"200.00", "7.00", "0.04"}, // 0.035 -> 0.04
		{"400.00", "1.00", "0"},    // 0.0025 -> 0
		{"400.00", "3.00", "0.01"}, // 0.0075 -> 0.01
		{"100.00", "0.50", "0"},    // 0.005 -> 0
		{"100.00", "1.50", "0.02"}, // 0.015 -> 0.02
		{"100.00", "99.50", "1"},   // 0.995 -> 1
	}
	for _, c := range cases {
		g := crmkit.MustMoney(c.gross, "EUR")
		d := crmkit.MustMoney(c.discount, "EUR")
		n, err := g.Sub(d)
		require.NoError(t, err)
		got := quote.Totals{Gross: g, Net: n, Discount: d}.DiscountRate(2)
		assert.True(t, got.Equal(dec(c.want)), "%s of %s: got %s, want %s", c.discount, c.gross, got, c.want)
	}
	tot := quote.Totals{Gross: crmkit.MustMoney("8.00", "EUR"), Discount: crmkit.MustMoney("1.00", "EUR")}
	assert.True(t, tot.DiscountRate(3).Equal(dec("0.125")))
	assert.True(t, tot.DiscountRate(-3).Equal(dec("0")), "negative places read as 0: 0.125 -> 0")
}

func TestQuoteRejectsBadLines(t *testing.T) {
	good := line("seat", "1", "10.00", "EUR", "0")
	cases := []struct {
		name  string
		line  quote.Line
		want  error
		field string
	}{
		{"empty product", line(" ", "1", "10.00", "EUR", "0"), crmkit.ErrInvalid, "lines[1].product"},
		{"negative quantity", line("seat", "-1", "10.00", "EUR", "0"), crmkit.ErrInvalid, "lines[1].quantity"},
		{"zero quantity", line("seat", "0", "10.00", "EUR", "0"), crmkit.ErrInvalid, "lines[1].quantity"},
		{"zero-value quantity", quote.Line{Product: "seat", UnitPrice: crmkit.MustMoney("1", "EUR")}, crmkit.ErrInvalid, "lines[1].quantity"},
		{"quantity too precise", line("seat", "1.0000001", "10.00", "EUR", "0"), crmkit.ErrInvalid, "lines[1].quantity"},
		{"quantity too large", line("seat", "1000000000001", "10.00", "EUR", "0"), crmkit.ErrInvalid, "lines[1].quantity"},
		{"quantity absurd exponent", quote.Line{Product: "seat", Quantity: decimal.New(1, -400000000), UnitPrice: crmkit.MustMoney("1", "EUR")}, crmkit.ErrInvalid, "lines[1].quantity"},
		{"negative price", line("seat", "1", "-10.00", "EUR", "0"), crmkit.ErrInvalid, "lines[1].unit_price"},
		{"price without currency", quote.Line{Product: "seat", Quantity: dec("1")}, crmkit.ErrInvalid, "lines[1].unit_price"},
		{"discount over 1", line("seat", "1", "10.00", "EUR", "1.0001"), crmkit.ErrInvalid, "lines[1].discount"},
		{"discount in percent", line("seat", "1", "10.00", "EUR", "15"), crmkit.ErrInvalid, "lines[1].discount"},
		{"negative discount", line("seat", "1", "10.00", "EUR", "-0.0001"), crmkit.ErrInvalid, "lines[1].discount"},
		{"discount too precise", line("seat", "1", "10.00", "EUR", "0.1234567"), crmkit.ErrInvalid, "lines[1].discount"},
		{"mixed currencies", line("seat", "1", "10.00", "USD", "0"), crmkit.ErrCurrencyMismatch, ""},
	}
	draft, _, err := quote.New(dealID, eur, []quote.Line{good}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	snapshot := draft.Clone()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines := []quote.Line{good, c.line}
			q, _, err := quote.New(dealID, eur, lines, until, crmkit.Cmd{By: "rob", At: t0})
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, uuid.Nil, q.ID)
			if c.field != "" {
				var ve *crmkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, c.field, ve.Field)
			}

			got, events, err := draft.SetLines(lines, crmkit.Cmd{By: "rob", At: t0.Add(time.Hour)})
			require.ErrorIs(t, err, c.want)
			assert.Equal(t, crmkit.Event{}, events)
			assert.Equal(t, quote.Quote{}, got)
			assert.Equal(t, snapshot, draft, "nothing changed")

			_, err = quote.LinesTotals(eur, lines)
			assert.ErrorIs(t, err, c.want)
			_, _, err = c.line.Totals()
			if c.want == crmkit.ErrInvalid {
				assert.ErrorIs(t, err, crmkit.ErrInvalid)
			}
		})
	}
}

func TestNewQuoteRejectsBadInput(t *testing.T) {
	lines := []quote.Line{line("seat", "1", "10.00", "EUR", "0")}
	for name, call := range map[string]func() error{
		"nil deal": func() error {
			_, _, err := quote.New(uuid.Nil, eur, lines, until, crmkit.Cmd{By: "rob", At: t0})
			return err
		},
		"no currency": func() error {
			_, _, err := quote.New(dealID, crmkit.Currency{}, lines, until, crmkit.Cmd{By: "rob", At: t0})
			return err
		},
		"no author": func() error {
			_, _, err := quote.New(dealID, eur, lines, until, crmkit.Cmd{By: "", At: t0})
			return err
		},
		"zero time": func() error {
			_, _, err := quote.New(dealID, eur, lines, until, crmkit.Cmd{By: "rob", At: time.Time{}})
			return err
		},
		"valid until before": func() error {
			_, _, err := quote.New(dealID, eur, lines, t0, crmkit.Cmd{By: "rob", At: t0})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) { assert.ErrorIs(t, call(), crmkit.ErrInvalid) })
	}
	// Open-ended and empty drafts are fine; an empty one cannot be submitted.
	q, _, err := quote.New(dealID, eur, nil, time.Time{}, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	_, _, err = q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestQuoteLineTotalsOverflow(t *testing.T) {
	// 1e12 units at 92,233,720,368,547,758.07 EUR cannot fit int64 cents.
	l := quote.Line{Product: "x", Quantity: dec("1000000000000"), UnitPrice: mustMinor(math.MaxInt64, eur)}
	_, _, err := l.Totals()
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	// Two lines that fit alone but not together.
	half := quote.Line{Product: "x", Quantity: dec("1"), UnitPrice: mustMinor(math.MaxInt64/2+1, eur)}
	_, err = quote.LinesTotals(eur, []quote.Line{half, half})
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, _, err = quote.New(dealID, eur, []quote.Line{half, half}, until, crmkit.Cmd{By: "rob", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

func mustMinor(minor int64, cur crmkit.Currency) crmkit.Money {
	m, err := crmkit.NewMoney(minor, cur)
	if err != nil {
		panic(err)
	}
	return m
}

// oracleLine computes a line's gross and net with big.Rat, independently
// of the package: exact product, one half-even rounding to the minor unit.
func oracleLine(qty decimal.Decimal, priceMinor int64, discount decimal.Decimal) (gross, net *big.Int) {
	q, _ := new(big.Rat).SetString(qty.String())
	d, _ := new(big.Rat).SetString(discount.String())
	g := new(big.Rat).Mul(q, new(big.Rat).SetInt64(priceMinor))
	keep := new(big.Rat).Sub(big.NewRat(1, 1), d)
	n := new(big.Rat).Mul(g, keep)
	return roundHalfEvenRat(g), roundHalfEvenRat(n)
}

func roundHalfEvenRat(r *big.Rat) *big.Int {
	num, den := r.Num(), r.Denom() // den > 0
	q, m := new(big.Int).DivMod(num, den, new(big.Int))
	// num >= 0 here, so q is the floor and m the remainder.
	c := new(big.Int).Lsh(m, 1).Cmp(den)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// genLine draws a valid line: quantities with up to 6 places, discounts
// with up to 6, prices small and large (to reach the overflow edge).
func genLine(cur crmkit.Currency) *rapid.Generator[quote.Line] {
	return rapid.Custom(func(t *rapid.T) quote.Line {
		qPlaces := rapid.IntRange(0, 6).Draw(t, "qty places")
		qMax := int64(1_000_000)
		if rapid.IntRange(0, 9).Draw(t, "big qty") == 0 {
			qMax = 1_000_000_000_000 // 1e12 units at most, whatever the places
		}
		qc := rapid.Int64Range(1, qMax).Draw(t, "qty coefficient")
		qty := decimal.New(qc, -int32(qPlaces))
		// Mostly everyday prices; sometimes prices whose product with the
		// quantity coefficient passes 64 bits (the decimal path), and the
		// int64 limit itself (overflow).
		pMax := rapid.SampledFrom([]int64{10_000_000, 10_000_000, 10_000_000, 10_000_000_000_000, math.MaxInt64}).Draw(t, "price range")
		price := rapid.Int64Range(0, pMax).Draw(t, "price minor")
		dPlaces := rapid.IntRange(0, 4).Draw(t, "discount places")
		scale := int64(math.Pow10(dPlaces))
		dc := rapid.OneOf(
			rapid.Int64Range(0, 100*scale),
			rapid.SampledFrom([]int64{0, 15 * scale, 30 * scale, 100 * scale}),
		).Draw(t, "discount coefficient")
		return quote.Line{
			Product:   rapid.SampledFrom([]string{"seat", "support", "training", "hardware"}).Draw(t, "product"),
			Quantity:  qty,
			UnitPrice: mustMinor(price, cur),
			Discount:  decimal.New(dc, -int32(dPlaces)-2), // dc/scale percent
		}
	})
}

func TestQuoteTotalsAreExact(t *testing.T) {
	maxInt := big.NewInt(math.MaxInt64)
	rapid.Check(t, func(rt *rapid.T) {
		cur := rapid.SampledFrom([]crmkit.Currency{eur, jpy, crmkit.MustCurrency("KWD")}).Draw(rt, "currency")
		lines := rapid.SliceOfN(genLine(cur), 0, 8).Draw(rt, "lines")

		wantGross, wantNet := new(big.Int), new(big.Int)
		overflow := false
		maxDisc := decimal.Zero
		for _, l := range lines {
			g, n := oracleLine(l.Quantity, l.UnitPrice.Minor(), l.Discount)
			if g.Cmp(maxInt) > 0 || n.Cmp(maxInt) > 0 {
				overflow = true
			}
			wantGross.Add(wantGross, g)
			wantNet.Add(wantNet, n)
			if l.Discount.GreaterThan(maxDisc) {
				maxDisc = l.Discount
			}
			if !overflow {
				lg, ln, err := l.Totals()
				require.NoError(rt, err)
				require.Equal(rt, g.Int64(), lg.Minor(), "gross of %+v", l)
				require.Equal(rt, n.Int64(), ln.Minor(), "net of %+v", l)
				require.LessOrEqual(rt, ln.Minor(), lg.Minor())
			}
		}
		overflow = overflow || wantGross.Cmp(maxInt) > 0 || wantNet.Cmp(maxInt) > 0

		tot, err := quote.LinesTotals(cur, lines)
		if overflow {
			require.ErrorIs(rt, err, crmkit.ErrOverflow)
			return
		}
		require.NoError(rt, err)
		require.Equal(rt, wantGross.Int64(), tot.Gross.Minor())
		require.Equal(rt, wantNet.Int64(), tot.Net.Minor())
		require.Equal(rt, wantGross.Int64()-wantNet.Int64(), tot.Discount.Minor())
		require.Equal(rt, cur, tot.Net.Currency())
		require.True(rt, tot.MaxLineDiscount.Equal(maxDisc))

		// Order does not matter: the sum of exact line nets is exact.
		rev := slices.Clone(lines)
		slices.Reverse(rev)
		tot2, err := quote.LinesTotals(cur, rev)
		require.NoError(rt, err)
		require.Equal(rt, tot.Net, tot2.Net)
		require.Equal(rt, tot.Gross, tot2.Gross)
		require.True(rt, tot.MaxLineDiscount.Equal(tot2.MaxLineDiscount))
	})
}

func TestQuoteApprovalPolicy(t *testing.T) {
	p := quote.DefaultApprovalPolicy()
	require.NoError(t, p.Validate())
	roles := func(p quote.ApprovalPolicy, lines ...quote.Line) []string {
		tot, err := quote.LinesTotals(eur, lines)
		require.NoError(t, err)
		return p.RequiredRoles(tot)
	}
	plain := line("seat", "1", "100.00", "EUR", "0")
	assert.Empty(t, roles(p, plain))
	assert.Empty(t, roles(p, plain, line("seat", "1", "100.00", "EUR", "0.15")), "15% is not above 15%")
	assert.Equal(t, []string{"manager"}, roles(p, line("seat", "1", "100.00", "EUR", "0.150001")))
	assert.Equal(t, []string{"manager"}, roles(p, line("seat", "1", "100.00", "EUR", "0.3")))
	assert.Equal(t, []string{"manager", "director"}, roles(p, plain, line("seat", "1", "1.00", "EUR", "0.305")))
	high := p
	high.HighestOnly = true
	assert.Equal(t, []string{"director"}, roles(high, line("seat", "1", "1.00", "EUR", "0.45")))
	assert.Equal(t, []string{"manager"}, roles(high, line("seat", "1", "1.00", "EUR", "0.2")))

	// Overall discount, compared exactly: 20.00 off 100.00 is 20%, not above.
	overall := quote.ApprovalPolicy{Rules: []quote.ApprovalRule{
		{Basis: quote.OverallDiscount, Above: dec("0.2"), Role: "finance"},
		{Basis: quote.OverallDiscount, Above: dec("0.1"), Role: "manager"},
		{Basis: quote.MaxLineDiscount, Above: dec("0.5"), Role: "manager"},
	}}
	require.NoError(t, overall.Validate())
	twenty := []quote.Line{line("a", "1", "50.00", "EUR", "0.4"), line("b", "1", "50.00", "EUR", "0")}
	assert.Equal(t, []string{"manager"}, roles(overall, twenty...))
	assert.Equal(t, []string{"manager", "finance"}, roles(overall, line("a", "1", "50.00", "EUR", "0.4002"), line("b", "1", "50.00", "EUR", "0")),
		"20.01% overall; lowest threshold first; manager once although two rules name it")
	assert.Equal(t, []string{"manager", "finance"}, roles(overall, line("a", "3", "1.00", "EUR", "0.6")))
	assert.Empty(t, roles(overall, line("free", "3", "0.00", "EUR", "0")), "nothing to discount")
}

func TestQuoteApprovalPolicyValidate(t *testing.T) {
	for name, p := range map[string]quote.ApprovalPolicy{
		"unknown basis":    {Rules: []quote.ApprovalRule{{Above: dec("0.1"), Role: "manager"}}},
		"empty role":       {Rules: []quote.ApprovalRule{{Basis: quote.MaxLineDiscount, Above: dec("0.1")}}},
		"negative":         {Rules: []quote.ApprovalRule{{Basis: quote.MaxLineDiscount, Above: dec("-0.01"), Role: "manager"}}},
		"one (all)":        {Rules: []quote.ApprovalRule{{Basis: quote.MaxLineDiscount, Above: dec("1"), Role: "manager"}}},
		"too precise":      {Rules: []quote.ApprovalRule{{Basis: quote.MaxLineDiscount, Above: dec("0.1000001"), Role: "manager"}}},
		"negative ttl":     {TTL: -time.Hour},
		"absurd threshold": {Rules: []quote.ApprovalRule{{Basis: quote.OverallDiscount, Above: decimal.New(1, -99999999), Role: "manager"}}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, p.Validate(), crmkit.ErrInvalid)
			q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "1.00", "EUR", "0")}, until, crmkit.Cmd{By: "rob", At: t0})
			require.NoError(t, err)
			_, _, err = q.Submit(p, crmkit.Cmd{By: "rob", At: t0})
			assert.ErrorIs(t, err, crmkit.ErrInvalid, "submit refuses an invalid policy")
		})
	}
	assert.NoError(t, quote.ApprovalPolicy{}.Validate(), "no rules: nothing needs approval")
}

func TestQuoteApprovalPolicyFromJSON(t *testing.T) {
	var p quote.ApprovalPolicy
	require.NoError(t, json.Unmarshal([]byte(`{"rules":[
		{"basis":"max-line-discount","above":"0.15","role":"manager"},
		{"basis":"overall-discount","above":"0.255","role":"director"}],"ttl":3600000000000}`), &p))
	require.NoError(t, p.Validate())
	require.Len(t, p.Rules, 2)
	assert.Equal(t, quote.OverallDiscount, p.Rules[1].Basis)
	assert.True(t, p.Rules[1].Above.Equal(dec("0.255")))
	assert.Equal(t, time.Hour, p.TTL)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"basis":"overall-discount"`)
	assert.Error(t, json.Unmarshal([]byte(`{"rules":[{"basis":"cheapest","above":"1","role":"x"}]}`), &p))
}

// eventTypes returns the type of the quote event e, then the type of the
// approval event folded into its payload, if any.
func eventTypes(e crmkit.Event) []string {
	out := []string{e.Type}
	var p struct {
		Approval *crmkit.Event `json:"approval"`
	}
	if len(e.Payload) > 0 && e.DecodePayload(&p) == nil && p.Approval != nil {
		out = append(out, p.Approval.Type)
	}
	return out
}

func TestQuoteNeedsApprovalBeforeSending(t *testing.T) {
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "10", "100.00", "EUR", "0.2")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	policy := quote.DefaultApprovalPolicy()

	_, _, err = q.Send(policy, crmkit.Cmd{By: "rob", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "a draft is submitted first")

	at := t0.Add(time.Hour)
	p, events, err := q.Submit(policy, crmkit.Cmd{By: "rob", At: at})
	require.NoError(t, err)
	assert.Equal(t, quote.PendingApproval, p.Status)
	assert.Equal(t, []string{"QuoteSubmitted", "ApprovalRequested"}, eventTypes(events))
	assert.Equal(t, int64(2), events.Version)
	assert.Equal(t, "draft", events.From)
	assert.Equal(t, "pending-approval", events.To)
	require.NotNil(t, p.Approval)
	assert.Equal(t, []string{"manager"}, p.Approval.Roles())
	assert.Equal(t, until, p.Approval.ExpiresAt, "the approval lasts as long as the offer")
	assert.Nil(t, q.Approval, "the draft is untouched")
	var sp quote.SubmittedPayload
	require.NoError(t, events.DecodePayload(&sp))
	assert.Equal(t, p.Approval.ID, sp.ApprovalID)
	assert.Equal(t, crmkit.MustMoney("800.00", "EUR"), sp.Totals.Net)

	_, _, err = p.Send(policy, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "not before the approval")
	_, _, err = p.SetLines(nil, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "submitted lines are frozen")
	_, _, err = p.Approve([]string{"manager"}, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "nobody approves their own quote")
	_, _, err = p.Approve(director.Roles, crmkit.Cmd{By: director.ID, At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "a director is not a manager")

	a, events, err := p.Approve(manager.Roles, crmkit.Cmd{By: manager.ID, At: at.Add(time.Hour), Reason: "ok"})
	require.NoError(t, err)
	assert.Equal(t, quote.Approved, a.Status)
	assert.Equal(t, []string{"QuoteApproved", "ApprovalGranted"}, eventTypes(events))
	assert.Equal(t, approval.Pending, p.Approval.Status, "the pending value keeps its own approval")

	s, events, err := a.Send(policy, crmkit.Cmd{By: "rob", At: at.Add(2 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, quote.Sent, s.Status)
	assert.Equal(t, at.Add(2*time.Hour), s.SentAt)
	assert.Equal(t, []string{"QuoteSent"}, eventTypes(events))
	assert.Equal(t, int64(4), s.Seq)
	assert.Equal(t, int64(4), events.Version)

	acc, events, err := s.Accept(crmkit.Cmd{By: "rob", At: at.Add(48 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, quote.Accepted, acc.Status)
	assert.Equal(t, "accepted", events.To)
	_, _, err = acc.Revise(crmkit.Cmd{By: "rob", At: at.Add(49 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "accepted is final")
	_, _, err = acc.Decline(crmkit.Cmd{By: "rob", At: at.Add(49 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestQuoteTwoStepApprovalAndRevision(t *testing.T) {
	policy := quote.DefaultApprovalPolicy()
	lines := []quote.Line{line("seat", "10", "100.00", "EUR", "0.35")}
	q, _, err := quote.New(dealID, eur, lines, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	p, _, err := q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	assert.Equal(t, []string{"manager", "director"}, p.Approval.Roles())

	p1, events, err := p.Approve(both.Roles, crmkit.Cmd{By: both.ID, At: t0.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, []string{"QuoteStepApproved", "ApprovalStepApproved"}, eventTypes(events))
	assert.Equal(t, quote.PendingApproval, p1.Status)
	assert.Equal(t, p.Seq+1, p1.Seq, "an intermediate step is a quote event too")
	_, _, err = p1.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "half an approval is no approval")
	_, _, err = p1.Approve(both.Roles, crmkit.Cmd{By: both.ID, At: t0.Add(time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "one person, one step")

	r, events, err := p1.Reject(director.Roles, crmkit.Cmd{By: director.ID, At: t0.Add(2 * time.Hour), Reason: "35% is too much"})
	require.NoError(t, err)
	assert.Equal(t, quote.Rejected, r.Status)
	assert.Equal(t, []string{"QuoteRejected", "ApprovalRejected"}, eventTypes(events))
	assert.Equal(t, "35% is too much", events.Reason)
	_, _, err = r.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)

	v2, events, err := r.Revise(crmkit.Cmd{By: "rob", At: t0.Add(3 * time.Hour), Reason: "lower the discount"})
	require.NoError(t, err)
	assert.Equal(t, []string{"QuoteRevised"}, eventTypes(events))
	assert.Equal(t, 2, v2.Version)
	assert.Equal(t, 1, r.Version, "the old version is kept by the caller")
	assert.Equal(t, r.ID, v2.ID)
	assert.Equal(t, quote.Draft, v2.Status)
	assert.Nil(t, v2.Approval)
	var cp quote.ContentPayload
	require.NoError(t, events.DecodePayload(&cp))
	assert.Equal(t, 2, cp.Version)

	v2, _, err = v2.SetLines([]quote.Line{line("seat", "10", "100.00", "EUR", "0.1")}, crmkit.Cmd{By: "rob", At: t0.Add(3 * time.Hour)})
	require.NoError(t, err)
	ok, events, err := v2.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0.Add(4 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, quote.Approved, ok.Status, "10% needs no approval")
	assert.Nil(t, ok.Approval)
	assert.Equal(t, []string{"QuoteApproved"}, eventTypes(events))
	_, _, err = ok.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(4 * time.Hour)})
	require.NoError(t, err)
}

func TestQuoteReviseWithdrawsPendingApproval(t *testing.T) {
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "100.00", "EUR", "0.2")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	p, _, err := q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	v2, events, err := p.Revise(crmkit.Cmd{By: "rob", At: t0.Add(time.Hour), Reason: "customer asked for more seats"})
	require.NoError(t, err)
	assert.Equal(t, []string{"QuoteRevised", "ApprovalCancelled"}, eventTypes(events))
	var rp quote.ContentPayload
	require.NoError(t, events.DecodePayload(&rp))
	require.NotNil(t, rp.Approval)
	assert.Equal(t, p.Approval.ID, rp.Approval.AggregateID)
	assert.Equal(t, quote.Draft, v2.Status)

	// A pending approval that ran out is recorded as expired instead.
	q2, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "100.00", "EUR", "0.2")}, t0.Add(24*time.Hour), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	p2, _, err := q2.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	_, _, err = p2.Approve(manager.Roles, crmkit.Cmd{By: manager.ID, At: t0.Add(25 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "too late to approve")
	_, events, err = p2.Revise(crmkit.Cmd{By: "rob", At: t0.Add(25 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, []string{"QuoteRevised", "ApprovalExpired"}, eventTypes(events))
	// The expiry is the approval's own fact: at its ExpiresAt (t0 + 24h,
	// the quote's ValidUntil), found by the reviser, not at the revision.
	var rp2 quote.ContentPayload
	require.NoError(t, events.DecodePayload(&rp2))
	require.NotNil(t, rp2.Approval)
	assert.Equal(t, t0.Add(24*time.Hour), rp2.Approval.At)
	assert.Equal(t, "rob", rp2.Approval.Actor)
	assert.Equal(t, t0.Add(25*time.Hour), events.At)
	_, _, err = q2.Revise(crmkit.Cmd{By: "rob", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "a draft is edited, not revised")
}

func TestQuoteExpiry(t *testing.T) {
	policy := quote.DefaultApprovalPolicy()
	validUntil := t0.Add(7 * 24 * time.Hour)
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "100.00", "EUR", "0")}, validUntil, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	a, _, err := q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	_, _, err = a.Send(policy, crmkit.Cmd{By: "rob", At: validUntil})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "cannot send an expired offer")
	s, _, err := a.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, _, err = s.Expire(crmkit.Cmd{By: "system", At: validUntil.Add(-time.Second)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = s.Accept(crmkit.Cmd{By: "carl", At: validUntil})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "too late to accept")
	e, events, err := s.Expire(crmkit.Cmd{By: "system", At: validUntil.Add(50 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, quote.Expired, e.Status)
	assert.Equal(t, validUntil, events.At)
	assert.Equal(t, "system", events.Actor, "who found it expired")
	assert.Equal(t, "sent", events.From)

	v2, _, err := e.Revise(crmkit.Cmd{By: "rob", At: validUntil.Add(50 * time.Hour)})
	require.NoError(t, err)
	_, _, err = v2.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: validUntil.Add(50 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a revision past its validity needs a new date")
	v2, _, err = v2.SetValidUntil(validUntil.AddDate(0, 1, 0), crmkit.Cmd{By: "rob", At: validUntil.Add(50 * time.Hour)})
	require.NoError(t, err)
	_, _, err = v2.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: validUntil.Add(50 * time.Hour)})
	require.NoError(t, err)
	_, _, err = v2.SetValidUntil(t0, crmkit.Cmd{By: "rob", At: validUntil.Add(50 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestQuoteApprovalTTL(t *testing.T) {
	policy := quote.DefaultApprovalPolicy()
	policy.TTL = 24 * time.Hour
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "100.00", "EUR", "0.2")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	p, _, err := q.Submit(policy, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(24*time.Hour), p.Approval.ExpiresAt)
	a, _, err := p.Approve(manager.Roles, crmkit.Cmd{By: manager.ID, At: t0.Add(time.Hour)})
	require.NoError(t, err)
	_, _, err = a.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(25 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "the approval ran out before sending")
	_, _, err = a.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(23 * time.Hour)})
	assert.NoError(t, err)
}

func TestQuoteDecline(t *testing.T) {
	var policy quote.ApprovalPolicy // nothing needs approval
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "100.00", "EUR", "0")}, time.Time{}, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	a, _, err := q.Submit(policy, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	s, _, err := a.Send(policy, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	d, events, err := s.Decline(crmkit.Cmd{By: "rob", At: t0.Add(time.Hour), Reason: "competitor came in cheaper"})
	require.NoError(t, err)
	assert.Equal(t, quote.Declined, d.Status)
	assert.Equal(t, "competitor came in cheaper", events.Reason)
	_, _, err = s.Decline(crmkit.Cmd{By: "rob", At: t0.Add(-time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "time runs forward")
	_, _, err = s.Decline(crmkit.Cmd{By: "", At: t0.Add(time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = s.Expire(crmkit.Cmd{By: "system", At: t0.AddDate(5, 0, 0)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an open-ended offer does not expire")
}

func TestQuoteStatusText(t *testing.T) {
	for i, name := range []string{"draft", "pending-approval", "approved", "rejected", "sent", "accepted", "declined", "expired"} {
		s := quote.Status(i + 1)
		assert.Equal(t, name, s.String())
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back quote.Status
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	assert.Equal(t, "unset", quote.Status(0).String())
	_, err := quote.ParseStatus("sent ")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = quote.Status(9).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = quote.DiscountBasis(3).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestQuoteJSONRoundTrip(t *testing.T) {
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "2.50", "19.99", "EUR", "0.175")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	q, _, err = q.Submit(quote.DefaultApprovalPolicy(), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	b, err := json.Marshal(q)
	require.NoError(t, err)
	var back quote.Quote
	require.NoError(t, json.Unmarshal(b, &back))
	require.Len(t, back.Lines, 1)
	assert.True(t, back.Lines[0].Quantity.Equal(dec("2.5")))
	assert.True(t, back.Lines[0].Discount.Equal(dec("0.175")))
	assert.Equal(t, q.Lines[0].UnitPrice, back.Lines[0].UnitPrice)
	assert.Equal(t, q.Status, back.Status)
	require.NotNil(t, back.Approval)
	assert.Equal(t, q.Approval.Steps, back.Approval.Steps)
	t1, err := q.Totals()
	require.NoError(t, err)
	t2, err := back.Totals()
	require.NoError(t, err)
	assert.Equal(t, t1.Net, t2.Net)
}

func TestTotalsByCurrency(t *testing.T) {
	q1, _, err := quote.New(dealID, eur, []quote.Line{line("a", "1", "10.00", "EUR", "0")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	q2, _, err := quote.New(dealID, eur, []quote.Line{line("b", "3", "0.10", "EUR", "0.5")}, until, crmkit.Cmd{By: "rob", At: t0}) // 0.15
	require.NoError(t, err)
	q3, _, err := quote.New(dealID, jpy, []quote.Line{line("c", "2", "500", "JPY", "0")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	got, err := quote.TotalsByCurrency([]quote.Quote{q1, q2, q3})
	require.NoError(t, err)
	assert.Equal(t, map[crmkit.Currency]crmkit.Money{
		eur: crmkit.MustMoney("10.15", "EUR"),
		jpy: crmkit.MustMoney("1000", "JPY"),
	}, got)

	// A hand-built quote with a foreign line is refused, never summed.
	bad := q1.Clone()
	bad.Lines = append(bad.Lines, line("d", "1", "1.00", "USD", "0"))
	_, err = bad.Totals()
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = quote.TotalsByCurrency([]quote.Quote{q1, bad})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, err = quote.TotalsByCurrency([]quote.Quote{{}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a zero quote has no currency")
	// and a hand-built absurd line errors instead of computing forever.
	bad = q1.Clone()
	bad.Lines = append(bad.Lines, quote.Line{Product: "x", Quantity: decimal.New(1, -900000000), UnitPrice: crmkit.MustMoney("1", "EUR")})
	_, err = bad.Totals()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// quoteModel predicts which commands succeed on a quote under the default
// policy (above 15% a manager, above 30% also a director).
type quoteModel struct {
	status    quote.Status
	version   int
	maxDisc   decimal.Decimal
	lines     int
	submitter string
	chain     []string
	decided   []string
	seq       int64
}

func modelChain(maxDisc decimal.Decimal) []string {
	switch {
	case maxDisc.GreaterThan(dec("0.3")):
		return []string{"manager", "director"}
	case maxDisc.GreaterThan(dec("0.15")):
		return []string{"manager"}
	}
	return nil
}

func TestQuoteStateMachine(t *testing.T) {
	staff := map[string][]string{
		"rob": {"manager", "director"}, // a rep who is also a manager: still cannot self-approve
		"mia": {"manager"},
		"dan": {"director"},
		"bea": {"manager", "director"},
		"sam": nil,
	}
	people := []string{"rob", "mia", "dan", "bea", "sam"}
	discounts := []string{"0", "0.1", "0.15", "0.155", "0.2", "0.3", "0.3001", "0.45", "1"}
	validUntil := t0.Add(10 * 24 * time.Hour)
	policy := quote.DefaultApprovalPolicy()

	rapid.Check(t, func(rt *rapid.T) {
		q, created, err := quote.New(dealID, eur, nil, validUntil, crmkit.Cmd{By: "rob", At: t0})
		require.NoError(rt, err)
		history := []crmkit.Event{created}
		m := quoteModel{status: quote.Draft, version: 1, seq: 1}
		now := t0

		for i := range rapid.IntRange(1, 25).Draw(rt, "commands") {
			now = now.Add(time.Duration(rapid.IntRange(0, 30).Draw(rt, fmt.Sprintf("hours %d", i))) * time.Hour)
			who := rapid.SampledFrom(people).Draw(rt, fmt.Sprintf("who %d", i))
			before := q.Clone()
			expired := !now.Before(validUntil)
			var (
				next   quote.Quote
				events crmkit.Event
				ok     bool
			)
			cmd := rapid.SampledFrom([]string{"lines", "submit", "approve", "reject", "send", "accept", "decline", "expire", "revise"}).Draw(rt, fmt.Sprintf("cmd %d", i))
			switch cmd {
			case "lines":
				n := rapid.IntRange(0, 3).Draw(rt, "line count")
				lines := make([]quote.Line, n)
				maxDisc := decimal.Zero
				for j := range lines {
					d := rapid.SampledFrom(discounts).Draw(rt, "discount")
					lines[j] = line("seat", "2", "50.00", "EUR", d)
					if dec(d).GreaterThan(maxDisc) {
						maxDisc = dec(d)
					}
				}
				next, events, err = q.SetLines(lines, crmkit.Cmd{By: who, At: now})
				if ok = m.status == quote.Draft; ok {
					m.lines, m.maxDisc = n, maxDisc
				}
			case "submit":
				next, events, err = q.Submit(policy, crmkit.Cmd{By: who, At: now})
				if ok = m.status == quote.Draft && m.lines > 0 && !expired; ok {
					m.submitter, m.chain, m.decided = who, modelChain(m.maxDisc), nil
					m.status = quote.PendingApproval
					if len(m.chain) == 0 {
						m.status = quote.Approved
					}
				}
			case "approve", "reject":
				by := approver{ID: who, Roles: staff[who]}
				if cmd == "approve" {
					next, events, err = q.Approve(by.Roles, crmkit.Cmd{By: by.ID, At: now})
				} else {
					next, events, err = q.Reject(by.Roles, crmkit.Cmd{By: by.ID, At: now})
				}
				ok = m.status == quote.PendingApproval && !expired && who != m.submitter &&
					slices.Contains(staff[who], m.chain[len(m.decided)]) && !slices.Contains(m.decided, who)
				if ok {
					m.decided = append(m.decided, who)
					switch {
					case cmd == "reject":
						m.status = quote.Rejected
					case len(m.decided) == len(m.chain):
						m.status = quote.Approved
					}
				}
			case "send":
				next, events, err = q.Send(policy, crmkit.Cmd{By: who, At: now})
				if ok = m.status == quote.Approved && !expired; ok {
					m.status = quote.Sent
				}
			case "accept":
				next, events, err = q.Accept(crmkit.Cmd{By: who, At: now})
				if ok = m.status == quote.Sent && !expired; ok {
					m.status = quote.Accepted
				}
			case "decline":
				next, events, err = q.Decline(crmkit.Cmd{By: who, At: now, Reason: "no budget"})
				if ok = m.status == quote.Sent; ok {
					m.status = quote.Declined
				}
			case "expire":
				next, events, err = q.Expire(crmkit.Cmd{By: who, At: now})
				if ok = m.status == quote.Sent && expired; ok {
					m.status = quote.Expired
				}
			case "revise":
				next, events, err = q.Revise(crmkit.Cmd{By: who, At: now})
				if ok = m.status != quote.Draft && m.status != quote.Accepted; ok {
					m.status, m.chain, m.decided = quote.Draft, nil, nil
					m.version++
				}
			}
			require.Equal(rt, before, q, "the receiver never changes")
			if !ok {
				require.Error(rt, err, "%s by %s at %s from %s should fail", cmd, who, now, before.Status)
				require.Equal(rt, crmkit.Event{}, events, "a refused command returns no event")
				require.Equal(rt, quote.Quote{}, next, "a refused command returns the zero quote")
				continue
			}
			require.NoError(rt, err, "%s by %s from %s", cmd, who, before.Status)
			q = next
			history = append(history, events)
			// One event per command, the quote's, with the next version.
			m.seq++
			require.Equal(rt, m.seq, events.Version)
			require.Equal(rt, q.ID, events.AggregateID)
			require.Equal(rt, "quote", events.AggregateKind)
			require.Equal(rt, m.status, q.Status)
			require.Equal(rt, m.version, q.Version)
			require.Equal(rt, m.seq, q.Seq)

			// A quote that needed approval is never sent without it.
			if q.Status == quote.Sent {
				tot, err := q.Totals()
				require.NoError(rt, err)
				chain := modelChain(tot.MaxLineDiscount)
				if len(chain) == 0 {
					require.Nil(rt, q.Approval)
				} else {
					require.NotNil(rt, q.Approval)
					require.True(rt, q.Approval.Granted(q.SentAt))
					require.Equal(rt, chain, q.Approval.Roles())
					for _, d := range q.Approval.Decisions {
						require.NotEqual(rt, q.Approval.Requester, d.Approver)
					}
				}
			}
		}

		// The history replays to the current quote.
		got, err := quote.Replay(history)
		require.NoError(rt, err)
		requireSameQuote(rt, q, got)
	})
}

func benchLines(n int) []quote.Line {
	lines := make([]quote.Line, n)
	for i := range lines {
		lines[i] = quote.Line{
			Product:   fmt.Sprintf("sku-%03d", i),
			Quantity:  decimal.NewFromInt(int64(1 + i%7)),
			UnitPrice: mustMinor(int64(1999+i*137), eur),
			Discount:  decimal.New(int64(i%9)*25, -3), // 0, 0.025, 0.05, ... 0.2
		}
	}
	return lines
}

// BenchmarkQuoteTotals50 measures the totals of a 50-line quote.
func BenchmarkQuoteTotals50(b *testing.B) {
	q, _, err := quote.New(dealID, eur, benchLines(50), until, crmkit.Cmd{By: "rob", At: t0})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := q.Totals(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuoteTotals50Decimal is the same sum written the obvious way
// with shopspring/decimal, for comparison.
func BenchmarkQuoteTotals50Decimal(b *testing.B) {
	lines := benchLines(50)
	b.ReportAllocs()
	for b.Loop() {
		var gross, net int64
		for _, l := range lines {
			g, err := l.UnitPrice.Mul(l.Quantity, crmkit.RoundHalfEven)
			if err != nil {
				b.Fatal(err)
			}
			n, err := l.UnitPrice.Mul(l.Quantity.Mul(decimal.NewFromInt(1).Sub(l.Discount)), crmkit.RoundHalfEven)
			if err != nil {
				b.Fatal(err)
			}
			gross += g.Minor()
			net += n.Minor()
		}
		_, _ = gross, net
	}
}

func TestQuoteSendChecksTheApprovalAgain(t *testing.T) {
	policy := quote.DefaultApprovalPolicy()
	q, _, err := quote.New(dealID, eur, []quote.Line{line("seat", "1", "100.00", "EUR", "0.2")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	p, _, err := q.Submit(policy, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	a, _, err := p.Approve(manager.Roles, crmkit.Cmd{By: manager.ID, At: t0.Add(time.Hour)})
	require.NoError(t, err)
	at := t0.Add(2 * time.Hour)
	_, _, err = a.Send(policy, crmkit.Cmd{By: "rob", At: at})
	require.NoError(t, err)

	// A hand-built "approved" quote without its approval is refused.
	forged := q.Clone()
	forged.Status = quote.Approved
	_, _, err = forged.Send(policy, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	assert.ErrorContains(t, err, "needs an approval by manager")

	// An approval whose decisions were tampered with is refused.
	tampered := a.Clone()
	tampered.Approval.Decisions[0].Approver = "rob"
	_, _, err = tampered.Send(policy, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)

	// Another quote's approval does not count.
	other := a.Clone()
	other.Approval.Subject = quote.ApprovalSubject(uuid.New(), 1)
	_, _, err = other.Send(policy, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)

	// A stricter policy since the approval: the manager alone is not enough.
	strict := quote.ApprovalPolicy{Rules: []quote.ApprovalRule{
		{Basis: quote.MaxLineDiscount, Above: dec("0.1"), Role: "manager"},
		{Basis: quote.MaxLineDiscount, Above: dec("0.19"), Role: "director"},
	}}
	_, _, err = a.Send(strict, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	assert.ErrorContains(t, err, "does not cover the roles manager, director")

	bad := quote.ApprovalPolicy{Rules: []quote.ApprovalRule{{Basis: quote.MaxLineDiscount, Above: dec("1.01"), Role: "x"}}}
	_, _, err = a.Send(bad, crmkit.Cmd{By: "rob", At: at})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// FuzzQuoteLineTotals feeds arbitrary quantities, prices and discounts to
// Line.Totals: it never panics, rejects bad lines with ErrInvalid or
// ErrOverflow, and agrees with the big.Rat oracle on every line it accepts.
func FuzzQuoteLineTotals(f *testing.F) {
	for _, s := range [][3]string{
		{"3", "19.99", "0.15"}, {"1.5", "33.33", "0.1"}, {"1", "0.05", "0.5"}, {"0.000001", "123.45", "0"},
		{"1000000000000", "92233720368547758.07", "0"}, {"-1", "1", "0"}, {"1", "1", "1.000001"},
		{"1e3", "0.01", "0.333333"}, {"123456.789012", "9876543210.98", "0.125"}, {"1e-19", "1", "0"},
		{"1", "1", "15"}, {"2", "3.00", "0.1e1"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	maxInt := big.NewInt(math.MaxInt64)
	f.Fuzz(func(t *testing.T, qty, price, discount string) {
		q, err1 := decimal.NewFromString(qty)
		p, err2 := crmkit.ParseMoney(price, eur)
		d, err3 := decimal.NewFromString(discount)
		if err1 != nil || err2 != nil || err3 != nil {
			return
		}
		l := quote.Line{Product: "p", Quantity: q, UnitPrice: p, Discount: d}
		g, n, err := l.Totals()
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) && !errors.Is(err, crmkit.ErrOverflow) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		wg, wn := oracleLine(q, p.Minor(), d)
		if wg.Cmp(maxInt) > 0 || wn.Cmp(maxInt) > 0 {
			t.Fatalf("%s x %s less %s: accepted a line beyond int64: %s %s", qty, price, discount, g, n)
		}
		if g.Minor() != wg.Int64() || n.Minor() != wn.Int64() {
			t.Fatalf("%s x %s less %s: got %s, %s; want %s, %s minor", qty, price, discount, g, n, wg, wn)
		}
	})
}

// requireSameQuote compares quotes field by field, decimals with Equal.
func requireSameQuote(t require.TestingT, want, got quote.Quote) {
	require.Len(t, got.Lines, len(want.Lines))
	for i := range want.Lines {
		w, g := want.Lines[i], got.Lines[i]
		require.Equal(t, w.Product, g.Product)
		require.Equal(t, w.UnitPrice, g.UnitPrice)
		require.True(t, w.Quantity.Equal(g.Quantity), "quantity %s vs %s", w.Quantity, g.Quantity)
		require.True(t, w.Discount.Equal(g.Discount), "discount %s vs %s", w.Discount, g.Discount)
	}
	want.Lines, got.Lines = nil, nil
	require.True(t, want.ValidUntil.Equal(got.ValidUntil))
	want.ValidUntil, got.ValidUntil = time.Time{}, time.Time{}
	if want.Approval != nil && got.Approval != nil {
		require.True(t, want.Approval.ExpiresAt.Equal(got.Approval.ExpiresAt))
		a := want.Approval.Clone()
		a.ExpiresAt = got.Approval.ExpiresAt
		want.Approval = &a
	}
	require.Equal(t, want, got)
}

// withoutApproval returns e with the approval event taken out of its
// payload.
func withoutApproval(t *testing.T, e crmkit.Event) crmkit.Event {
	var p map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(e.Payload, &p))
	require.Contains(t, p, "approval")
	delete(p, "approval")
	b, err := json.Marshal(p)
	require.NoError(t, err)
	e.Payload = b
	return e
}

func TestReplayQuoteRejectsBadHistories(t *testing.T) {
	policy := quote.DefaultApprovalPolicy()
	q, e0, err := quote.New(dealID, eur, []quote.Line{line("seat", "4", "250.00", "EUR", "0.2")}, until, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	p, e1, err := q.Submit(policy, crmkit.Cmd{By: "rob", At: t0.Add(time.Hour)})
	require.NoError(t, err)
	a, e2, err := p.Approve(manager.Roles, crmkit.Cmd{By: manager.ID, At: t0.Add(2 * time.Hour)})
	require.NoError(t, err)
	s, e3, err := a.Send(policy, crmkit.Cmd{By: "rob", At: t0.Add(3 * time.Hour)})
	require.NoError(t, err)
	history := []crmkit.Event{e0, e1, e2, e3}

	got, err := quote.Replay(history)
	require.NoError(t, err)
	requireSameQuote(t, s, got)

	_, err = quote.Replay(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = quote.Replay(history[1:])
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "must start with the creation")
	_, err = quote.Replay([]crmkit.Event{e0, withoutApproval(t, e1)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a submission without its approval request")
	_, err = quote.Replay([]crmkit.Event{e0, e1, withoutApproval(t, e2), e3})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "approved without the approval's grant")
	_, err = quote.Replay([]crmkit.Event{e0, e3})
	assert.Error(t, err, "sent without submission")
	twice := append(slices.Clone(history), e3)
	_, err = quote.Replay(twice)
	assert.Error(t, err, "a repeated event")
}

// recordingIDs hands out IDs from a DeterministicIDs source and keeps
// every one it handed out.
type recordingIDs struct {
	src  crmkit.IDSource
	seen map[uuid.UUID]bool
}

func (r *recordingIDs) NewID() uuid.UUID {
	id := r.src.NewID()
	r.seen[id] = true
	return id
}

// Every ID a quote command produces (the quote's, its events', the
// approval request's and the request's events folded into the payloads)
// comes from the command's ID source: none is drawn elsewhere.
func TestQuoteIDsComeFromTheCommand(t *testing.T) {
	ids, err := crmkit.NewDeterministicIDs(crmkit.NewFakeClock(t0), 1)
	require.NoError(t, err)
	rec := &recordingIDs{src: ids, seen: map[uuid.UUID]bool{}}
	cmd := func(by string, h int) crmkit.Cmd {
		return crmkit.Cmd{By: by, At: t0.Add(time.Duration(h) * time.Hour), IDs: rec}
	}
	var events []crmkit.Event
	keep := func(q quote.Quote, e crmkit.Event, err error) quote.Quote {
		t.Helper()
		require.NoError(t, err)
		events = append(events, e)
		return q
	}
	policy := quote.DefaultApprovalPolicy()
	policy.TTL = 2 * time.Hour
	lines := []quote.Line{line("seat", "10", "100.00", "EUR", "0.35")}
	q := keep(quote.New(dealID, eur, lines, until, cmd("rob", 0)))
	q = keep(q.Submit(policy, cmd("rob", 1)))
	q = keep(q.Revise(cmd("rob", 2)))                                    // cancels the request
	q = keep(q.Submit(policy, cmd("rob", 3)))                            // expires at hour 5
	q = keep(q.Revise(cmd("rob", 6)))                                    // records its expiry
	q = keep(q.SetLines(lines, cmd("rob", 7)))                           // still a draft
	q = keep(q.Submit(policy, cmd("rob", 8)))                            // manager, then director
	q = keep(q.Approve(manager.Roles, cmd(manager.ID, 9)))               // a step
	q = keep(q.Approve(director.Roles, cmd(director.ID, 9)))             // granted
	q = keep(q.Send(policy, cmd("rob", 9)))                              // sent
	q = keep(q.Expire(cmd("system", 24*60)))                             // expired at until
	q = keep(q.Revise(cmd("rob", 24*61)))                                // the next version
	q = keep(q.SetValidUntil(t0.AddDate(0, 0, 90), cmd("rob", 24*61)))   // a new offer
	q = keep(q.Submit(quote.ApprovalPolicy{}, cmd("rob", 24*61+1)))      // no approval needed
	q = keep(q.Send(quote.ApprovalPolicy{}, cmd("rob", 24*61+2)))        // sent again
	_ = keep(q.Decline(crmkit.Cmd{By: "rob", At: t0.AddDate(0, 0, 62)})) // without a source: not counted

	assert.True(t, rec.seen[q.ID], "quote ID")
	checked := 0
	for i, e := range events[:len(events)-1] {
		assert.True(t, rec.seen[e.ID], "event %d (%s)", i, e.Type)
		checked++
		var p struct {
			Approval *crmkit.Event `json:"approval"`
		}
		if len(e.Payload) > 0 {
			require.NoError(t, e.DecodePayload(&p))
		}
		if p.Approval != nil {
			assert.True(t, rec.seen[p.Approval.ID], "approval event in event %d (%s %s)", i, e.Type, p.Approval.Type)
			assert.True(t, rec.seen[p.Approval.AggregateID], "approval request in event %d (%s)", i, e.Type)
			checked++
		}
	}
	// 15 quote events and the folded approval events counted by hand:
	// requested, cancelled, requested, expired, requested, step approved,
	// granted = 7.
	assert.Equal(t, 15+7, checked)
	assert.False(t, rec.seen[events[len(events)-1].ID], "a command without IDs draws from the default source")
}
