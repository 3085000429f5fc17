package funnel_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
)

// A deal of the default pipeline, created with a close date and moved to
// bidding, read back through DealEvents against the same pipeline.
func ExampleDealEvents() {
	p := deal.DefaultPipeline()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	d, created, err := deal.New(p, deal.NewDeal{
		ID:   uuid.MustParse("0195f000-0000-7000-8000-000000000001"),
		Name: "Fleet renewal", Type: deal.Renewal, Amount: crmkit.MustMoney("120000.00", "EUR"),
		CloseDate: at.AddDate(0, 3, 0),
		AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"),
		ContactID: uuid.MustParse("0195f000-0000-7000-8000-0000000000cc"),
		Owner:     "ana",
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, moved, err := p.Move(d, "bidding", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.AddDate(0, 0, 7)}})
	if err != nil {
		fmt.Println(err)
		return
	}

	// funnel reads the pipeline itself: no conversion, no copy of the
	// stage model.
	r := funnel.DealEvents(p).Reader(slices.Values([]crmkit.Event{created, moved}))
	var open []funnel.Opportunity
	for o, err := range funnel.Replay(p, r.Records(), at.AddDate(0, 0, 10)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		open = append(open, o)
	}
	if err := r.Err(); err != nil {
		fmt.Println(err)
		return
	}
	o := open[0]
	fmt.Println(o.Status, p.StageName(o.Stage), o.Amount, o.Dims.Owner, "closes", o.CloseDate.Format(time.DateOnly))
	// Output:
	// open bidding 120000.00 EUR ana closes 2025-06-03
}
