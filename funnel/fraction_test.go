package funnel_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/quota"
)

// notAFraction draws decimals that are no probability, rate or share: a
// negative value, a value above 1 (percentages such as 25 among them), more
// than 20 significant decimal places, or an exponent so large that
// comparing it by rescaling would never finish.
func notAFraction() *rapid.Generator[decimal.Decimal] {
	return rapid.OneOf(
		rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.New(-rapid.Int64Range(1, 1e12).Draw(t, "negative"), rapid.Int32Range(-25, 5).Draw(t, "exp"))
		}),
		rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.NewFromInt(1).Add(decimal.New(rapid.Int64Range(1, 1e12).Draw(t, "excess"), rapid.Int32Range(-20, 3).Draw(t, "exp")))
		}),
		rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.NewFromInt(rapid.Int64Range(2, 100).Draw(t, "percent"))
		}),
		rapid.Custom(func(t *rapid.T) decimal.Decimal {
			// c·10^e with c not a multiple of 10 and e < -20: in (0, 1),
			// with more than 20 significant places.
			c := rapid.Int64Range(0, 1e6).Draw(t, "c")*10 + rapid.Int64Range(1, 9).Draw(t, "last digit")
			return decimal.New(c, rapid.Int32Range(-40, -21).Draw(t, "exp"))
		}),
		rapid.SampledFrom([]decimal.Decimal{
			decimal.New(1, 1_000_000_000), decimal.New(-1, 1_000_000_000),
			decimal.New(1, -1_000_000_000), decimal.New(7, -10_001),
		}),
	)
}

// aFraction draws fractions in [0, 1] with at most 18 decimal places.
func aFraction() *rapid.Generator[decimal.Decimal] {
	return rapid.Custom(func(t *rapid.T) decimal.Decimal {
		places := rapid.Int32Range(0, 18).Draw(t, "places")
		max := decimal.New(1, places).IntPart()
		return decimal.New(rapid.Int64Range(0, max).Draw(t, "numerator"), -places)
	})
}

