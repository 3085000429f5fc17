package kpi_test

import (
	"math"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestRecognisedRevenue(t *testing.T) {
	tests := []struct {
		name                 string
		o                    kpi.Order
		recognised, deferred crmkit.Money
	}{
		{"100% prepaid, undelivered: no revenue",
			kpi.Order{Amount: eur("5000"), Prepaid: eur("5000")}, eur("0"), eur("5000")},
		{"prepaid, delivered, documents open: no revenue yet",
			kpi.Order{Amount: eur("5000"), Prepaid: eur("5000"), Delivered: true}, eur("0"), eur("5000")},
		{"delivered, documents open, unpaid",
			kpi.Order{Amount: eur("5000"), Delivered: true}, eur("0"), eur("0")},
		{"delivered and closed, partly prepaid",
			kpi.Order{Amount: eur("5000"), Prepaid: eur("2000"), Delivered: true, DocumentsClosed: true}, eur("5000"), eur("0")},
		{"delivered and closed, unpaid (a receivable, still revenue)",
			kpi.Order{Amount: eur("5000"), Delivered: true, DocumentsClosed: true}, eur("5000"), eur("0")},
		{"just ordered",
			kpi.Order{Amount: crmkit.MustMoney("120000", "JPY")}, crmkit.MustMoney("0", "JPY"), crmkit.MustMoney("0", "JPY")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := kpi.RecognisedRevenue(tt.o)
			require.NoError(t, err)
			assert.True(t, got.Equal(tt.recognised), "recognised: want %s, got %s", tt.recognised, got)
			def, err := kpi.DeferredRevenue(tt.o)
			require.NoError(t, err)
			assert.True(t, def.Equal(tt.deferred), "deferred: want %s, got %s", tt.deferred, def)
		})
	}
}

func TestOrderInvalid(t *testing.T) {
	bad := []struct {
		name  string
		o     kpi.Order
		field string
	}{
		{"no amount", kpi.Order{}, "Amount"},
		{"negative amount", kpi.Order{Amount: eur("-1")}, "Amount"},
		{"negative prepaid", kpi.Order{Amount: eur("10"), Prepaid: eur("-1")}, "Prepaid"},
		{"overpaid", kpi.Order{Amount: eur("10"), Prepaid: eur("10.01")}, "Prepaid"},
		{"closed before delivery", kpi.Order{Amount: eur("10"), DocumentsClosed: true}, "DocumentsClosed"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			requireInvalid(t, tt.o.Validate(), tt.field)
			_, err := kpi.RecognisedRevenue(tt.o)
			requireInvalid(t, err, tt.field)
			_, err = kpi.DeferredRevenue(tt.o)
			requireInvalid(t, err, tt.field)
		})
	}
	mixed := kpi.Order{Amount: eur("10"), Prepaid: usd("5")}
	requireMismatch(t, mixed.Validate())
	_, err := kpi.RecognisedRevenue(mixed)
	requireMismatch(t, err)
}

func TestTotalRecognisedRevenue(t *testing.T) {
	orders := []kpi.Order{
		{Amount: eur("1000"), Prepaid: eur("1000")},                                        // prepaid, not delivered
		{Amount: eur("250.50"), Delivered: true, DocumentsClosed: true},                    // revenue
		{Amount: eur("400"), Delivered: true},                                              // documents open
		{Amount: eur("99.50"), Prepaid: eur("10"), Delivered: true, DocumentsClosed: true}, // revenue
	}
	total, err := kpi.TotalRecognisedRevenue(eurCur, slices.Values(orders))
	require.NoError(t, err)
	assert.True(t, total.Equal(eur("350")), "got %s", total)

	empty, err := kpi.TotalRecognisedRevenue(eurCur, slices.Values([]kpi.Order(nil)))
	require.NoError(t, err)
	assert.True(t, empty.Equal(eur("0")))

	_, err = kpi.TotalRecognisedRevenue(eurCur, slices.Values(append(slices.Clone(orders), kpi.Order{Amount: eur("1"), Prepaid: eur("2")})))
	requireInvalid(t, err, "Prepaid")
	assert.Contains(t, err.Error(), "orders[4]")

	_, err = kpi.TotalRecognisedRevenue(eurCur, slices.Values([]kpi.Order{{Amount: usd("1")}}))
	requireMismatch(t, err)
	assert.Contains(t, err.Error(), "orders[0]")

	_, err = kpi.TotalRecognisedRevenue(crmkit.Currency{}, slices.Values(orders))
	requireInvalid(t, err, "currency")

	big := kpi.Order{Amount: minorEUR(math.MaxInt64), Delivered: true, DocumentsClosed: true}
	_, err = kpi.TotalRecognisedRevenue(eurCur, slices.Values([]kpi.Order{big, big}))
	assert.ErrorIs(t, err, crmkit.ErrOverflow)
}

