package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/shopspring/decimal"
)

// A pipeline is defined and stored, a deal created on version 1, the
// pipeline revised (tracking's probability 0.1 to 0.15): the deal still
// runs on version 1, which stays readable, and a deal cannot name a
// version that was never stored.
func ExamplePipelineRepository() {
	ctx := context.Background()
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	store, _ := memory.New().Tenant("acme")
	cmd := crmkit.Cmd{By: "ops", At: at}

	spec := deal.DefaultPipeline().Spec()
	spec.ID, spec.Name = "fleet", "Fleet sales"
	v1, defined, _ := deal.DefinePipeline(spec, cmd)
	acct, created, _ := account.New(account.NewAccount{Name: "Acme", Owner: "ana", Relations: account.Customer}, cmd)
	d, dealCreated, _ := deal.New(v1, deal.NewDeal{Name: "50 vans", Type: deal.NewBusiness,
		Amount: crmkit.MustMoney("90000.00", "EUR"), AccountID: acct.ID, Owner: "ana"}, deal.Cmd{Cmd: cmd})
	err := store.Update(ctx, func(tx storage.Tx) error {
		if _, err := tx.Pipelines().Create(ctx, v1, "", defined); err != nil {
			return err
		}
		if _, err := tx.Accounts().Create(ctx, acct, "", created); err != nil {
			return err
		}
		_, err := tx.Deals().Create(ctx, d, "", dealCreated)
		return err
	})
	fmt.Println("stored:", err)

	spec.Stages[0].Probability = decimal.RequireFromString("0.15")
	v2, revised, _ := v1.Revise(spec, crmkit.Cmd{By: "ops", At: at.AddDate(0, 1, 0)})
	fmt.Println("revised:", store.Pipelines().Save(ctx, v2, v1.Version(), revised))

	latest, _ := store.Pipelines().Get(ctx, "fleet")
	stored, _ := store.Deals().Get(ctx, d.ID)
	runsOn, _ := store.Pipelines().GetVersion(ctx, stored.PipelineID, stored.PipelineVersion)
	first, _ := runsOn.Stage(0)
	fmt.Println("latest version", latest.Version(), "; the deal runs on version", runsOn.Version(), "where tracking is", first.Probability)

	ghost, ghostCreated, _ := deal.New(v1, deal.NewDeal{Name: "ghost", Type: deal.NewBusiness,
		Amount: crmkit.MustMoney("1.00", "EUR"), AccountID: acct.ID, Owner: "ana"}, deal.Cmd{Cmd: cmd})
	ghost.PipelineVersion = 7
	_, err = store.Deals().Create(ctx, ghost, "", ghostCreated)
	var re *storage.ReferenceError
	if errors.As(err, &re) {
		fmt.Println("refused:", re.Ref.Field, "-", re.Reason)
	}
	// Output:
	// stored: <nil>
	// revised: <nil>
	// latest version 2 ; the deal runs on version 1 where tracking is 0.1
	// refused: pipeline_version - no version 7 of pipeline "fleet" stored in this tenant
}
