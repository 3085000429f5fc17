package deal_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// A deal moves through the default pipeline, is suspended, comes back with
// a manager's approval (it was paused too long for an automatic
// reactivation) and is won. Its events replay to the same deal.
func Example() {
	p := deal.DefaultPipeline()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	cmd := func(days int, reason string) deal.Cmd {
		return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.AddDate(0, 0, days), Reason: reason}}
	}

	d, created, _ := deal.New(p, deal.NewDeal{
		ID:   uuid.MustParse("0195f000-0000-7000-8000-000000000001"),
		Name: "Fleet renewal", Type: deal.Renewal,
		Amount:    crmkit.MustMoney("120000.00", "EUR"),
		CloseDate: at.AddDate(0, 3, 0),
		AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"),
		ContactID: uuid.MustParse("0195f000-0000-7000-8000-0000000000cc"),
		Owner:     "ana",
	}, cmd(0, ""))
	history := []crmkit.Event{created}
	step := func(next deal.Deal, e crmkit.Event, err error) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		d, history = next, append(history, e)
		fmt.Printf("%-16s %s -> %s\n", e.Type, e.From, e.To)
	}

	step(p.Move(d, "bidding", cmd(7, "tender published")))
	step(p.Move(d, "negotiation", cmd(35, "shortlisted")))
	step(p.Suspend(d, time.Time{}, cmd(40, "budget freeze")))

	_, _, err := p.Reactivate(d, cmd(90, "budget released"))
	fmt.Println("without approval, forbidden:", errors.Is(err, crmkit.ErrForbidden))

	req, _, _ := approval.New(deal.ReactivationSubject(d.ID), []string{"manager"}, time.Time{}, crmkit.Cmd{By: "ana", At: cmd(90, "").At})
	req, _, _ = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "bea", At: cmd(90, "").At.Add(time.Hour), Reason: "go"}, Roles: []string{"manager"}})
	c := cmd(91, "budget released")
	c.Approval = &req
	step(p.Reactivate(d, c))
	step(p.Win(d, deal.Outcome{Summary: "three-year renewal signed"}, cmd(100, "")))

	replayed, _ := p.Replay(history)
	fmt.Println(d.Status, p.StageName(d.Stage), "version", d.Version, "replays:", replayed.Version == d.Version && replayed.Status == d.Status)
	// Output:
	// StageChanged     tracking -> bidding
	// StageChanged     bidding -> negotiation
	// DealSuspended    open -> suspended
	// without approval, forbidden: true
	// DealReactivated  suspended -> open
	// DealWon          open -> won
	// won negotiation version 6 replays: true
}

// A leaving rep's deals go to two successors by capacity, closest to
// closing first: each deal goes to the successor it fills least, (load+1)
// / capacity, ties to the first (ben 1/2 < cai 1/1; then 2/2 = 1/1, ben;
// then ben is full). The dry run shows the plan and whom to tell before
// anything changes.
func ExampleHandover() {
	p := deal.DefaultPipeline()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	var deals []deal.Deal
	for i, closeIn := range []int{60, 10, 30} {
		d, _, err := deal.New(p, deal.NewDeal{
			ID:   uuid.MustParse(fmt.Sprintf("0195f000-0000-7000-8000-00000000000%d", i+1)),
			Name: fmt.Sprintf("deal %d", i+1), Type: deal.NewBusiness,
			Amount: crmkit.MustMoney("1000.00", "EUR"), CloseDate: at.AddDate(0, 0, closeIn),
			AccountID: uuid.MustParse(fmt.Sprintf("0195f000-0000-7000-8000-0000000000a%d", i+1)),
			ContactID: uuid.MustParse(fmt.Sprintf("0195f000-0000-7000-8000-0000000000c%d", i+1)),
			Owner:     "ana",
		}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
		if err != nil {
			fmt.Println(err)
			return
		}
		deals = append(deals, d)
	}
	preview, err := deal.Handover(deals, deal.HandoverRequest{
		From: "ana", To: []deal.Successor{{Rep: "ben", Capacity: 2}, {Rep: "cai", Capacity: 1}},
		Cmd:    deal.Cmd{Cmd: crmkit.Cmd{By: "supervisor", At: at.AddDate(0, 0, 1), Reason: "ana leaves"}},
		DryRun: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range preview.Plan {
		fmt.Printf("%s closes %s -> %s (visit: %t)\n", a.Name, a.CloseDate.Format(time.DateOnly), a.To, a.Visit)
	}
	for _, n := range preview.Notices {
		fmt.Printf("tell contact ...%s: %s takes over\n", n.ContactID.String()[34:], n.NewOwner)
	}
	fmt.Println("changed:", len(preview.Deals))
	// Output:
	// deal 2 closes 2025-03-13 -> ben (visit: true)
	// deal 3 closes 2025-04-02 -> ben (visit: true)
	// deal 1 closes 2025-05-02 -> cai (visit: false)
	// tell contact ...c2: ben takes over
	// tell contact ...c3: ben takes over
	// tell contact ...c1: cai takes over
	// changed: 0
}
