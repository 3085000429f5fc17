package crmkit_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
)

// created is what every aggregate constructor returns, reduced to what the
// one aggregate contract promises: the value's ID and version, the
// creation event, and the value's own verdict on itself.
type created struct {
	id       uuid.UUID
	version  int64
	validate error
	event    crmkit.Event
	err      error
}

// TestPropertyConstructorsReturnVersion1AndTheirEvent: every aggregate
// constructor, on any valid input, returns version 1 of a valid value and
// its creation event: the domain package's kind and creation event type,
// the value's ID, version 1, the command's actor and time.
func TestPropertyConstructorsReturnVersion1AndTheirEvent(t *testing.T) {
	eur := crmkit.MustCurrency("EUR")
	rapid.Check(t, func(t *rapid.T) {
		at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rapid.Int64Range(0, 5*365*24).Draw(t, "hours")) * time.Hour)
		by := rapid.SampledFrom([]string{"ana", "bo", "system job"}).Draw(t, "by")
		name := rapid.StringMatching(`[A-Z][a-z]{1,12}`).Draw(t, "name")
		amount, err := crmkit.NewMoney(rapid.Int64Range(0, 1e9).Draw(t, "minor"), eur)
		if err != nil {
			t.Fatal(err)
		}
		cmd := crmkit.Cmd{By: by, At: at}

		type check struct {
			kind, typ string
			run       func() created
		}
		checks := map[string]check{
			"lead": {lead.LeadKind, lead.EventLeadCaptured, func() created {
				l, e, err := lead.New(lead.Capture{Who: lead.Person{Name: name}, Source: lead.ChannelReferral}, cmd)
				return created{l.ID, l.Version, l.Validate(), e, err}
			}},
			"deal": {deal.DealKind, deal.EventDealCreated, func() created {
				d, e, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: name, Type: deal.NewBusiness, Amount: amount,
					AccountID: crmkit.NewID(), Owner: by}, deal.Cmd{Cmd: crmkit.Cmd{By: by, At: at}})
				return created{d.ID, d.Version, d.Validate(), e, err}
			}},
			"quote": {quote.QuoteKind, quote.EventQuoteCreated, func() created {
				q, e, err := quote.New(crmkit.NewID(), eur, []quote.Line{{Product: name, Quantity: decimal.NewFromInt(2), UnitPrice: amount}}, at.AddDate(0, 1, 0), crmkit.Cmd{By: by, At: at})
				return created{q.ID, int64(q.Version), q.Validate(), e, err}
			}},
			"account": {account.AccountKind, account.EventAccountCreated, func() created {
				a, e, err := account.New(account.NewAccount{Name: name, Owner: by, Relations: account.Prospect}, crmkit.Cmd{By: by, At: at})
				return created{a.ID, a.Version, a.Validate(), e, err}
			}},
			"contract": {account.ContractKind, account.EventContractDrafted, func() created {
				c, e, err := account.NewContract(account.ContractSpec{AccountID: crmkit.NewID(), Title: name,
					Start: at, End: at.AddDate(1, 0, 0), Monthly: amount, Value: crmkit.MustMoney("0.00", "EUR")}, crmkit.Cmd{By: by, At: at})
				return created{c.ID, c.Version, c.Validate(), e, err}
			}},
			"plan": {quota.PlanKind, quota.EventPlanCreated, func() created {
				p, e, err := quota.NewPlan(quota.PlanSpec{Name: name, FiscalYear: at.Year(), Target: quota.Amount(amount),
					Rounding: crmkit.RoundHalfEven}, cmd)
				return created{p.ID, p.Version, p.Validate(), e, err}
			}},
			"campaign": {campaign.CampaignKind, campaign.EventCampaignCreated, func() created {
				c, e, err := campaign.New(campaign.Spec{Code: name, Name: name, Budget: amount}, cmd)
				return created{c.ID, c.Version, c.Validate(), e, err}
			}},
			"approval": {approval.ApprovalKind, approval.EventApprovalRequested, func() created {
				r, e, err := approval.New(name, []string{"manager"}, time.Time{}, crmkit.Cmd{By: by, At: at})
				return created{r.ID, r.Version, nil, e, err}
			}},
		}
		for agg, c := range checks {
			got := c.run()
			if got.err != nil {
				t.Fatalf("%s: %v", agg, got.err)
			}
			e := got.event
			want := fmt.Sprint(got.id, c.kind, c.typ, int64(1), int64(1), by, at, nil, nil)
			have := fmt.Sprint(e.AggregateID, e.AggregateKind, e.Type, e.Version, got.version, e.Actor, e.At, e.Validate(), got.validate)
			if have != want {
				t.Fatalf("%s: got %s, want %s", agg, have, want)
			}
			if got.id == uuid.Nil {
				t.Fatalf("%s: nil ID", agg)
			}
		}
	})
}
