package deal_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
)

// A deal moves through the default pipeline, is suspended, comes back with
// a manager's approval (it was paused too long for an automatic
// reactivation) and is won. Its events replay to the same deal.
func Example() {
	ctx := context.Background()
	p := deal.DefaultPipeline()
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	cmd := func(days int, reason string) deal.Cmd {
		return deal.Cmd{By: "ana", At: at.AddDate(0, 0, days), Reason: reason}
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

	step(p.Move(ctx, d, "bidding", cmd(7, "tender published")))
	step(p.Move(ctx, d, "negotiation", cmd(35, "shortlisted")))
	step(p.Suspend(ctx, d, time.Time{}, cmd(40, "budget freeze")))

	_, _, err := p.Reactivate(ctx, d, cmd(90, "budget released"))
	fmt.Println("without approval, forbidden:", errors.Is(err, crmkit.ErrForbidden))

	req, _, _ := deal.NewApprovalRequest(deal.ReactivationSubject(d.ID), "ana", []string{"manager"}, cmd(90, "").At, time.Time{})
	req, _, _ = req.Approve(deal.Approver{ID: "bea", Roles: []string{"manager"}}, cmd(90, "").At.Add(time.Hour), "go")
	c := cmd(91, "budget released")
	c.Approval = &req
	step(p.Reactivate(ctx, d, c))
	step(p.Win(ctx, d, deal.Outcome{Summary: "three-year renewal signed"}, cmd(100, "")))

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
