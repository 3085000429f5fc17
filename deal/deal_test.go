package deal_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func validNewDeal() deal.NewDeal {
	return deal.NewDeal{
		Name: "Pilot", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1000.00", "EUR"),
		AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"), Owner: "ana",
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	p := deal.DefaultPipeline()
	c := deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}}
	cases := []struct {
		name  string
		edit  func(*deal.NewDeal)
		field string
	}{
		{"no name", func(n *deal.NewDeal) { n.Name = " " }, "name"},
		{"no type", func(n *deal.NewDeal) { n.Type = 0 }, "type"},
		{"unknown type", func(n *deal.NewDeal) { n.Type = 9 }, "type"},
		{"no account", func(n *deal.NewDeal) { n.AccountID = uuid.Nil }, "account_id"},
		{"no owner", func(n *deal.NewDeal) { n.Owner = "" }, "owner"},
		{"negative amount", func(n *deal.NewDeal) { n.Amount = crmkit.MustMoney("-0.01", "EUR") }, "amount"},
		{"amount without currency", func(n *deal.NewDeal) { n.Amount = crmkit.Money{} }, "amount"},
		{"close date before creation", func(n *deal.NewDeal) { n.CloseDate = dealStart.AddDate(0, 0, -1) }, "close_date"},
		{"probability above 1", func(n *deal.NewDeal) {
			n.Probability = decimal.NewNullDecimal(decimal.RequireFromString("1.005"))
		}, "probability"},
		{"probability in percent", func(n *deal.NewDeal) { n.Probability = decimal.NewNullDecimal(decimal.NewFromInt(25)) }, "probability"},
		{"negative probability", func(n *deal.NewDeal) { n.Probability = decimal.NewNullDecimal(decimal.NewFromInt(-1)) }, "probability"},
		{"unknown stage", func(n *deal.NewDeal) { n.Stage = "contracting" }, "stage"},
		{"splits summing to 99.99%", func(n *deal.NewDeal) {
			n.Team = []deal.Member{{Rep: "ana", Split: bp(6666)}, {Rep: "ben", Split: bp(3333)}}
		}, "team"},
		{"splits summing to 100.01%", func(n *deal.NewDeal) {
			n.Team = []deal.Member{{Rep: "ana", Split: bp(6668)}, {Rep: "ben", Split: bp(3333)}}
		}, "team"},
		{"owner not in the team", func(n *deal.NewDeal) {
			n.Team = []deal.Member{{Rep: "ben", Split: bp(5000)}, {Rep: "cai", Split: bp(5000)}}
		}, "team"},
		{"rep twice", func(n *deal.NewDeal) {
			n.Team = []deal.Member{{Rep: "ana", Split: bp(5000)}, {Rep: "ana", Split: bp(5000)}}
		}, "team[1].rep"},
		{"negative split", func(n *deal.NewDeal) {
			n.Team = []deal.Member{{Rep: "ana", Split: bp(10100)}, {Rep: "ben", Split: bp(-100)}}
		}, "team[0].split"},
		{"overlay above 100%", func(n *deal.NewDeal) { n.Team = []deal.Member{{Rep: "ana", Split: bp(10000), Overlay: bp(10001)}} }, "team[0].overlay"},
	}
	for _, tc := range cases {
		n := validNewDeal()
		tc.edit(&n)
		d, e, err := deal.New(p, n, c)
		require.ErrorIs(t, err, crmkit.ErrInvalid, tc.name)
		var ve *crmkit.ValidationError
		require.ErrorAs(t, err, &ve, tc.name)
		assert.Equal(t, tc.field, ve.Field, tc.name)
		assert.Equal(t, deal.Deal{}, d, tc.name)
		assert.Equal(t, crmkit.Event{}, e, tc.name)
	}
	_, _, err := deal.New(nil, validNewDeal(), c)
	require.ErrorIs(t, err, crmkit.ErrInvalid)

	// A close date later today is fine.
	n := validNewDeal()
	n.CloseDate = dealStart.Add(time.Hour)
	_, _, err = deal.New(p, n, c)
	require.NoError(t, err)
}

