package account_test

import (
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/kpi"
)

// Scoring three customers with two bins per dimension.
func ExampleScoreRFM() {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC) }
	scores, err := account.ScoreRFM([]account.RFMInput{
		{Customer: "a", Last: day(1), Frequency: 1, Monetary: crmkit.MustMoney("20", "EUR")},
		{Customer: "b", Last: day(20), Frequency: 6, Monetary: crmkit.MustMoney("900", "EUR")},
		{Customer: "c", Last: day(28), Frequency: 1, Monetary: crmkit.MustMoney("35", "EUR")},
	}, account.RFMConfig{RecencyBins: 2, FrequencyBins: 2, MonetaryBins: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scores {
		fmt.Println(s.Customer, s.Code, s.Segment)
	}
	// Output:
	// a 111 lost
	// b 122 can't lose them
	// c 211 new customer
}

// A customer who bought 1,000 a month and now buys 100 is in decline and
// flagged as once big, now small.
func ExampleClassifier_Classify() {
	c, _ := account.NewClassifier(account.LifecycleRules{})
	var history []crmkit.Money
	for _, v := range []string{"1000", "1000", "1000", "1000", "1000", "1000", "100", "100", "100"} {
		history = append(history, crmkit.MustMoney(v, "EUR"))
	}
	a, _ := c.Classify(history)
	fmt.Println(a.Stage, a.FallenFromPeak)
	fmt.Println(a.Play())
	// Output:
	// decline true
	// find the reasons for the decline
}

// A contract is approved in three steps (review, approval, authorisation)
// through package deal's approval flow, then signed.
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
