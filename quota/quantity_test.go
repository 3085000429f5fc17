package quota_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/quotatest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestQuantityString(t *testing.T) {
	for _, c := range []struct {
		q    quota.Quantity
		want string
	}{
		{quota.Amount(eurs("1200000.00")), "1200000.00 EUR"},
		{quota.Amount(crmkit.MustMoney("-0.5", "EUR")), "-0.50 EUR"},
		{quota.Amount(crmkit.MustMoney("1500", "JPY")), "1500 JPY"},
		{quota.Count(120, "deals"), "120 deals"},
		{quota.Count(3, "new logos"), "3 new logos"},
		{quota.Quantity{}, "0"},
		{quota.Amount(crmkit.Money{}), "0"},
	} {
		assert.Equal(t, c.want, c.q.String())
	}
}

func TestQuantityMoneyAndCount(t *testing.T) {
	m, err := quota.Amount(eurs("12.34")).Money()
	require.NoError(t, err)
	assert.True(t, m.Equal(eurs("12.34")), "%s", m)
	_, err = quota.Amount(eurs("12.34")).Count()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	n, err := quota.Count(7, "meetings").Count()
	require.NoError(t, err)
	assert.Equal(t, int64(7), n)
	_, err = quota.Count(7, "meetings").Money()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	assert.True(t, quota.Amount(eurs("12.34")).Decimal().Equal(d("12.34")))
	assert.True(t, quota.Count(7, "meetings").Decimal().Equal(d("7")))
	assert.Equal(t, quota.MoneyUnit(crmkit.MustCurrency("EUR")), quota.Amount(eurs("1")).Unit())
	assert.Equal(t, quota.CountUnit("deals"), quota.Count(1, "deals").Unit())
}

func TestQuantityArithmetic(t *testing.T) {
	a, b := quota.Amount(eurs("10.05")), quota.Amount(eurs("0.95"))
	s, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "11.00 EUR", s.String())
	s, err = b.Sub(a)
	require.NoError(t, err)
	assert.Equal(t, "-9.10 EUR", s.String())
	assert.Equal(t, -1, s.Sign())
	c, err := a.Cmp(b)
	require.NoError(t, err)
	assert.Equal(t, 1, c)

	// The zero Quantity is the identity of Add and Sub in any unit.
	s, err = quota.Quantity{}.Add(quota.Count(4, "deals"))
	require.NoError(t, err)
	assert.Equal(t, quota.Count(4, "deals"), s)
	assert.True(t, quota.Quantity{}.Equal(quota.Count(0, "deals")))
	assert.False(t, quota.Count(0, "deals").Equal(quota.Count(0, "meetings")), "zero of two units")

	for _, bad := range []struct {
		x, y quota.Quantity
		want error
	}{
		{quota.Amount(eurs("1")), quota.Amount(crmkit.MustMoney("1", "USD")), crmkit.ErrCurrencyMismatch},
		{quota.Amount(eurs("1")), quota.Count(1, "deals"), crmkit.ErrInvalid},
		{quota.Count(1, "deals"), quota.Count(1, "meetings"), crmkit.ErrInvalid},
	} {
		_, err := bad.x.Add(bad.y)
		assert.ErrorIs(t, err, bad.want, "%s + %s", bad.x, bad.y)
		_, err = bad.x.Sub(bad.y)
		assert.ErrorIs(t, err, bad.want, "%s - %s", bad.x, bad.y)
		_, err = bad.x.Cmp(bad.y)
		assert.ErrorIs(t, err, bad.want, "%s cmp %s", bad.x, bad.y)
	}
	_, err = quota.Count(1<<62, "deals").Add(quota.Count(1<<62, "deals"))
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
	_, err = quota.Count(0, "deals").Sub(quota.Count(-1<<63, "deals"))
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

func TestQuantityJSON(t *testing.T) {
	for _, c := range []struct {
		q    quota.Quantity
		want string
	}{
		{quota.Amount(eurs("1200.5")), `{"amount":"1200.50","currency":"EUR"}`},
		{quota.Amount(crmkit.MustMoney("-3", "JPY")), `{"amount":"-3","currency":"JPY"}`},
		{quota.Count(12, "deals"), `{"amount":"12","count":"deals"}`},
		{quota.Quantity{}, `{"amount":"0"}`},
	} {
		b, err := json.Marshal(c.q)
		require.NoError(t, err)
		assert.JSONEq(t, c.want, string(b))
		var back quota.Quantity
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c.q, back)
	}
	keep := quota.Count(1, "deals")
	for _, bad := range []string{
		`{"amount":"1.001","currency":"EUR"}`,
		`{"amount":"1.5","count":"deals"}`,
		`{"amount":"x","count":"deals"}`,
		`{"amount":"1"}`,
		`{"amount":"1","currency":"EUR","count":"deals"}`,
		`{"amount":"1","currency":"XXQ"}`,
		`[1]`,
	} {
		q := keep
		assert.ErrorIs(t, json.Unmarshal([]byte(bad), &q), crmkit.ErrInvalid, bad)
		assert.Equal(t, keep, q, "%s changed nothing", bad)
	}
}

