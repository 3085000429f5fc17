package memory_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// A funnel report read from the store: the deals' current state through
// funnel.Source (a store that aggregates itself, PostgreSQL, would be
// asked to through funnel.Aggregator), and the stages actually entered from
// the deals' histories, streamed per deal through storage.HistoryStreamer.
func Example_reports() {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cmd := func(day int) deal.Cmd { return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.AddDate(0, 0, day)}} }
	store, _ := memory.New().Tenant("acme")
	acct, opened, _ := account.New(account.NewAccount{Name: "Globex", Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: "ana", At: at})
	acct, added, _ := acct.AddContact(account.Contact{Name: "Hank Scorpio", Email: "hank@globex.example", Role: account.DecisionMaker}, crmkit.Cmd{By: "ana", At: at})
	_, _ = store.Accounts().Create(ctx, acct, "", opened, added)

	p := deal.DefaultPipeline()
	for i, amount := range []string{"1000.00", "2500.00"} {
		d, created, _ := deal.New(p, deal.NewDeal{Name: fmt.Sprint("deal ", i), Type: deal.NewBusiness,
			Amount: crmkit.MustMoney(amount, "EUR"), AccountID: acct.ID, ContactID: acct.Contacts[0].ID,
			CloseDate: at.AddDate(0, 1, 0), Owner: "ana"}, cmd(0))
		d, _ = store.Deals().Create(ctx, d, "", created)
		if i == 1 { // straight from tracking to negotiation, skipping bidding
			moved, ev, err := p.Move(d, "negotiation", cmd(3))
			if err != nil {
				fmt.Println(err)
				return
			}
			_ = store.Deals().Save(ctx, moved, d.Version, ev)
		}
	}

	q := funnel.Query{AsOf: at.AddDate(0, 0, 10)}
	fromState, err := funnel.SummarizeSource(ctx, p, store, q)
	if err != nil {
		fmt.Println(err)
		return
	}
	var hs storage.HistoryStreamer = store
	var streamErr error
	reader := funnel.DealEvents(p).Reader(func(yield func(crmkit.Event) bool) {
		for e, err := range hs.Histories(ctx, deal.DealKind) {
			if err != nil {
				streamErr = err
				return
			}
			if !yield(e) {
				return
			}
		}
	})
	fromHistory, err := funnel.SummarizeRecords(p, reader.Records(), q)
	if err == nil {
		err = reader.Err()
	}
	if err == nil {
		err = streamErr
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, st := range fromState.Total.Stages {
		fmt.Printf("%-12s reached: %d by state, %d by history\n", st.Name, st.Reached, fromHistory.Total.Stages[i].Reached)
	}
	// Output:
	// tracking     reached: 2 by state, 2 by history
	// bidding      reached: 1 by state, 0 by history
	// negotiation  reached: 1 by state, 1 by history
	// closing      reached: 0 by state, 0 by history
}
