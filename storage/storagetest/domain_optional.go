package storagetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// testOptionalBounds is StoredDomain's query half for the optional
// repositories a store has: campaigns with edge schedules and contracts
// with edge renewal dates are kept exactly when the storage.Validate
// functions accept them, and CampaignFilter.During and
// ContractFilter.RenewalFrom/RenewalTo with edge and far bounds select
// exactly what the filters' Match methods select from the canonical
// values.
func testOptionalBounds(t *testing.T, o Opener) {
	ctx := context.Background()
	hasCampaigns, hasContracts := true, true
	campaign0, campaignEv := makeCampaign(t, 0)
	contract, _ := makeContract(t, 0)
	rapid.Check(t, func(t *rapid.T) {
		s, err := o(freshTenant("bounds"))
		if err != nil {
			t.Fatalf("open tenant: %v", err)
		}
		ensureSuite(t, s)
		var campaigns []campaign.Campaign
		var contracts []account.Contract
		for i := range rapid.IntRange(1, 4).Draw(t, "writes") {
			if hasCampaigns {
				c := campaign0
				c.ID = crmkit.NewID()
				c.Schedule = crmkit.Period{Start: drawTime(t, "schedule start"), End: drawTime(t, "schedule end")}
				ev := campaignEv[0]
				ev.ID, ev.AggregateID = crmkit.NewID(), c.ID
				_, err := s.Campaigns().Create(ctx, c, "", ev)
				if ok := storage.ValidateCampaign(c) == nil; ok != (err == nil) {
					t.Fatalf("campaign %d: oracle %v, store %v", i, ok, err)
				}
				if err == nil {
					campaigns = append(campaigns, storage.Canonical(c))
				}
			}
			if hasContracts {
				c := contract
				c.ID = crmkit.NewID()
				c.Terms = slices.Clone(contract.Terms)
				c.Terms[0].Period = crmkit.Period{Start: drawTime(t, "term start"), End: drawTime(t, "term end")}
				c.Terms[0].RenewalDate = drawTime(t, "renewal")
				ev := crmkit.Event{ID: crmkit.NewID(), AggregateKind: account.ContractKind, AggregateID: c.ID, Type: account.EventContractApproved, Actor: actor, At: base, Version: c.Version}
				_, err := s.Contracts().Create(ctx, c, "", ev)
				if ok := storage.ValidateContract(c) == nil; ok != (err == nil) {
					t.Fatalf("contract %d: oracle %v, store %v", i, ok, err)
				}
				if err == nil {
					contracts = append(contracts, storage.Canonical(c))
				}
			}
		}
		if hasCampaigns {
			f := storage.CampaignFilter{During: crmkit.Period{Start: drawBound(t, "during start"), End: drawBound(t, "during end")}}
			var want []uuid.UUID
			for i := range campaigns {
				if f.Match(&campaigns[i]) {
					want = append(want, campaigns[i].ID)
				}
			}
			slices.SortFunc(want, compareID)
			got, err := collectAll(storage.All(ctx, s.Campaigns(), f, 0))
			checkSelected(t, "campaigns during "+f.During.String(), f.Validate(), want, got, err, func(c *campaign.Campaign) uuid.UUID { return c.ID })
		}
		if hasContracts {
			var f storage.ContractFilter
			if rapid.Bool().Draw(t, "renewal from set") {
				f.RenewalFrom = drawBound(t, "renewal from")
			}
			if rapid.Bool().Draw(t, "renewal to set") {
				f.RenewalTo = drawBound(t, "renewal to")
			}
			var (
				want  []uuid.UUID
				dates []time.Time
			)
			for i := range contracts {
				if f.Match(&contracts[i]) {
					want, dates = append(want, contracts[i].ID), append(dates, contracts[i].Current().RenewalDate)
				}
			}
			// A range lists in date order (storage.Repository.List).
			if !f.RenewalFrom.IsZero() || !f.RenewalTo.IsZero() {
				want = sortedByDate(want, dates)
			} else {
				slices.SortFunc(want, compareID)
			}
			got, err := collectAll(storage.All(ctx, s.Contracts(), f, 0))
			checkSelected(t, "contracts by renewal", f.Validate(), want, got, err, func(c *account.Contract) uuid.UUID { return c.ID })
		}
	})
}

// checkSelected compares a listing with the model: refused with
// crmkit.ErrInvalid when the filter is invalid, else the same IDs in the
// same order (want is in the List's order).
func checkSelected[T any](t *rapid.T, what string, invalid error, want []uuid.UUID, got []T, err error, id func(*T) uuid.UUID) {
	if invalid != nil {
		if root, rerr := rootOf(err); rerr != nil || root != crmkit.ErrInvalid {
			t.Fatalf("%s: invalid filter (%v), store: %v", what, invalid, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !equalCanon(want, ids(got, id)) {
		t.Fatalf("%s: want %v, got %v", what, want, ids(got, id))
	}
}