// quantityGen draws a Quantity of money in EUR, JPY or KWD or of a count.
func quantityGen() *rapid.Generator[quota.Quantity] {
	return rapid.Custom(func(t *rapid.T) quota.Quantity {
		n := rapid.Int64().Draw(t, "n")
		if rapid.Bool().Draw(t, "count") {
			return quota.Count(n, rapid.SampledFrom([]string{"deals", "meetings", "new logos"}).Draw(t, "what"))
		}
		cur := crmkit.MustCurrency(rapid.SampledFrom([]string{"EUR", "JPY", "KWD"}).Draw(t, "currency"))
		m, err := crmkit.NewMoney(n, cur)
		if err != nil {
			t.Fatalf("money: %v", err)
		}
		return quota.Amount(m)
	})
}

func TestPropertyQuantityJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		q := quantityGen().Draw(t, "q")
		b, err := json.Marshal(q)
		require.NoError(t, err)
		var back quota.Quantity
		require.NoError(t, json.Unmarshal(b, &back), "%s", b)
		assert.Equal(t, q, back)
		assert.Equal(t, q.String(), back.String())
	})
}

// TestPropertyQuantityMatchesMoney: money quantities add, subtract and
// compare exactly as crmkit.Money does.
func TestPropertyQuantityMatchesMoney(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Int64Range(-1<<40, 1<<40).Draw(t, "a")
		b := rapid.Int64Range(-1<<40, 1<<40).Draw(t, "b")
		cur := crmkit.MustCurrency("EUR")
		ma, _ := crmkit.NewMoney(a, cur)
		mb, _ := crmkit.NewMoney(b, cur)
		qa, qb := quota.Amount(ma), quota.Amount(mb)
		ms, err := ma.Add(mb)
		require.NoError(t, err)
		qs, err := qa.Add(qb)
		require.NoError(t, err)
		got, err := qs.Money()
		require.NoError(t, err)
		assert.True(t, got.Equal(ms), "%s + %s: %s, Money says %s", qa, qb, got, ms)
		back, err := qs.Sub(qb)
		require.NoError(t, err)
		assert.Equal(t, qa, back)
		mc, _ := ma.Cmp(mb)
		qc, err := qa.Cmp(qb)
		require.NoError(t, err)
		assert.Equal(t, mc, qc)
		assert.Equal(t, ma.String(), qa.String())
	})
}

func ExampleQuantity() {
	revenue := quota.Amount(crmkit.MustMoney("1200000", "EUR"))
	deals := quota.Count(120, "deals")
	more, _ := revenue.Add(quota.Amount(crmkit.MustMoney("50000", "EUR")))
	m, _ := more.Money()
	_, err := revenue.Add(deals)
	b, _ := json.Marshal(deals)
	fmt.Println(more, "=", m.Decimal())
	fmt.Println(deals, string(b))
	fmt.Println(err != nil)
	// Output:
	// 1250000.00 EUR = 1250000
	// 120 deals {"amount":"120","count":"deals"}
	// true
}

// storedPlan is a plan as stored before targets were Quantities: targets,
// weights and changes as strings of minor units (cents of EUR), the unit
// once in the header. Written by hand: 900.00 EUR split 600.00 / 300.00.
const storedPlan = `{"id":"01937f84-5800-7000-8f9b-61354419891c","version":2,"name":"P","fiscal_year":2025,
 "calendar":{},"unit":{"currency":"EUR"},"rounding":"half-even",
 "root":{"key":"","period":{"start":"2025-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z"},"target":"90000","weight":"90000",
  "children":[
   {"key":"region=EMEA","dim":"region","member":"EMEA","period":{"start":"2025-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z"},"target":"60000","weight":"2"},
   {"key":"region=APAC","dim":"region","member":"APAC","period":{"start":"2025-01-01T00:00:00Z","end":"2026-01-01T00:00:00Z"},"target":"30000","weight":"1"}]},
 "history":[
  {"version":1,"by":"a","at":"2024-12-01T00:00:00Z","action":"create","changes":[{"key":"","created":true,"before":"0","after":"90000"}]},
  {"version":2,"by":"a","at":"2024-12-01T00:00:00Z","action":"split","changes":[
   {"key":"region=EMEA","created":true,"before":"0","after":"60000"},
   {"key":"region=APAC","created":true,"before":"0","after":"30000"}]}]}`

