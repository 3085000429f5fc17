package storagetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/account/accounttest"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// A store holds no domain rule of its own: it refuses exactly what the
// aggregate's Validate refuses. testDomainRules draws valid aggregates of
// every kind the store keeps (leads, deals, accounts, contracts,
// campaigns, commission plans, pipeline definitions, quotes, approval
// requests and interactions), breaks some of
// them with changes that stay inside the stored domain (short strings,
// times in range), and checks that Create refuses a value with an error
// matching crmkit.ErrInvalid, storing nothing, exactly when its Validate
// fails, and otherwise stores it as given; and the same for Save over a
// valid stored value, which a refused Save leaves as it was.

// rule is a change to an aggregate that may or may not break it.
type rule[T any] struct {
	name   string
	change func(*T)
}

// breakSome applies a drawn subset of rules to v.
func breakSome[T any](t *rapid.T, v *T, rules []rule[T]) {
	for i, r := range rules {
		if rapid.IntRange(0, len(rules)).Draw(t, fmt.Sprintf("apply %d %s", i, r.name)) == 0 {
			r.change(v)
		}
	}
}

// aggOps is what testDomainRules needs of one aggregate type.
type aggOps[T any] struct {
	kind     string
	id       func(*T) uuid.UUID
	version  func(*T) int64
	bump     func(T) T // a deep copy one version on
	validate func(T) error
	rules    []rule[T]
}

// events returns the history of a write of v over version from (0 for a
// create), which may be invalid: one event per version from from+1 to
// v's version (at least one event), for v's ID when it has one, else a
// fresh ID.
func (a *aggOps[T]) events(t *rapid.T, v *T, from int64) []crmkit.Event {
	id := a.id(v)
	if id == uuid.Nil {
		id = crmkit.NewID()
	}
	var out []crmkit.Event
	for ver := from + 1; ver <= max(a.version(v), from+1); ver++ {
		ev, err := crmkit.NewEvent(a.kind, id, "Written", actor, base, ver, nil)
		if err != nil {
			t.Fatalf("event: %v", err)
		}
		out = append(out, ev)
	}
	return out
}

// checkWrites writes v, valid, to repo with some of the rules applied,
// by Create or by Save over v, and checks that the store refuses the
// write with crmkit.ErrInvalid, keeping what it had, exactly when the
// written value's Validate fails, and otherwise keeps it as given.
func checkWrites[T, F any](t *rapid.T, ctx context.Context, repo storage.Repository[T, F], a aggOps[T], v T) {
	if err := a.validate(v); err != nil {
		t.Fatalf("the drawn %s is not valid: %v", a.kind, err)
	}
	var (
		next T
		err  error
		id   uuid.UUID
		had  any // what the store must hold under id after a refusal; nil for nothing
	)
	if rapid.Bool().Draw(t, "by save") {
		if _, err := repo.Create(ctx, v, "", a.events(t, &v, 0)...); err != nil {
			t.Fatalf("create the valid %s: %v", a.kind, err)
		}
		id, had = a.id(&v), canonOf(storage.Canonical(v))
		next = a.bump(v)
		breakSome(t, &next, a.rules)
		err = repo.Save(ctx, next, a.version(&v), a.events(t, &next, a.version(&v))...)
	} else {
		next = a.bump(v)
		breakSome(t, &next, a.rules)
		id = a.id(&next)
		var got T
		got, err = repo.Create(ctx, next, "", a.events(t, &next, 0)...)
		if err == nil && !equalCanon(storage.Canonical(next), got) {
			t.Fatalf("%s created as\n%+v\nnot as given\n%+v", a.kind, got, next)
		}
	}
	want := a.validate(next)
	switch {
	case want != nil && !errors.Is(err, crmkit.ErrInvalid):
		t.Fatalf("%s refused by Validate (%v), but the store gave %v", a.kind, want, err)
	case want == nil && err != nil:
		t.Fatalf("%s accepted by Validate, but the store refused it: %v", a.kind, err)
	}
	if id == uuid.Nil {
		return
	}
	stored, gerr := repo.Get(ctx, id)
	switch {
	case want == nil && gerr != nil:
		t.Fatalf("stored %s %s: Get: %v", a.kind, id, gerr)
	case want == nil && !equalCanon(storage.Canonical(next), stored):
		t.Fatalf("%s read back as\n%+v\nnot as given\n%+v", a.kind, stored, next)
	case want != nil && had == nil && !errors.Is(gerr, crmkit.ErrNotFound):
		t.Fatalf("refused %s %s: Get gave %v, want not found", a.kind, id, gerr)
	case want != nil && had != nil && (gerr != nil || !reflect.DeepEqual(had, canonOf(stored))):
		t.Fatalf("refused save of %s %s changed what was stored (%v):\n%+v", a.kind, id, gerr, stored)
	}
}

