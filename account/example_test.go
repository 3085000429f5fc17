package account_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/kpi"
	"github.com/google/uuid"
)

// A group of two companies: the parent's roll-up includes the subsidiary.
func ExampleHierarchy_RollUp() {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	group, _, _ := account.New(account.NewAccount{Name: "Acme Group", Owner: "kam-1", Relations: account.Customer}, crmkit.Cmd{By: "rep", At: at})
	sub, _, _ := account.New(account.NewAccount{Name: "Acme Services", Owner: "kam-1", Relations: account.Customer | account.Partner}, crmkit.Cmd{By: "rep", At: at})
	sub.Parent = group.ID
	h, err := account.NewHierarchy([]account.Account{group, sub})
	if err != nil {
		fmt.Println(err)
		return
	}
	roll, _ := h.RollUp(crmkit.MustCurrency("EUR"), map[uuid.UUID]account.Figures{
		group.ID: {Revenue: crmkit.MustMoney("1000.00", "EUR"), Contracts: 1},
		sub.ID:   {Revenue: crmkit.MustMoney("250.50", "EUR"), Contracts: 2},
	})
	fmt.Println(roll[group.ID].Revenue, roll[group.ID].Contracts)
	fmt.Println(roll[sub.ID].Revenue, roll[sub.ID].Contracts)
	// Output:
	// 1250.50 EUR 3
	// 250.50 EUR 2
}

// A contract is approved in three steps (review, approval, authorisation)
// through package approval's flow, then signed.
func ExampleContract_Approve() {
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	c, _, _ := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), Title: "Maintenance", Start: at, End: at.AddDate(1, 0, 0),
		Monthly: crmkit.MustMoney("500.00", "EUR"),
	}, crmkit.Cmd{By: "rep", At: at})
	req, _, _ := approval.New(c.Subject(), account.ContractApprovalRoles(), time.Time{}, crmkit.Cmd{By: "rep", At: at})
	req, _, _ = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "lawyer", At: at, Reason: ""}, Roles: []string{"review"}})
	req, _, _ = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "manager", At: at, Reason: ""}, Roles: []string{"approval"}})
	req, _, _ = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "cfo", At: at, Reason: ""}, Roles: []string{"authorisation"}})
	c, e, err := c.Approve(req, crmkit.Cmd{By: "rep", At: at})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Type, e.From, "->", e.To)
	c, e, _ = c.Sign(crmkit.Cmd{By: "rep", At: at})
	fmt.Println(e.Type, c.Execution)

	// Revenue stays with package kpi: prepaid but undelivered is not revenue.
	r, _ := kpi.RecognisedRevenue(kpi.Order{Amount: crmkit.MustMoney("6000.00", "EUR"), Prepaid: crmkit.MustMoney("6000.00", "EUR")})
	fmt.Println(r)
	// Output:
	// ContractApproved draft -> approved
	// ContractSigned planning
	// 0.00 EUR
}

// An interaction recorded by the service desk an hour after the call: the
// event is the desk's, at the time of recording, while the interaction
// keeps its handler and the time of the call. Its ID and the event's come
// from the command's ID source (here a deterministic one, as in a replay).
func ExampleRecordInteraction() {
	call := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := crmkit.NewFakeClock(call.Add(time.Hour))
	ids, _ := crmkit.NewDeterministicIDs(clock, 1)
	i, e, err := account.RecordInteraction(account.Interaction{
		AccountID: crmkit.NewID(), Channel: "phone", Severity: account.Minor, Outcome: account.Pending,
		Who: "agent-1", At: call,
	}, crmkit.Cmd{By: "desk", At: clock.Now(), Reason: "hotline log", IDs: ids})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Type, e.Actor, e.At.Format(time.Kitchen), e.Reason)
	fmt.Println(i.Who, i.At.Format(time.Kitchen), i.ID == e.AggregateID)
	// Output:
	// InteractionRecorded desk 10:00AM hotline log
	// agent-1 9:00AM true
}