func TestNewDealAndItsEvent(t *testing.T) {
	p := deal.DefaultPipeline()
	n := validNewDeal()
	n.Stage = "negotiation"
	n.Team = []deal.Member{{Rep: "ana", Role: "owner", Split: bp(7000)}, {Rep: "ben", Split: bp(3000), Overlay: bp(1000)}}
	d, e, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: "importer", At: dealStart}})
	require.NoError(t, err)
	assert.NotEqual(t, uuid.Nil, d.ID, "a new ID")
	assert.Equal(t, 2, d.Stage)
	assert.Equal(t, deal.Open, d.Status)
	assert.Equal(t, int64(1), d.Version)
	assert.Equal(t, "default", d.PipelineID)
	assert.Equal(t, deal.EventDealCreated, e.Type)
	assert.Equal(t, deal.DealKind, e.AggregateKind)
	assert.Equal(t, "importer", e.Actor)
	var pl deal.DealCreatedPayload
	require.NoError(t, e.DecodePayload(&pl))
	assert.Equal(t, "default", pl.Pipeline)
	assert.Equal(t, d.ID, pl.ID)
	assert.Equal(t, "negotiation", pl.Stage)

	n.Team[0].Split = decimal.Zero // the caller's slice is not the deal's
	assert.True(t, bp(7000).Equal(d.Team[0].Split))
}

// bp is n basis points as a share: bp(2550) is 0.255.
func bp(n int64) decimal.Decimal { return decimal.New(n, -4) }

func TestRevenueAndOverlayCredits(t *testing.T) {
	d := deal.Deal{Owner: "ana", Amount: crmkit.MustMoney("100.00", "EUR"), Team: []deal.Member{
		{Rep: "ana", Split: bp(3333)}, {Rep: "ben", Split: bp(3333)}, {Rep: "cai", Split: bp(3334), Overlay: bp(2000)},
	}}
	credits, err := d.RevenueCredits()
	require.NoError(t, err)
	want := []string{"33.33 EUR", "33.33 EUR", "33.34 EUR"}
	for i, c := range credits {
		assert.Equal(t, want[i], c.Amount.String())
	}
	// 0.10 EUR: exact shares 3.333, 3.333, 3.334 cents; the left-over cent
	// goes to the largest remainder (the third).
	d.Amount = crmkit.MustMoney("0.10", "EUR")
	credits, err = d.RevenueCredits()
	require.NoError(t, err)
	assert.Equal(t, []int64{3, 3, 4}, []int64{credits[0].Amount.Minor(), credits[1].Amount.Minor(), credits[2].Amount.Minor()})

	d.Amount = crmkit.MustMoney("1000.00", "EUR")
	over, err := d.OverlayCredits()
	require.NoError(t, err)
	require.Len(t, over, 1)
	assert.Equal(t, "cai", over[0].Rep)
	assert.Equal(t, "200.00 EUR", over[0].Amount.String())

	solo := deal.Deal{Owner: "ana", Amount: crmkit.MustMoney("5.00", "EUR")}
	credits, err = solo.RevenueCredits()
	require.NoError(t, err)
	assert.Equal(t, []deal.Credit{{Rep: "ana", Share: decimal.NewFromInt(1), Amount: crmkit.MustMoney("5.00", "EUR")}}, credits)
}

func TestRevenueCreditsSumExactly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		owner := rapid.SampledFrom(dealtest.Reps()).Draw(t, "owner")
		team := dealtest.Team(owner).Draw(t, "team")
		amount, _ := crmkit.NewMoney(rapid.Int64Range(0, 1<<50).Draw(t, "amount"), crmkit.MustCurrency("EUR"))
		d := deal.Deal{Owner: owner, Amount: amount, Team: team}
		credits, err := d.RevenueCredits()
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for i, c := range credits {
			sum += c.Amount.Minor()
			if c.Amount.Sign() < 0 {
				t.Fatalf("negative credit %s", c.Amount)
			}
			// Within one minor unit of the exact share amount*split/10000.
			exact := decimal.NewFromInt(amount.Minor()).Mul(c.Share)
			if exact.Sub(decimal.NewFromInt(c.Amount.Minor())).Abs().GreaterThanOrEqual(decimal.NewFromInt(1)) {
				t.Fatalf("credit %d: %d far from exact %s", i, c.Amount.Minor(), exact)
			}
		}
		if sum != amount.Minor() {
			t.Fatalf("credits sum to %d, amount %d", sum, amount.Minor())
		}
	})
}