func testDomainRules(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "domain-rules")
	t.Run("Lead", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			l := leadtest.Lead().Draw(t, "lead")
			l.ID = crmkit.NewID()
			checkWrites(t, ctx, s.Leads(), leadOps, l)
		})
	})
	t.Run("Deal", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			p := dealtest.Pipeline().Draw(t, "pipeline")
			d := dealtest.Deal(p, base).Draw(t, "deal")
			at := base
			for _, c := range dealtest.Commands(p).Draw(t, "commands") {
				at = at.Add(c.Advance)
				if next, _, err := c.Run(p, d, at); err == nil {
					d = next
				}
			}
			d.ID, d.AccountID, d.ContactID = crmkit.NewID(), suiteAccount, suiteContact
			checkWrites(t, ctx, s.Deals(), dealOps, d)
		})
	})
	t.Run("Account", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			a := accounttest.Account().Draw(t, "account")
			a, _, _ = a.AddDepartment("IT", crmkit.Cmd{By: actor, At: base})
			if next, _, err := a.AddContact(account.Contact{Name: "Ann", Email: "ann@acme.example", Department: "IT", Role: account.User}, crmkit.Cmd{By: actor, At: base}); err == nil {
				a = next
			}
			a.ID = crmkit.NewID()
			checkWrites(t, ctx, s.Accounts(), accountOps, a)
		})
	})
	t.Run("Contract", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			c, _, err := account.NewContract(account.ContractSpec{
				AccountID: suiteAccount, Title: "Support", Start: base, End: base.AddDate(1, 0, 0),
				Monthly: eur("1000.00"), Value: eur("5000.00"),
			}, crmkit.Cmd{By: actor, At: base})
			if err != nil {
				t.Fatal(err)
			}
			if rapid.Bool().Draw(t, "amended") {
				c, _, _ = c.Amend(base.AddDate(0, 6, 0), base.AddDate(1, 0, 0), eur("1100.00"), eur("0.00"), crmkit.Cmd{By: actor, At: base})
			}
			checkWrites(t, ctx, s.Contracts(), contractOps, c)
		})
	})
	t.Run("Campaign", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			c, _, err := campaign.New(campaign.Spec{Code: "C-1", Name: "Webinar", Budget: eur("5000.00"),
				Planned:  campaign.Targets{Leads: 200, Revenue: eur("80000.00")},
				Schedule: crmkit.Period{Start: base, End: base.AddDate(0, 1, 0)}, Owner: "ana"}, crmkit.Cmd{By: actor, At: base})
			if err != nil {
				t.Fatal(err)
			}
			checkWrites(t, ctx, s.Campaigns(), campaignOps, c)
		})
	})
	t.Run("CommissionPlan", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			cp, _, err := quota.NewCommissionPlan(commissionTerms("AE", "EUR", "0.12"), crmkit.Cmd{By: actor, At: base})
			if err != nil {
				t.Fatal(err)
			}
			checkWrites(t, ctx, s.CommissionPlans(), commissionPlanOps, cp)
		})
	})
	t.Run("Pipeline", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			spec := deal.DefaultPipeline().Spec()
			spec.ID = "rules-" + crmkit.NewID().String()
			pipelineKeys.Store(deal.PipelineAggregateID(spec.ID), spec.ID)
			p, _, err := deal.DefinePipeline(spec, crmkit.Cmd{By: actor, At: base})
			if err != nil {
				t.Fatal(err)
			}
			checkWrites(t, ctx, storage.Repository[deal.PipelineSpec, storage.PipelineFilter](pipelineSpecs{s.Pipelines()}), pipelineOps, p.Spec())
		})
	})
	domainRulesServices(t, ctx, s)
}

