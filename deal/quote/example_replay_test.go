package quote_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// A sent quote runs out: a system job records the expiry, and the event
// carries ValidUntil, not the time of the check. Replay rebuilds the quote
// from its events. Every ID comes from the commands' ID source, so the
// same commands under a DeterministicIDs source give the same bytes.
func ExampleReplay() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dealID := uuid.MustParse("01900000-0000-7000-8000-00000000000a")
	run := func() []crmkit.Event {
		ids, err := crmkit.NewDeterministicIDs(crmkit.NewFakeClock(at), 7)
		if err != nil {
			panic(err)
		}
		cmd := func(by string, hours int) crmkit.Cmd {
			return crmkit.Cmd{By: by, At: at.Add(time.Duration(hours) * time.Hour), IDs: ids}
		}
		lines := []quote.Line{{Product: "crm-seat", Quantity: decimal.NewFromInt(10), UnitPrice: crmkit.MustMoney("39.90", "EUR")}}
		policy := quote.DefaultApprovalPolicy() // no discount: no approval needed
		q, created, _ := quote.New(dealID, crmkit.MustCurrency("EUR"), lines, at.AddDate(0, 0, 14), cmd("rep-anna", 0))
		q, approved, _ := q.Submit(policy, cmd("rep-anna", 1))
		q, sent, _ := q.Send(policy, cmd("rep-anna", 2))
		_, expired, _ := q.Expire(cmd("nightly-job", 30*24))
		return []crmkit.Event{created, approved, sent, expired}
	}
	events := run()
	q, err := quote.Replay(events)
	fmt.Println(q.Status, q.Seq, err)
	last := events[len(events)-1]
	fmt.Println(last.Type, last.Actor, last.At.Format(time.DateOnly))
	a, _ := json.Marshal(events)
	b, _ := json.Marshal(run())
	fmt.Println("same bytes:", string(a) == string(b))
	// Output:
	// expired 4 <nil>
	// QuoteExpired nightly-job 2026-03-16
	// same bytes: true
}
