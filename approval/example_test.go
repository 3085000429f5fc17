package approval_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
)

// An approval chain of two roles: each step by a different person holding
// its role, never the requester.
func ExampleRequest() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r, _, _ := approval.New("reactivate deal D-42", []string{"manager", "director"}, at.Add(72*time.Hour), crmkit.Cmd{By: "rep-anna", At: at})
	boss := func(at time.Time) approval.Cmd {
		return approval.Cmd{Cmd: crmkit.Cmd{By: "boss", At: at}, Roles: []string{"manager", "director"}}
	}

	r, e, _ := r.Approve(boss(at.Add(time.Hour)))
	fmt.Println(e.Type, r.Status, r.Granted(at.Add(time.Hour)))
	_, _, err := r.Approve(boss(at.Add(2 * time.Hour)))
	fmt.Println("same person twice:", errors.Is(err, crmkit.ErrForbidden))

	r, e, _ = r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "cfo", At: at.Add(2 * time.Hour)}, Roles: []string{"director"}})
	fmt.Println(e.Type, r.Status, r.Granted(at.Add(2*time.Hour)))
	fmt.Println("after expiry:", r.Granted(at.Add(72*time.Hour)))

	// The command the approval guards checks it: the right subject, the
	// roles it needs, and not approved by who runs the command.
	fmt.Println(r.Check("reactivate deal D-42", []string{"manager"}, "rep-anna", at.Add(3*time.Hour)))
	err = r.Check("reactivate deal D-42", []string{"manager"}, "boss", at.Add(3*time.Hour))
	fmt.Println("approver runs the command:", errors.Is(err, crmkit.ErrForbidden))
	// Output:
	// ApprovalStepApproved pending false
	// same person twice: true
	// ApprovalGranted approved true
	// after expiry: false
	// <nil>
	// approver runs the command: true
}

// A request nobody decided in time is recorded as expired by a system
// job; the event carries ExpiresAt, not the time of the check, and its ID
// comes from the command's ID source (nil here: a UUIDv7 at that time).
func ExampleRequest_Expire() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	r, _, _ := approval.New("quote 42 v1", []string{"manager"}, at.Add(48*time.Hour), crmkit.Cmd{By: "rep-anna", At: at})
	check := at.Add(72 * time.Hour)
	fmt.Println(r.Status, "reads as", r.StatusAt(check))
	r, e, err := r.Expire(crmkit.Cmd{By: "nightly-job", At: check})
	fmt.Println(r.Status, e.Type, e.Actor, e.At.Sub(at), err)
	// Output:
	// pending reads as expired
	// expired ApprovalExpired nightly-job 48h0m0s <nil>
}
