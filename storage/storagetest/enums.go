package storagetest

import (
	"context"
	"slices"
	"testing"

	"github.com/crmkit/crmkit/campaign"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
)

// enumCount is how many numbers past the last declared value of each
// enum the suite tries: they have no text form, so no store can keep them.
const enumCount = 2

// testEnums stores every value of every enum an aggregate holds (the
// unset zero included, and numbers that are not values), one value per
// aggregate: a value storage's Validate function accepts comes back equal
// and is found by the filters on its column; one it refuses is
// crmkit.ErrInvalid and writes nothing. Enums are stored as their text,
// so this is the test that a store keeps every text form.
func testEnums(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")

	// Leads: each stage, temperature and side, the last two cycling
	// beside the stages so that every value appears.
	stages := append([]lead.Stage{0}, lead.Stages()...)
	stages = append(stages, lead.StageDisqualified+1)
	byStage := map[lead.Stage][]uuid.UUID{}
	for i := range 7 + enumCount {
		l, ev := newLead("Ada", "ana", stages[i%len(stages)], lead.ChannelEmail)
		l.Temperature = lead.Temperature(i % (4 + enumCount))
		l.NurturedBy = lead.Side(i % (3 + enumCount))
		if store(t, "lead", storage.ValidateLead(l), func() error { _, err := s.Leads().Create(ctx, l, "", ev); return err },
			func() (any, error) { return s.Leads().Get(ctx, l.ID) }, l) {
			byStage[l.Stage] = append(byStage[l.Stage], l.ID)
		}
	}
	for _, st := range lead.Stages() {
		found := ids(all(t, s.Leads(), storage.LeadFilter{Stage: st}), func(l *lead.Lead) uuid.UUID { return l.ID })
		assert.ElementsMatch(t, byStage[st], found, "leads in stage %s", st)
	}

	// Deals: each status and type.
	byStatus := map[deal.Status][]uuid.UUID{}
	for i := range 6 + enumCount {
		d, ev := newDeal(t, dealSpec{name: "Fleet", owner: "ana", stage: "bidding", close: base.AddDate(0, 3, 0)})
		d.Status = deal.Status(i)
		d.Type = deal.DealType(i % (5 + enumCount))
		if store(t, "deal", storage.ValidateDeal(d), func() error { _, err := s.Deals().Create(ctx, d, "", ev); return err },
			func() (any, error) { return s.Deals().Get(ctx, d.ID) }, d) {
			byStatus[d.Status] = append(byStatus[d.Status], d.ID)
		}
	}
	for st := deal.Open; st.Valid(); st++ {
		found := ids(all(t, s.Deals(), storage.DealFilter{Status: st}), func(d *deal.Deal) uuid.UUID { return d.ID })
		assert.ElementsMatch(t, byStatus[st], found, "deals %s", st)
	}

	{
		as := s
		// Accounts: every set of relations, each contact role.
		byRel := map[account.Relation]uuid.UUID{}
		for i := range 16 + enumCount {
			a, ev := makeAccount(t, 0)
			a.Relations = account.Relation(i)
			a.Contacts[0].Role = account.ContactRole(i % (6 + enumCount))
			if store(t, "account", storage.ValidateAccount(a), func() error { _, err := as.Accounts().Create(ctx, a, "", ev...); return err },
				func() (any, error) { return as.Accounts().Get(ctx, a.ID) }, a) {
				byRel[a.Relations] = a.ID
			}
		}
		for _, r := range []account.Relation{account.Prospect, account.Customer, account.Partner, account.Competitor, account.Customer | account.Partner} {
			var want []uuid.UUID
			for has, id := range byRel {
				if has.Has(r) {
					want = append(want, id)
				}
			}
			found := ids(all(t, as.Accounts(), storage.AccountFilter{Relations: r}), func(a *account.Account) uuid.UUID { return a.ID })
			found = slices.DeleteFunc(found, suiteRecord)
			assert.ElementsMatch(t, want, found, "accounts with relations %s", r)
		}
	}

	{
		cs := s
		// Contracts: each status, execution and kind of terms.
		byStatus := map[account.ContractStatus][]uuid.UUID{}
		for i := range 8 + enumCount {
			c, ev := makeContract(t, 0)
			c.Status = account.ContractStatus(i)
			c.Execution = account.Execution(i % (4 + enumCount))
			c.Terms[0].Kind = account.TermsKind(i % (4 + enumCount))
			if store(t, "contract", storage.ValidateContract(c), func() error { _, err := cs.Contracts().Create(ctx, c, "", ev...); return err },
				func() (any, error) { return cs.Contracts().Get(ctx, c.ID) }, c) {
				byStatus[c.Status] = append(byStatus[c.Status], c.ID)
			}
		}
		for st := account.Draft; st.Valid(); st++ {
			found := ids(all(t, cs.Contracts(), storage.ContractFilter{Statuses: []account.ContractStatus{st}}), func(c *account.Contract) uuid.UUID { return c.ID })
			assert.ElementsMatch(t, byStatus[st], found, "contracts %s", st)
		}
	}

	{
		cs := s
		// Campaigns: each status (the zero status is a real one, planned).
		byStatus := map[campaign.Status][]uuid.UUID{}
		for i := range 6 + enumCount {
			c, ev := makeCampaign(t, 0)
			c.Status = campaign.Status(i)
			if store(t, "campaign", storage.ValidateCampaign(c), func() error { _, err := cs.Campaigns().Create(ctx, c, "", ev...); return err },
				func() (any, error) { return cs.Campaigns().Get(ctx, c.ID) }, c) {
				byStatus[c.Status] = append(byStatus[c.Status], c.ID)
			}
		}
		for st := campaign.Planned; st.Valid(); st++ {
			found := ids(all(t, cs.Campaigns(), storage.CampaignFilter{Statuses: []campaign.Status{st}}), func(c *campaign.Campaign) uuid.UUID { return c.ID })
			assert.ElementsMatch(t, byStatus[st], found, "campaigns %s", st)
		}
	}
	enumsServices(t, ctx, s)
}

// store creates v (the create function) and reports whether it was
// stored: when validation (storage's Validate function's result) refuses
// v the create must fail with crmkit.ErrInvalid and get must find
// nothing; otherwise it must succeed and get must give v back.
func store[T any](t *testing.T, what string, validation error, create func() error, get func() (any, error), v T) bool {
	t.Helper()
	err := create()
	if validation != nil {
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%s %+v: Validate refuses it (%v)", what, v, validation)
		_, err := get()
		assert.ErrorIs(t, err, crmkit.ErrNotFound, "a refused %s is not stored", what)
		return false
	}
	if !assert.NoError(t, err, "%s %+v", what, v) {
		return false
	}
	got, err := get()
	require.NoError(t, err)
	return same(t, any(v), got, "%s comes back equal", what)
}

// all returns every aggregate that f selects, or fails the test.
func all[T, F any](t *testing.T, r storage.Repository[T, F], f F) []T {
	t.Helper()
	out, err := collectAll(storage.All(context.Background(), r, f, 0))
	require.NoError(t, err)
	return slices.Clip(out)
}