// fractionTakers are every call of the library that takes a probability,
// rate or share, each given p in the place of one.
var fractionTakers = map[string]func(p decimal.Decimal) error{
	"deal stage probability": func(p decimal.Decimal) error {
		_, err := deal.NewPipeline(deal.PipelineSpec{ID: "p", Stages: []deal.Stage{{Name: "a", Probability: p, Forecast: deal.ForecastCommit}}})
		return err
	},
	"deal probability override": func(p decimal.Decimal) error {
		_, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			Name: "x", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1.00", "EUR"),
			AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
			Probability: decimal.NewNullDecimal(p),
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at(0)}})
		return err
	},
	"deal SetProbability": func(p decimal.Decimal) error {
		d, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			Name: "x", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1.00", "EUR"),
			AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at(0)}})
		if err != nil {
			return nil // not the refusal under test
		}
		_, _, err = d.SetProbability(decimal.NewNullDecimal(p), deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at(1)}})
		return err
	},
	"deal team split": func(p decimal.Decimal) error {
		_, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			Name: "x", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1.00", "EUR"),
			AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
			Team: []deal.Member{{Rep: "ana", Split: p}},
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at(0)}})
		return err
	},
	"deal team overlay": func(p decimal.Decimal) error {
		_, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
			Name: "x", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1.00", "EUR"),
			AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
			Team: []deal.Member{{Rep: "ana", Split: decimal.NewFromInt(1), Overlay: p}},
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at(0)}})
		return err
	},
	"deal quote discount": func(p decimal.Decimal) error {
		_, err := quote.LinesTotals(crmkit.MustCurrency("EUR"), []quote.Line{
			{Product: "seat", Quantity: decimal.NewFromInt(1), UnitPrice: crmkit.MustMoney("10.00", "EUR"), Discount: p},
		})
		return err
	},
	"deal quote approval threshold": func(p decimal.Decimal) error {
		return quote.ApprovalPolicy{Rules: []quote.ApprovalRule{{Basis: quote.MaxLineDiscount, Above: p, Role: "manager"}}}.Validate()
	},
	"funnel forecast rates": func(p decimal.Decimal) error {
		rates := slices.Repeat([]decimal.Decimal{decimal.New(5, -1)}, testStages().Len())
		rates[1] = p
		_, err := funnel.NewForecast(testStages(), slices.Values([]funnel.Opportunity(nil)), crmkit.Period{Start: at(0), End: at(30)}, at(1), funnel.ForecastOptions{Rates: rates})
		return err
	},
	"funnel velocity win rate": func(p decimal.Decimal) error {
		_, err := funnel.Velocity(10, p, crmkit.MustMoney("100.00", "EUR"), 30*day, crmkit.RoundHalfEven)
		return err
	},
	"funnel plan step rate": func(p decimal.Decimal) error {
		_, err := funnel.ReversePlan(funnel.PlanInput{Target: crmkit.MustMoney("1000.00", "EUR"), AverageDeal: crmkit.MustMoney("100.00", "EUR"),
			Steps: []funnel.PlanStep{{Name: "leads", Rate: p}}, Periods: 1})
		return err
	},
	"value clv retention": func(p decimal.Decimal) error {
		_, err := value.HistoricalCLV(crmkit.MustMoney("100.00", "EUR"), p, decimal.New(1, -1), crmkit.RoundHalfEven)
		return err
	},
	"value clv discount": func(p decimal.Decimal) error {
		_, err := value.FiniteCLV(crmkit.MustMoney("100.00", "EUR"), decimal.New(8, -1), p, 3, crmkit.RoundHalfEven)
		return err
	},
	"value save probability": func(p decimal.Decimal) error {
		_, err := value.MaxRetentionSpend(crmkit.MustMoney("100.00", "EUR"), p, crmkit.RoundHalfEven)
		return err
	},
	"value churn limit": func(p decimal.Decimal) error {
		_, err := value.CheckChurnLimits([]value.TeamChurn{{Team: "kam", Start: 10, Lost: 1, Limit: p}})
		return err
	},
	"value pareto share": func(p decimal.Decimal) error {
		r, err := value.Pareto(crmkit.MustCurrency("EUR"), []value.ParetoInput{{Customer: "a", Revenue: crmkit.MustMoney("10.00", "EUR")}})
		if err != nil {
			return nil
		}
		_, err = r.KeyCustomers(p)
		return err
	},
	"value fallen share": func(p decimal.Decimal) error {
		_, err := value.NewClassifier(value.LifecycleRules{FallenShare: p})
		return err
	},
	"quota commission rate": func(p decimal.Decimal) error {
		return quota.CommissionPlan{Name: "AE", Currency: crmkit.MustCurrency("EUR"), Basis: quota.OnAttainment, Method: quota.Marginal,
			Tiers:    []quota.Tier{{From: decimal.Zero, Rate: p}},
			Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Months}.Validate()
	},
}

// TestPropertyEveryPackageRefusesNonFractions: any probability, rate or
// share outside [0, 1] (or beyond 20 places) is refused by every package
// that takes one, with crmkit.ErrInvalid and a ValidationError naming the
// field; none of them hangs on a huge exponent.
func TestPropertyEveryPackageRefusesNonFractions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := notAFraction().Draw(t, "not a fraction")
		for name, take := range fractionTakers {
			err := take(p)
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("%s accepted %s: %v", name, p, err)
			}
			var ve *crmkit.ValidationError
			if !errors.As(err, &ve) || ve.Field == "" {
				t.Fatalf("%s: %v names no field", name, err)
			}
		}
	})
}

// TestPropertyFractionsAccepted: the same calls accept every fraction in
// [0, 1] where [0, 1] is their whole domain (a plan step or a Pareto share
// of 0, a lifecycle share of 1 or beyond 6 places, and a CLV that would be
// infinite are refused by their own rules).
func TestPropertyFractionsAccepted(t *testing.T) {
	for _, name := range []string{"deal stage probability", "deal probability override", "deal SetProbability",
		"funnel forecast rates", "funnel velocity win rate", "value save probability", "value churn limit",
		"quota commission rate"} {
		take := fractionTakers[name]
		rapid.Check(t, func(t *rapid.T) {
			p := aFraction().Draw(t, "fraction")
			if err := take(p); err != nil {
				t.Fatalf("%s refused %s: %v", name, p, err)
			}
		})
	}
}
