package account_test

import (
	"context"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/looplab/fsm"
)

var (
	sinkContract account.Contract
	sinkStatus   account.ContractStatus
)

// BenchmarkContractMachine compares, in one run, (a) a bare looplab/fsm
// SetState + Event, (c) NextStatus, the compiled table every command runs
// on, and (d) the command Contract.Activate (checks, table, the changed
// contract and its event):
//
//	go test -run='^$' -bench='ContractMachine|ReplayContract' -benchmem ./account/
func BenchmarkContractMachine(b *testing.B) {
	ctx := context.Background()
	b.Run("a-looplab", func(b *testing.B) {
		f := fsm.NewFSM("signed", account.ContractEvents(), nil)
		b.ReportAllocs()
		for b.Loop() {
			f.SetState("signed")
			if err := f.Event(ctx, "activate"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("c-NextStatus", func(b *testing.B) {
		b.ReportAllocs()
		s, i := account.Draft, 0
		for b.Loop() {
			// Inputs vary, so the lookup cannot be folded away.
			s, _ = account.NextStatus(account.ContractStatus(i%8), account.ContractTrigger(i/8%6))
			i++
		}
		sinkStatus = s
	})
	c, _ := signed(b)
	b.Run("d-command", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, _, err := c.Activate(crmkit.Cmd{By: "ops", At: t0.AddDate(0, 0, 3)})
			if err != nil {
				b.Fatal(err)
			}
			sinkContract = n
		}
	})
}

// BenchmarkReplayContract rebuilds a contract from its seven events
// (drafted, approved, signed, activated, amended, completed, closed);
// ns/op divided by 7 is the cost per event.
func BenchmarkReplayContract(b *testing.B) {
	c, history := signed(b)
	at := t0.AddDate(0, 0, 3)
	step := func(n account.Contract, e crmkit.Event, err error) {
		if err != nil {
			b.Fatal(err)
		}
		c, history = n, append(history, e)
	}
	step(c.Activate(crmkit.Cmd{By: "ops", At: at}))
	step(c.Amend(t0.AddDate(0, 6, 0), t0.AddDate(1, 0, 0), eur("1200.00"), eur("0.00"), crmkit.Cmd{By: "rep-1", At: at}))
	step(c.Complete(crmkit.Cmd{By: "ops", At: at}))
	step(c.Close(crmkit.Cmd{By: "ops", At: at}))
	b.ReportAllocs()
	for b.Loop() {
		got, err := account.ReplayContract(history)
		if err != nil {
			b.Fatal(err)
		}
		sinkContract = got
	}
}

// signed returns a signed contract and its history so far.
func signed(b *testing.B) (account.Contract, []crmkit.Event) {
	c, e0, err := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), Title: "Support 2026", Start: t0, End: t0.AddDate(1, 0, 0),
		Monthly: eur("1000.00"), Value: eur("5000.00"),
	}, crmkit.Cmd{By: "rep-1", At: t0})
	if err != nil {
		b.Fatal(err)
	}
	c, e1, err := c.Approve(grant(b, c, t0.AddDate(0, 0, 1)), crmkit.Cmd{By: "rep-1", At: t0.AddDate(0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	c, e2, err := c.Sign(crmkit.Cmd{By: "rep-1", At: t0.AddDate(0, 0, 2)})
	if err != nil {
		b.Fatal(err)
	}
	return c, []crmkit.Event{e0, e1, e2}
}