// TestStoredPlanLoadsWithUnits: a stored plan reads back with every target
// a Quantity in the plan's unit, and writes back in the same stored form.
func TestStoredPlanLoadsWithUnits(t *testing.T) {
	var p quota.Plan
	require.NoError(t, json.Unmarshal([]byte(storedPlan), &p))
	for key, want := range map[string]string{"": "900.00 EUR", "region=EMEA": "600.00 EUR", "region=APAC": "300.00 EUR"} {
		got, err := p.Target(key)
		require.NoError(t, err)
		assert.Equal(t, want, got.String(), key)
		c, err := p.Cell(key)
		require.NoError(t, err)
		assert.Equal(t, got, c.Target)
	}
	require.Len(t, p.History, 2)
	assert.Equal(t, "900.00 EUR", p.History[0].Changes[0].After.String())
	assert.Equal(t, "600.00 EUR", p.History[1].Changes[0].After.String())
	assert.Equal(t, "0.00 EUR", p.History[1].Changes[1].Before.String())
	back, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, storedPlan, string(back), "the stored form is unchanged")

	// A payload written before payloads carried the unit decodes, its
	// amounts without a unit (the plan's History has them typed).
	var old quota.RevisionPayload
	require.NoError(t, json.Unmarshal([]byte(`{"action":"split","changes":[{"key":"region=EMEA","created":true,"before":"0","after":"60000"}]}`), &old))
	_, err = old.Changes[0].After.Money()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var now quota.RevisionPayload
	require.NoError(t, json.Unmarshal([]byte(`{"action":"split","changes":[{"key":"region=EMEA","created":true,"before":"0","after":"60000"}],"unit":{"currency":"EUR"}}`), &now))
	assert.Equal(t, "600.00 EUR", now.Changes[0].After.String())

	// The same plan with a target that does not sum is refused, and a
	// failed decode leaves the plan as it was.
	q := p
	bad := strings.Replace(storedPlan, `"target":"30000"`, `"target":"30001"`, 1)
	assert.ErrorIs(t, json.Unmarshal([]byte(bad), &q), crmkit.ErrInvalid)
	assert.Equal(t, p.Root.Target, q.Root.Target)
}

func TestQuantityAndCellDecodeIntoNil(t *testing.T) {
	var q *quota.Quantity
	assert.ErrorIs(t, q.UnmarshalJSON([]byte(`{"amount":"1","count":"deals"}`)), crmkit.ErrInvalid)
	var c *quota.Cell
	assert.ErrorIs(t, c.UnmarshalJSON([]byte(`{"key":""}`)), crmkit.ErrInvalid)
	var cell quota.Cell
	assert.ErrorIs(t, cell.UnmarshalJSON([]byte(`{"target":12}`)), crmkit.ErrInvalid, "a target not written as a string")
	// A cell decoded alone has a target without a unit (the plan holds
	// it): neither money nor a count.
	require.NoError(t, cell.UnmarshalJSON([]byte(`{"key":"","target":"12"}`)))
	_, err := cell.Target.Money()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = cell.Target.Count()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestQuantityWithoutUnitDoesNotEncode(t *testing.T) {
	var cell quota.Cell
	require.NoError(t, json.Unmarshal([]byte(`{"key":"","target":"12"}`), &cell))
	_, err := json.Marshal(cell.Target)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	b, err := json.Marshal(cell)
	require.NoError(t, err, "the cell itself keeps the stored form")
	assert.Contains(t, string(b), `"target":"12"`)
}

// TestPropertyAmountInAnotherUnitChangesNothing: an adjustment or a target
// in another unit than the plan's is refused with the right sentinel
// (another currency crmkit.ErrCurrencyMismatch, anything else
// crmkit.ErrInvalid) and leaves the plan as it was.
func TestPropertyAmountInAnotherUnitChangesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		before, err := json.Marshal(p)
		require.NoError(t, err)
		q := quantityGen().Draw(t, "amount")
		if q.Unit() == p.Unit {
			t.Skip("same unit")
		}
		want := crmkit.ErrInvalid
		if q.Unit().IsMoney() && p.Unit.IsMoney() {
			want = crmkit.ErrCurrencyMismatch
		}
		leaves := slices.Collect(p.Leaves())
		key := rapid.SampledFrom(leaves).Draw(t, "leaf").Key
		_, _, err = p.Adjust(quotatest.Cmd(), quota.ByAmount(key, q, quota.ChangeTotal))
		assert.ErrorIs(t, err, want, "adjust %q by %s", key, q)
		_, _, err = p.SetTarget(quotatest.Cmd(), key, q, quota.ChangeTotal)
		assert.ErrorIs(t, err, want, "set %q to %s", key, q)
		after, err := json.Marshal(p)
		require.NoError(t, err)
		assert.JSONEq(t, string(before), string(after))
	})
}

