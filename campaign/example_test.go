package campaign_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
)

// A campaign is created at version 1 with its creation event, approved
// under four eyes, run and completed with its actual cost; each command
// returns the next version and its event.
func Example() {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }
	c, e, err := campaign.New(campaign.Spec{
		Code: "SPRING", Name: "Spring webinar", Kind: "webinar",
		Budget:   crmkit.MustMoney("5000.00", "EUR"),
		Planned:  campaign.Targets{Leads: 200, Revenue: crmkit.MustMoney("80000.00", "EUR")},
		Schedule: crmkit.Period{Start: day(1), End: day(31)},
	}, crmkit.Cmd{By: "ana", At: day(1)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Version, e.Type, c.Status, c.Owner)
	c, _, _ = c.Submit(crmkit.Cmd{By: "ana", At: day(2)})
	if _, _, err := c.Approve(crmkit.Cmd{By: "ana", At: day(3)}); err != nil {
		fmt.Println("ana approves her own submission:", err != nil)
	}
	c, _, _ = c.Approve(crmkit.Cmd{By: "bo", At: day(3)})
	c, _, _ = c.Start(crmkit.Cmd{By: "ana", At: day(4)})
	c, e, err = c.Complete(crmkit.Cmd{By: "ana", At: day(31)}, crmkit.MustMoney("4800.00", "EUR"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Version, e.Type, e.From, "->", e.To, c.ActualCost)
	// Output:
	// 1 CampaignCreated planned ana
	// ana approves her own submission: true
	// 5 CampaignStatusChanged running -> completed 4800.00 EUR
}