var pipelineOps = aggOps[deal.PipelineSpec]{
	kind: deal.PipelineKind, id: storage.PipelineSpecID,
	version:  func(s *deal.PipelineSpec) int64 { return s.Version },
	bump:     func(s deal.PipelineSpec) deal.PipelineSpec { s = s.Clone(); s.Version++; return s },
	validate: deal.PipelineSpec.Validate, rules: pipelineRules,
}

// pipelineRules break a pipeline spec, or change it validly; a valid
// change keeps the spec normalized (as deal.NewPipeline keeps it), so
// that it is stored as given. The version is not among them: a spec
// outside the store is at version 0, storage.ValidatePipelineSpec asks
// for 1 or more (the BadInput checks of Pipelines).
var pipelineRules = []rule[deal.PipelineSpec]{
	{"probability above 1", func(s *deal.PipelineSpec) { s.Stages[1].Probability = decimal.RequireFromString("1.5") }},
	{"empty stage name", func(s *deal.PipelineSpec) { s.Stages[2].Name = "" }},
	{"duplicate stage", func(s *deal.PipelineSpec) { s.Stages[1].Name = "TRACKING" }},
	{"negative minimum", func(s *deal.PipelineSpec) { s.Stages[0].MinOpen = -1 }},
	{"reopen", func(s *deal.PipelineSpec) { s.AllowReopen = !s.AllowReopen }},
	{"renamed", func(s *deal.PipelineSpec) { s.Name = "Fleet 2" }},
	{"new probability", func(s *deal.PipelineSpec) { s.Stages[0].Probability = decimal.RequireFromString("0.2") }},
	{"backward", func(s *deal.PipelineSpec) { s.Stages[3].AllowBackward = !s.Stages[3].AllowBackward }},
	{"no stages", func(s *deal.PipelineSpec) { s.Stages = nil }}, // last: the others index stages
}

var commissionPlanOps = aggOps[quota.CommissionPlan]{
	kind: quota.CommissionPlanKind, id: func(cp *quota.CommissionPlan) uuid.UUID { return cp.ID },
	version:  func(cp *quota.CommissionPlan) int64 { return cp.Version },
	bump:     func(cp quota.CommissionPlan) quota.CommissionPlan { cp = cp.Clone(); cp.Version++; return cp },
	validate: quota.CommissionPlan.Validate, rules: commissionPlanRules,
}

// commissionPlanRules break a commission plan, or change it validly. A
// nil ID and a version below 1 are not among them: a CommissionPlan is
// also configuration used unstored, so its Validate does not ask for
// them; storage.ValidateCommissionPlan does (the BadInput checks of
// CommissionPlans).
var commissionPlanRules = []rule[quota.CommissionPlan]{
	{"no currency", func(cp *quota.CommissionPlan) { cp.Currency = crmkit.Currency{} }},
	{"unknown method", func(cp *quota.CommissionPlan) { cp.Method = 9 }},
	{"rate above 1", func(cp *quota.CommissionPlan) { cp.Tiers[2].Rate = decimal.RequireFromString("1.2") }},
	{"gap", func(cp *quota.CommissionPlan) { cp.Tiers[1].From = decimal.RequireFromString("0.6") }},
	{"closed top", func(cp *quota.CommissionPlan) {
		cp.Tiers[2].To = decimal.NewNullDecimal(decimal.RequireFromString("2"))
	}},
	{"retroactive", func(cp *quota.CommissionPlan) { cp.Method = quota.Retroactive }},
	{"renamed", func(cp *quota.CommissionPlan) { cp.Name = "AE 2027" }},
	{"cap", func(cp *quota.CommissionPlan) { cp.Cap = eur("9000.00") }},
	{"cap in dollars", func(cp *quota.CommissionPlan) { cp.Cap = crmkit.MustMoney("9000.00", "USD") }},
}