// TestUnitQuantity checks Unit.Quantity against values rounded by hand.
func TestUnitQuantity(t *testing.T) {
	eur := quota.MoneyUnit(crmkit.MustCurrency("EUR"))
	jpy := quota.MoneyUnit(crmkit.MustCurrency("JPY"))
	kwd := quota.MoneyUnit(crmkit.MustCurrency("KWD"))
	deals := quota.CountUnit("deals")
	for _, c := range []struct {
		u    quota.Unit
		d    string
		mode crmkit.RoundingMode
		want quota.Quantity
	}{
		{eur, "1045.005", crmkit.RoundHalfEven, quota.Amount(eurs("1045.00"))}, // tie, 0 is even
		{eur, "1045.005", crmkit.RoundHalfUp, quota.Amount(eurs("1045.01"))},
		{eur, "1045.0099", crmkit.RoundDown, quota.Amount(eurs("1045.00"))},
		{eur, "-0.001", crmkit.RoundFloor, quota.Amount(eurs("-0.01"))},
		{jpy, "1500.5", crmkit.RoundHalfEven, quota.Amount(crmkit.MustMoney("1500", "JPY"))},
		{kwd, "1.2345", crmkit.RoundHalfUp, quota.Amount(crmkit.MustMoney("1.235", "KWD"))}, // 3 digits
		{deals, "12.5", crmkit.RoundHalfEven, quota.Count(12, "deals")},
		{deals, "12.5", crmkit.RoundHalfUp, quota.Count(13, "deals")},
		{deals, "12.01", crmkit.RoundCeiling, quota.Count(13, "deals")},
		{deals, "0", crmkit.RoundUp, quota.Count(0, "deals")},
	} {
		got, err := c.u.Quantity(d(c.d), c.mode)
		require.NoError(t, err, "%s %s %s", c.d, c.u, c.mode)
		assert.Equal(t, c.want, got, "%s %s %s", c.d, c.u, c.mode)
	}
	for name, c := range map[string]struct {
		u    quota.Unit
		d    string
		mode crmkit.RoundingMode
		want error
	}{
		"no unit":       {quota.Unit{}, "1", crmkit.RoundHalfEven, crmkit.ErrInvalid},
		"both":          {quota.Unit{Currency: crmkit.MustCurrency("EUR"), Count: "deals"}, "1", crmkit.RoundHalfEven, crmkit.ErrInvalid},
		"no mode":       {eur, "1", 0, crmkit.ErrInvalid},
		"unknown mode":  {deals, "1", crmkit.RoundingMode(200), crmkit.ErrInvalid},
		"beyond int64":  {deals, "9223372036854775808", crmkit.RoundHalfEven, crmkit.ErrOverflow},
		"beyond cents":  {eur, "92233720368547758.08", crmkit.RoundHalfEven, crmkit.ErrOverflow},
		"huge exponent": {eur, "1e9999", crmkit.RoundHalfEven, crmkit.ErrOverflow},
	} {
		got, err := c.u.Quantity(d(c.d), c.mode)
		assert.ErrorIs(t, err, c.want, name)
		assert.Equal(t, quota.Quantity{}, got, name)
	}
}

// TestPropertyUnitQuantityInvertsDecimal: a quantity's Decimal, given back
// to its unit, is the same quantity under every rounding mode (it is
// exact, so no mode rounds it).
func TestPropertyUnitQuantityInvertsDecimal(t *testing.T) {
	modes := []crmkit.RoundingMode{crmkit.RoundHalfEven, crmkit.RoundHalfUp, crmkit.RoundDown, crmkit.RoundUp, crmkit.RoundFloor, crmkit.RoundCeiling}
	rapid.Check(t, func(t *rapid.T) {
		q := quantityGen().Draw(t, "q")
		mode := rapid.SampledFrom(modes).Draw(t, "mode")
		back, err := q.Unit().Quantity(q.Decimal(), mode)
		require.NoError(t, err)
		assert.Equal(t, q, back)
	})
}

func ExampleUnit_Quantity() {
	eur := quota.MoneyUnit(crmkit.MustCurrency("EUR"))
	q, _ := eur.Quantity(decimal.RequireFromString("1045.005"), crmkit.RoundHalfUp)
	n, _ := quota.CountUnit("deals").Quantity(decimal.RequireFromString("12.5"), crmkit.RoundHalfEven)
	fmt.Println(q)
	fmt.Println(n)
	// Output:
	// 1045.01 EUR
	// 12 deals
}
