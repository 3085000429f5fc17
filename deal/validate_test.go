package deal_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/crmkit/crmkit/internal/clonetest"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Every deal New and the commands make is valid, and its Clone is deep:
// Validate holds the invariants the commands keep, no stricter.
func TestEveryDealTheCommandsMakeIsValid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := dealtest.Pipeline().Draw(t, "pipeline")
		d := dealtest.Deal(p, dealStart).Draw(t, "deal")
		if err := d.Validate(); err != nil {
			t.Fatalf("new deal: %v", err)
		}
		at := dealStart
		for i, c := range dealtest.Commands(p).Draw(t, "commands") {
			at = at.Add(c.Advance)
			next, _, err := c.Run(p, d, at)
			if err != nil {
				continue
			}
			if err := next.Validate(); err != nil {
				t.Fatalf("command %d %s made an invalid deal: %v", i, c, err)
			}
			if err := clonetest.Check(next, deal.Deal.Clone); err != nil {
				t.Fatalf("after command %d %s: %v", i, c, err)
			}
			d = next
		}
	})
}

// validDeal is a won deal with a team and an activity, built by the
// commands.
func validDeal(t *testing.T) deal.Deal {
	t.Helper()
	p := deal.DefaultPipeline()
	d, _, err := deal.New(p, deal.NewDeal{
		Name: "Fleet", Type: deal.NewBusiness, Amount: crmkit.MustMoney("1000.00", "EUR"),
		AccountID: uuid.MustParse("01900000-0000-7000-8000-0000000000a1"), Owner: "ana",
		Team: []deal.Member{{Rep: "ana", Split: dec("0.6")}, {Rep: "bo", Split: dec("0.4")}},
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0}})
	require.NoError(t, err)
	d, _, err = d.LogActivity(deal.Activity{Kind: deal.ActivityCall, Cost: crmkit.MustMoney("5.00", "EUR")}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: t0.Add(time.Hour)}})
	require.NoError(t, err)
	require.NoError(t, d.Validate())
	return d
}

func TestDealValidateNamesTheField(t *testing.T) {
	neg1 := crmkit.MustMoney("-1.00", "EUR")
	for _, tc := range []struct {
		field  string
		change func(*deal.Deal)
	}{
		{"id", func(d *deal.Deal) { d.ID = uuid.Nil }},
		{"version", func(d *deal.Deal) { d.Version = 0 }},
		{"pipeline", func(d *deal.Deal) { d.PipelineID = " " }},
		{"name", func(d *deal.Deal) { d.Name = "" }},
		{"type", func(d *deal.Deal) { d.Type = 99 }},
		{"amount", func(d *deal.Deal) { d.Amount = neg1 }},
		{"amount", func(d *deal.Deal) { d.Amount = crmkit.Money{} }},
		{"account_id", func(d *deal.Deal) { d.AccountID = uuid.Nil }},
		{"owner", func(d *deal.Deal) { d.Owner = "" }},
		{"team", func(d *deal.Deal) { d.Team = d.Team[:1] }},                             // splits sum to 0.6
		{"team", func(d *deal.Deal) { d.Owner = "cy" }},                                  // owner not in the team
		{"team[1].rep", func(d *deal.Deal) { d.Team = append(d.Team[:1:1], d.Team[0]) }}, // ana twice
		{"stage", func(d *deal.Deal) { d.Stage = deal.MaxStages }},
		{"status", func(d *deal.Deal) { d.Status = 0 }},
		{"probability", func(d *deal.Deal) { d.Probability = decimal.NewNullDecimal(dec("25")) }},
		{"suspension", func(d *deal.Deal) { d.Status = deal.Suspended }},
		{"suspension", func(d *deal.Deal) { d.Suspension.Reason = "x" }},
		{"outcome", func(d *deal.Deal) { d.Status = deal.Open; d.Outcome.Reason = "price" }},
		{"outcome.at", func(d *deal.Deal) { d.Status = deal.Won; d.Outcome = deal.Outcome{Summary: "signed", By: "ana"} }},
		{"outcome.by", func(d *deal.Deal) { d.Status = deal.Terminated; d.Outcome = deal.Outcome{Reason: "fraud", At: t0} }},
		{"outcome.summary", func(d *deal.Deal) { d.Status = deal.Won; d.Outcome = deal.Outcome{At: t0, By: "ana"} }},
		{"outcome.reason", func(d *deal.Deal) { d.Status = deal.Terminated; d.Outcome = deal.Outcome{At: t0, By: "ana"} }},
		{"outcome.reason", func(d *deal.Deal) { d.Status = deal.Lost; d.Outcome = deal.Outcome{Summary: "gone", At: t0, By: "ana"} }},
		{"outcome.competitor", func(d *deal.Deal) {
			d.Status = deal.Lost
			d.Outcome = deal.Outcome{Reason: deal.LossCompetitor, Summary: "gone", At: t0, By: "ana"}
		}},
		{"reopens", func(d *deal.Deal) { d.Reopens = -1 }},
		{"activities[0].kind", func(d *deal.Deal) { d.Activities[0].Kind = "" }},
		{"activities[0].at", func(d *deal.Deal) { d.Activities[0].At = time.Time{} }},
		{"activities[0].by", func(d *deal.Deal) { d.Activities[0].By = "" }},
		{"activities[0].cost", func(d *deal.Deal) { d.Activities[0].Cost = neg1 }},
		{"activities[0].duration", func(d *deal.Deal) { d.Activities[0].Duration = -time.Second }},
		{"created_at", func(d *deal.Deal) { d.CreatedAt = time.Time{} }},
		{"created_by", func(d *deal.Deal) { d.CreatedBy = "" }},
		{"updated_at", func(d *deal.Deal) { d.UpdatedAt = d.CreatedAt.Add(-time.Nanosecond) }},
	} {
		d := validDeal(t).Clone()
		tc.change(&d)
		err := d.Validate()
		var ve *crmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.field) {
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, crmkit.ErrInvalid, tc.field)
		}
	}
	// Status-dependent parts are fine where the status allows them.
	d := validDeal(t)
	d.Status, d.Outcome = deal.Won, deal.Outcome{Summary: "signed", At: t0, By: "ana"}
	assert.NoError(t, d.Validate())
	d.Status, d.Outcome, d.Suspension = deal.Suspended, deal.Outcome{}, deal.Suspension{At: t0, By: "ana", Reason: "budget"}
	assert.NoError(t, d.Validate())
	d.Status, d.Suspension = deal.Lost, deal.Suspension{}
	d.Outcome = deal.Outcome{Reason: deal.LossCompetitor, Competitor: "Initech", Summary: "gone", At: t0, By: "ana"}
	assert.NoError(t, d.Validate())
	d.Status, d.Outcome = deal.Terminated, deal.Outcome{Reason: "fraud", At: t0, By: "ana"}
	assert.NoError(t, d.Validate())
}

// Zero values are invalid, not a panic, and clone to themselves.
func TestZeroDeal(t *testing.T) {
	assert.ErrorIs(t, deal.Deal{}.Validate(), crmkit.ErrInvalid)
	assert.Equal(t, deal.Deal{}, deal.Deal{}.Clone())
}