var leadOps = aggOps[lead.Lead]{
	kind: lead.LeadKind, id: leadID, version: func(l *lead.Lead) int64 { return l.Version },
	bump:     func(l lead.Lead) lead.Lead { l = l.Clone(); l.Version++; return l },
	validate: lead.Lead.Validate, rules: leadRules,
}

var dealOps = aggOps[deal.Deal]{
	kind: deal.DealKind, id: dealID, version: func(d *deal.Deal) int64 { return d.Version },
	bump:     func(d deal.Deal) deal.Deal { d = d.Clone(); d.Version++; return d },
	validate: deal.Deal.Validate, rules: dealRules,
}

var accountOps = aggOps[account.Account]{
	kind: account.AccountKind, id: func(a *account.Account) uuid.UUID { return a.ID },
	version:  func(a *account.Account) int64 { return a.Version },
	bump:     func(a account.Account) account.Account { a = a.Clone(); a.Version++; return a },
	validate: account.Account.Validate, rules: accountRules,
}

var contractOps = aggOps[account.Contract]{
	kind: account.ContractKind, id: func(c *account.Contract) uuid.UUID { return c.ID },
	version:  func(c *account.Contract) int64 { return c.Version },
	bump:     func(c account.Contract) account.Contract { c = c.Clone(); c.Version++; return c },
	validate: account.Contract.Validate, rules: contractRules,
}

var campaignOps = aggOps[campaign.Campaign]{
	kind: campaign.CampaignKind, id: func(c *campaign.Campaign) uuid.UUID { return c.ID },
	version:  func(c *campaign.Campaign) int64 { return c.Version },
	bump:     func(c campaign.Campaign) campaign.Campaign { c = c.Clone(); c.Version++; return c },
	validate: campaign.Campaign.Validate, rules: campaignRules,
}

var leadRules = []rule[lead.Lead]{
	{"nil id", func(l *lead.Lead) { l.ID = uuid.Nil }},
	{"version 0", func(l *lead.Lead) { l.Version = 0 }},
	{"zero stage", func(l *lead.Lead) { l.Stage = 0 }},
	{"unknown stage", func(l *lead.Lead) { l.Stage = 7 }},
	{"nurture", func(l *lead.Lead) { l.Stage = lead.StageNurture }},
	{"revisit", func(l *lead.Lead) { l.RevisitAt = base.AddDate(0, 2, 0) }},
	{"no source", func(l *lead.Lead) { l.Source = "" }},
	{"event kind", func(l *lead.Lead) { l.EventKind = lead.EventWebinar }},
	{"no identity", func(l *lead.Lead) { l.Who = lead.Person{} }},
	{"bad e-mail", func(l *lead.Lead) { l.Who.Email = "nobody" }},
	{"temperature", func(l *lead.Lead) { l.Temperature = 9 }},
	{"conversion", func(l *lead.Lead) { l.Conversion.ExistingAccount = true }},
	{"no creation", func(l *lead.Lead) { l.CreatedAt = time.Time{} }},
	{"bad touch", func(l *lead.Lead) {
		l.Journey = append(l.Journey, lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchForm})
	}},
	{"merged nil", func(l *lead.Lead) { l.MergedFrom = append(l.MergedFrom, uuid.Nil) }},
}

var dealRules = []rule[deal.Deal]{
	{"nil id", func(d *deal.Deal) { d.ID = uuid.Nil }},
	{"version 0", func(d *deal.Deal) { d.Version = 0 }},
	{"no name", func(d *deal.Deal) { d.Name = " " }},
	{"no type", func(d *deal.Deal) { d.Type = 0 }},
	{"negative amount", func(d *deal.Deal) { d.Amount = eur("-1.00") }},
	{"zero status", func(d *deal.Deal) { d.Status = 0 }},
	{"suspended", func(d *deal.Deal) { d.Status = deal.Suspended }},
	{"open", func(d *deal.Deal) { d.Status = deal.Open }},
	{"stage too high", func(d *deal.Deal) { d.Stage = deal.MaxStages }},
	{"percent", func(d *deal.Deal) { d.Probability = decimal.NewNullDecimal(decimal.NewFromInt(25)) }},
	{"owner outside the team", func(d *deal.Deal) { d.Owner = "stranger" }},
	{"half a team", func(d *deal.Deal) {
		d.Team = []deal.Member{{Rep: d.Owner, Split: decimal.RequireFromString("0.5")}}
	}},
	{"no author", func(d *deal.Deal) { d.CreatedBy = "" }},
	{"backwards", func(d *deal.Deal) { d.UpdatedAt = d.CreatedAt.Add(-time.Second) }},
	{"bad activity", func(d *deal.Deal) {
		d.Activities = append(d.Activities, deal.Activity{Kind: deal.ActivityCall, By: "ana"})
	}},
}