func TestTransferKeepsSplitsWhole(t *testing.T) {
	p, d := fixture(t)
	d, _, err := d.SetTeam([]deal.Member{{Rep: "ana", Role: "owner", Split: bp(6000)}, {Rep: "ben", Role: "presales", Split: bp(4000), Overlay: bp(500)}}, by("ana", 1))
	require.NoError(t, err)

	got, e, err := d.Transfer("cai", by("lead", 2))
	require.NoError(t, err)
	assert.Equal(t, "cai", got.Owner)
	assert.Equal(t, []deal.Member{{Rep: "cai", Role: "owner", Split: bp(6000)}, {Rep: "ben", Role: "presales", Split: bp(4000), Overlay: bp(500)}}, got.Team)
	assert.Equal(t, deal.EventDealTransferred, e.Type)
	assert.Equal(t, "ana", e.From)
	assert.Equal(t, "cai", e.To)
	assert.Equal(t, "test", e.Reason)
	assert.Equal(t, "ana", d.Team[0].Rep, "the input is unchanged")

	// Handing over to a member merges the two.
	merged, _, err := d.Transfer("ben", by("lead", 2))
	require.NoError(t, err)
	assert.Equal(t, []deal.Member{{Rep: "ben", Role: "owner", Split: bp(10000), Overlay: bp(500)}}, merged.Team)

	_, _, err = d.Transfer("ana", by("lead", 2))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "to the current owner")
	_, _, err = d.Transfer("", by("lead", 2))
	require.ErrorIs(t, err, crmkit.ErrInvalid)

	won, _, err := p.Win(got, deal.Outcome{Summary: "ok"}, by("cai", 3))
	require.NoError(t, err)
	_, _, err = won.Transfer("ana", by("lead", 4))
	require.NoError(t, err, "a won deal may change hands (an account manager leaves)")
}

func TestSetTeamRejectsBadSplits(t *testing.T) {
	_, d := fixture(t)
	for name, team := range map[string][]deal.Member{
		"99.99%":       {{Rep: "ana", Split: bp(5000)}, {Rep: "ben", Split: bp(4999)}},
		"owner absent": {{Rep: "ben", Split: bp(10000)}},
		"empty rep":    {{Rep: "ana", Split: bp(5000)}, {Rep: "", Split: bp(5000)}},
	} {
		got, _, err := d.SetTeam(team, by("ana", 1))
		require.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Equal(t, deal.Deal{}, got)
	}
	cleared, _, err := d.SetTeam(nil, by("ana", 1))
	require.NoError(t, err, "an empty team gives the owner everything")
	assert.Empty(t, cleared.Team)
}

