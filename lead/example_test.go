package lead_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
)

// A lead from a trade show jumps to the website, gets qualified, accepted
// by sales and converted into an account, a contact and an opportunity.
func Example() {
	ctx := context.Background()
	clock := crmkit.NewFakeClock(time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
	ladder, err := lead.NewLadder()
	if err != nil {
		panic(err)
	}

	l, ev, err := lead.New(lead.Capture{
		Who:       lead.Person{Name: "Ada Lovelace", Email: "ada@acme.example", Company: "Acme"},
		Source:    lead.ChannelEvent,
		EventKind: lead.EventTradeShow,
		Campaign:  "expo-2025",
		Owner:     "rep-7",
	}, crmkit.Cmd{By: "marketing", At: clock.Now()})
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Type, "->", l.Stage, l.Temperature)

	clock.Advance(24 * time.Hour)
	l, _, err = l.RecordTouch(lead.Sources{}, lead.Touchpoint{
		Channel: lead.ChannelInboundContent, Content: "pricing", Kind: lead.TouchVisit, At: clock.Now(),
	}, crmkit.Cmd{By: "web", At: clock.Now()})
	if err != nil {
		panic(err)
	}
	l, ev, _ = ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "marketing", Reason: "visited pricing", At: clock.Now()}, Action: lead.ActionQualify})
	fmt.Println(ev.Type, ev.From, "->", ev.To)

	// Only a nurtured lead can be recycled: this is ErrIllegalTransition.
	if _, _, err := ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "rep-7", Reason: "", At: clock.Now()}, Action: lead.ActionRecycle}); err != nil {
		fmt.Println("rejected:", err != nil)
	}

	clock.Advance(24 * time.Hour)
	l, _, _ = l.StateTimeframe(lead.TemperatureRules{}, clock.Now().AddDate(0, 0, 30), crmkit.Cmd{By: "rep-7", At: clock.Now()})
	l, ev, _ = ladder.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "rep-7", Reason: "wants a quote this month", At: clock.Now()}, Action: lead.ActionAccept})
	fmt.Println(ev.Type, ev.From, "->", ev.To, l.Temperature)

	c, err := ladder.Convert(ctx, l, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-7", At: clock.Now()}, Amount: crmkit.MustMoney("12000.00", "EUR")})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Event.Type, c.Lead.Stage, "version", c.Lead.Version)
	fmt.Println("opportunity:", c.Opportunity.Name, c.Opportunity.Amount, "owner", c.Opportunity.Owner)
	fmt.Println("account:", c.Account.Name, "journey:", len(c.Opportunity.Journey), "touches")

	_, err = ladder.Convert(ctx, c.Lead, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep-7", At: clock.Now()}})
	fmt.Println("convert twice:", err != nil)
	// Output:
	// LeadCaptured -> suspect cold
	// LeadQualified suspect -> mql
	// rejected: true
	// LeadAccepted mql -> sql warm
	// LeadConverted converted version 6
	// opportunity: Acme - expo-2025 12000.00 EUR owner rep-7
	// account: Acme journey: 1 touches
	// convert twice: true
}

// The ladder drawn from its one definition.
func ExampleLadder_Mermaid() {
	ladder, err := lead.NewLadder()
	if err != nil {
		panic(err)
	}
	fmt.Print(ladder.Mermaid())
	// Output:
	// stateDiagram-v2
	//     [*] --> suspect
	//     mql --> sql: accept
	//     mql --> disqualified: disqualify
	//     mql --> nurture: nurture
	//     nurture --> disqualified: disqualify
	//     nurture --> mql: recycle
	//     sql --> converted: convert
	//     sql --> disqualified: disqualify
	//     sql --> nurture: nurture
	//     suspect --> sql: accept
	//     suspect --> disqualified: disqualify
	//     suspect --> nurture: nurture
	//     suspect --> mql: qualify
}

// Bulk work uses the compiled table: no machine, no allocation.
func ExampleTable_Next() {
	ladder, err := lead.NewLadder()
	if err != nil {
		panic(err)
	}
	s := lead.StageSuspect
	for _, a := range []lead.Action{lead.ActionQualify, lead.ActionNurture, lead.ActionRecycle, lead.ActionConvert} {
		next, ok := ladder.Table().Next(s, a)
		fmt.Println(s, a, "->", next, ok)
		if ok {
			s = next
		}
	}
	// Output:
	// suspect qualify -> mql true
	// mql nurture -> nurture true
	// nurture recycle -> mql true
	// mql convert -> unset false
}

func ExampleTemperatureRules() {
	now := time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC)
	rules := lead.TemperatureRules{} // hot within 7 days, warm within 60
	for _, buyBy := range []time.Time{{}, now, now.AddDate(0, 0, 45), now.AddDate(0, 6, 0)} {
		t, _ := rules.Temperature(buyBy, now)
		fmt.Println(t)
	}
	// Output:
	// cold
	// hot
	// warm
	// cold
}
