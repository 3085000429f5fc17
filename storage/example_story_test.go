package storage_test

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// Lead to cash with every record stored: a lead is captured and accepted
// as SQL, converted (lead, account, contact and deal in one Update), the
// deal won and its contract drafted; its rep leaves and hands the book
// over; the consistency check finds every reference resolved and every
// history replaying to its stored state.
func ExampleVerify() {
	ctx := context.Background()
	clock := crmkit.NewFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	cmd := func(by string) crmkit.Cmd { clock.Advance(time.Hour); return crmkit.Cmd{By: by, At: clock.Now()} }
	store, _ := memory.New().Tenant("acme")
	ladder, _ := lead.NewLadder()
	p := deal.DefaultPipeline()

	l, captured, _ := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Company: "Acme", Email: "ada@acme.example"},
		Source: lead.ChannelReferral, Owner: "cy"}, cmd("web"))
	l, accepted, _ := ladder.Fire(ctx, l, lead.Command{Cmd: cmd("cy"), Action: lead.ActionAccept})
	_, _ = store.Leads().Create(ctx, l, "", captured, accepted)
	c, err := storage.Convert(ctx, store, ladder, p, l.ID, storage.ConvertInput{ConvertInput: lead.ConvertInput{
		Cmd: cmd("cy"), Amount: crmkit.MustMoney("24000.00", "EUR")}})
	fmt.Println("converted:", err, c.Deal.Name)

	won, ev, _ := p.Win(c.Deal, deal.Outcome{Summary: "one-year licence"}, deal.Cmd{Cmd: cmd("cy")})
	fmt.Println("won:", store.Deals().Save(ctx, won, c.Deal.Version, ev))
	at := clock.Now()
	k, drafted, _ := account.NewContract(account.ContractSpec{AccountID: won.AccountID, DealID: won.ID, Title: "Licence",
		Start: at, End: at.AddDate(1, 0, 0), Monthly: crmkit.MustMoney("2000.00", "EUR"), Value: crmkit.MustMoney("0.00", "EUR")}, cmd("cy"))
	_, err = store.Contracts().Create(ctx, k, "", drafted)
	fmt.Println("contract:", err, k.Status)

	h, err := storage.Handover(ctx, store, deal.HandoverRequest{From: "cy", To: []deal.Successor{{Rep: "dee"}},
		IncludeClosed: true, Cmd: deal.Cmd{Cmd: cmd("boss")}})
	fmt.Println("handed over:", err, len(h.Deals.Deals), "deal,", len(h.Accounts), "account, to", h.Successors[0].Rep)

	v, err := storage.Verify(ctx, store, storage.VerifyOptions{Ladder: ladder})
	fmt.Println("checked:", err, v.Checked, "consistent:", v.OK())
	// Output:
	// converted: <nil> Acme - referral
	// won: <nil>
	// contract: <nil> draft
	// handed over: <nil> 1 deal, 1 account, to dee
	// checked: <nil> map[account:1 contract:1 deal:1 lead:1] consistent: true
}