func drawOrder(t *rapid.T, label string) kpi.Order {
	amount := rapid.Int64Range(0, 1e12).Draw(t, label+".amount")
	prepaid := rapid.Int64Range(0, amount).Draw(t, label+".prepaid")
	delivered := rapid.Bool().Draw(t, label+".delivered")
	closed := delivered && rapid.Bool().Draw(t, label+".closed")
	return kpi.Order{Amount: minorEUR(amount), Prepaid: minorEUR(prepaid), Delivered: delivered, DocumentsClosed: closed}
}

func TestRecognisedRevenueProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		orders := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) kpi.Order { return drawOrder(t, "order") }), 0, 20).Draw(t, "orders")
		var sum int64
		for _, o := range orders {
			rev, err := kpi.RecognisedRevenue(o)
			if err != nil {
				t.Fatal(err)
			}
			def, err := kpi.DeferredRevenue(o)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case !o.Delivered && !rev.IsZero():
				t.Fatalf("undelivered order %+v recognised %s", o, rev)
			case o.Delivered && o.DocumentsClosed && !rev.Equal(o.Amount):
				t.Fatalf("completed order %+v recognised %s", o, rev)
			case !(o.Delivered && o.DocumentsClosed) && !def.Equal(o.Prepaid):
				t.Fatalf("open order %+v deferred %s, want the prepayment", o, def)
			}
			// Never both recognised and deferred; the prepayment never adds revenue.
			if !rev.IsZero() && !def.IsZero() {
				t.Fatalf("order %+v both recognised %s and deferred %s", o, rev, def)
			}
			sum += rev.Minor()
		}
		total, err := kpi.TotalRecognisedRevenue(eurCur, slices.Values(orders))
		if err != nil || total.Minor() != sum {
			t.Fatalf("total %s, want %d minor units (%v)", total, sum, err)
		}
	})
}

func TestNewVsRepeatRevenue(t *testing.T) {
	purchases := []kpi.Purchase{
		{Amount: eur("100")},
		{Amount: eur("50"), Repeat: true},
		{Amount: eur("25"), Repeat: true},
		{Amount: eur("25")},
		{Amount: crmkit.Money{}, Repeat: true},
	}
	r, err := kpi.NewVsRepeatRevenue(eurCur, slices.Values(purchases))
	require.NoError(t, err)
	assert.True(t, r.New.Equal(eur("125")), "new %s", r.New)
	assert.True(t, r.Repeat.Equal(eur("75")), "repeat %s", r.Repeat)
	share, err := r.RepeatShare()
	require.NoError(t, err)
	assertDec(t, "0.375", share)

	_, err = kpi.NewVsRepeatRevenue(eurCur, slices.Values([]kpi.Purchase{{Amount: eur("1")}, {Amount: eur("-1")}}))
	requireInvalid(t, err, "purchases[1]")
	_, err = kpi.NewVsRepeatRevenue(eurCur, slices.Values([]kpi.Purchase{{Amount: usd("1")}}))
	requireMismatch(t, err)
	assert.Contains(t, err.Error(), "purchases[0]")

	_, err = kpi.CustomerRevenue{New: eur("0"), Repeat: eur("0")}.RepeatShare()
	requireInvalid(t, err, "New, Repeat")
	_, err = kpi.CustomerRevenue{New: eur("-1"), Repeat: eur("2")}.RepeatShare()
	requireInvalid(t, err, "New")
	_, err = kpi.CustomerRevenue{New: eur("1"), Repeat: usd("2")}.RepeatShare()
	requireMismatch(t, err)
	s, err := kpi.CustomerRevenue{Repeat: eur("2")}.RepeatShare()
	require.NoError(t, err)
	assertDec(t, "1", s)
}

func TestNewVsRepeatRevenueProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		ps := make([]kpi.Purchase, n)
		var sum int64
		for i := range ps {
			ps[i] = kpi.Purchase{Amount: drawEUR(t, 0, 1e12, "amount"), Repeat: rapid.Bool().Draw(t, "repeat")}
			sum += ps[i].Amount.Minor()
		}
		r, err := kpi.NewVsRepeatRevenue(eurCur, slices.Values(ps))
		if err != nil {
			t.Fatal(err)
		}
		if r.New.Minor()+r.Repeat.Minor() != sum {
			t.Fatalf("new %s + repeat %s != %d", r.New, r.Repeat, sum)
		}
		if sum == 0 {
			return
		}
		s, err := r.RepeatShare()
		if err != nil || !inUnit(s) {
			t.Fatalf("repeat share %s, %v", s, err)
		}
	})
}

// A nil sequence is a caller's mistake the package docs promise not to
// panic on: both stream sums refuse it as ErrInvalid.
func TestRevenueNilSequence(t *testing.T) {
	_, err := kpi.TotalRecognisedRevenue(crmkit.MustCurrency("EUR"), nil)
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = kpi.NewVsRepeatRevenue(crmkit.MustCurrency("EUR"), nil)
	require.ErrorIs(t, err, crmkit.ErrInvalid)
}