func TestAmountCloseDateProbability(t *testing.T) {
	p, d := fixture(t) // tracking, 0.1
	_, _, err := d.SetAmount(crmkit.MustMoney("-1.00", "EUR"), by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = d.SetAmount(crmkit.MustMoney("1.00", "USD"), by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, _, err = d.SetCloseDate(dealStart.AddDate(0, 0, 1), by("ana", 2))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "a close date before the day of the change")
	_, _, err = d.SetProbability(decimal.NewNullDecimal(decimal.RequireFromString("1.01")), by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid)

	d, _, err = d.SetAmount(crmkit.MustMoney("1000.00", "EUR"), by("ana", 1))
	require.NoError(t, err)
	w, err := d.WeightedAmount(p)
	require.NoError(t, err)
	assert.Equal(t, "100.00 EUR", w.String(), "10% of 1000.00")
	assert.Equal(t, deal.ForecastPipeline, d.ForecastIn(p))

	d, _, err = d.SetProbability(decimal.NewNullDecimal(decimal.RequireFromString("0.25")), by("ana", 1))
	require.NoError(t, err)
	w, err = d.WeightedAmount(p)
	require.NoError(t, err)
	assert.Equal(t, "250.00 EUR", w.String(), "the override wins")

	won, _, err := p.Win(d, deal.Outcome{Summary: "ok"}, by("ana", 2))
	require.NoError(t, err)
	assert.True(t, won.ProbabilityIn(p).Equal(decimal.NewFromInt(1)))
	assert.Equal(t, deal.ForecastClosed, won.ForecastIn(p))
	_, _, err = won.SetAmount(crmkit.MustMoney("5.00", "EUR"), by("ana", 3))
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition, "a won deal's amount is history")
}

func TestStuckAndVisits(t *testing.T) {
	p, d := fixture(t)
	d, _, err := p.Move(d, "bidding", by("ana", 0)) // expected 30 days
	require.NoError(t, err)
	assert.False(t, d.Stuck(p, dealStart.AddDate(0, 0, 30)))
	assert.True(t, d.Stuck(p, dealStart.AddDate(0, 0, 31)), "bidding longer than a month is stuck")

	d, _, err = p.Move(d, "negotiation", by("ana", 1))
	require.NoError(t, err)
	week := dealStart.AddDate(0, 0, 7) // a Monday
	for _, day := range []int{0, 2} {
		d, _, err = d.LogActivity(deal.Activity{Kind: deal.ActivityVisit, At: week.AddDate(0, 0, day)}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: week.AddDate(0, 0, 4)}})
		require.NoError(t, err)
	}
	d, _, err = d.LogActivity(deal.Activity{Kind: deal.ActivityCall, At: week.AddDate(0, 0, 4)}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: week.AddDate(0, 0, 4)}})
	require.NoError(t, err)
	breached, done, required := d.VisitsBreached(p, week, week.AddDate(0, 0, 7))
	assert.True(t, breached, "two visits in a negotiation week")
	assert.Equal(t, 2, done)
	assert.Equal(t, 3, required)

	_, _, err = d.LogActivity(deal.Activity{Kind: deal.ActivityVisit, Cost: crmkit.MustMoney("-5", "EUR")}, by("ana", 20))
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = d.LogActivity(deal.Activity{}, by("ana", 20))
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = d.LogActivity(deal.Activity{Kind: deal.ActivityVisit, At: dealStart.AddDate(0, 0, 30)}, by("ana", 20))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "an activity after the command")
}

func TestCloneIsDeep(t *testing.T) {
	_, d := fixture(t)
	d, _, err := d.SetTeam([]deal.Member{{Rep: "ana", Split: bp(10000)}}, by("ana", 1))
	require.NoError(t, err)
	d, _, err = d.LogActivity(deal.Activity{Kind: deal.ActivityCall}, by("ana", 1))
	require.NoError(t, err)
	c := d.Clone()
	c.Team[0].Rep = "zed"
	c.Activities[0].Kind = "zap"
	assert.Equal(t, "ana", d.Team[0].Rep)
	assert.Equal(t, deal.ActivityCall, d.Activities[0].Kind)
}

func TestTextForms(t *testing.T) {
	for _, s := range deal.Statuses() {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back deal.Status
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	b, err := deal.Status(0).MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "unset", string(b))
	_, err = deal.Status(6).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	for _, s := range []string{"new_business", "expansion", "renewal", "cross_sell"} {
		ty, err := deal.ParseDealType(s)
		require.NoError(t, err)
		assert.Equal(t, s, ty.String())
	}
	_, err = deal.ParseDealType("upsell")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = deal.ParseForecastCategory("maybe")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	_, d := fixture(t)
	b, err = json.Marshal(d)
	require.NoError(t, err)
	var back deal.Deal
	require.NoError(t, json.Unmarshal(b, &back))
	b2, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}