var accountRules = []rule[account.Account]{
	{"nil id", func(a *account.Account) { a.ID = uuid.Nil }},
	{"version 0", func(a *account.Account) { a.Version = 0 }},
	{"no name", func(a *account.Account) { a.Name = "" }},
	{"no owner", func(a *account.Account) { a.Owner = " " }},
	{"no relations", func(a *account.Account) { a.Relations = 0 }},
	{"own parent", func(a *account.Account) { a.Parent = a.ID }},
	{"department twice", func(a *account.Account) { a.Departments = append(a.Departments, "IT") }},
	{"duplicate contact", func(a *account.Account) {
		a.Contacts = append(a.Contacts, account.Contact{ID: crmkit.NewID(), Name: "Ann B.", Email: "ANN@acme.example", Role: account.User})
	}},
	{"no role", func(a *account.Account) {
		a.Contacts = append(a.Contacts, account.Contact{ID: crmkit.NewID(), Name: "Bob"})
	}},
}

var contractRules = []rule[account.Contract]{
	{"nil id", func(c *account.Contract) { c.ID = uuid.Nil }},
	{"version 0", func(c *account.Contract) { c.Version = 0 }},
	{"no title", func(c *account.Contract) { c.Title = "" }},
	{"zero status", func(c *account.Contract) { c.Status = 0 }},
	{"signed", func(c *account.Contract) { c.Status = account.Signed }},
	{"planning", func(c *account.Contract) { c.Execution = account.Planning }},
	{"approval", func(c *account.Contract) { c.ApprovalID = crmkit.NewID() }},
	{"terminated", func(c *account.Contract) { c.Status = account.Terminated }},
	{"no terms", func(c *account.Contract) { c.Terms = nil }},
	{"renewal first", func(c *account.Contract) {
		if len(c.Terms) > 0 {
			c.Terms[0].Kind = account.Renewal
		}
	}},
	{"two currencies", func(c *account.Contract) {
		if len(c.Terms) > 0 {
			c.Terms[0].Value = crmkit.MustMoney("1.00", "USD")
		}
	}},
}

var campaignRules = []rule[campaign.Campaign]{
	{"nil id", func(c *campaign.Campaign) { c.ID = uuid.Nil }},
	{"version 0", func(c *campaign.Campaign) { c.Version = 0 }},
	{"unknown status", func(c *campaign.Campaign) { c.Status = 42 }},
	{"no code", func(c *campaign.Campaign) { c.Code = "" }},
	{"negative budget", func(c *campaign.Campaign) { c.Budget = eur("-1.00") }},
	{"cost in dollars", func(c *campaign.Campaign) { c.ActualCost = crmkit.MustMoney("1.00", "USD") }},
	{"backwards", func(c *campaign.Campaign) { c.Schedule.End = c.Schedule.Start.Add(-time.Hour) }},
	{"own approval", func(c *campaign.Campaign) { c.SubmittedBy, c.ApprovedBy = "ana", "ana" }},
	{"submitted", func(c *campaign.Campaign) { c.Status, c.SubmittedBy = campaign.PendingApproval, "ana" }},
	{"approved", func(c *campaign.Campaign) { c.Status, c.ApprovedBy = campaign.Approved, "bo" }},
	{"completed", func(c *campaign.Campaign) { c.Status = campaign.Completed }},
	{"cost", func(c *campaign.Campaign) { c.ActualCost = eur("4800.00") }},
}
