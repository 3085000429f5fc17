package deal_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/looplab/fsm"
)

// The stage-move figures of FSM.md, side by side in one run:
//
//	go test -run='^$' -bench='StageMove' -benchmem ./deal/
//
//	looplab-setstate  bare looplab/fsm: SetState + Event on one instance (a)
//	looplab-new       bare looplab/fsm: NewFSM + Event
//	bare-table        a bare [4][8]uint8 table lookup (b)
//	compiled-table    Pipeline.Next, the compiled runtime's table (c)
//	command           Pipeline.Move on the same runtime: checks, table, entry-rule guard, event and its ID (d)
//	command-gated     Pipeline.Move into a stage that needs an approval
func BenchmarkStageMove(b *testing.B) {
	ctx := context.Background()
	p := deal.DefaultPipeline()
	def := p.Definition()

	b.Run("looplab-setstate", func(b *testing.B) {
		f := fsm.NewFSM("open:bidding", def, nil)
		b.ReportAllocs()
		for b.Loop() {
			f.SetState("open:bidding")
			if err := f.Event(ctx, "move:negotiation"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("looplab-new", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f := fsm.NewFSM("open:bidding", def, nil)
			if err := f.Event(ctx, "move:negotiation"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare-table", func(b *testing.B) {
		// The default pipeline's open stages as a plain table: state =
		// stage, event = target stage, 0xFF illegal.
		var tbl [4][8]uint8
		for i := range tbl {
			for j := range tbl[i] {
				tbl[i][j] = 0xFF
			}
		}
		tbl[1][2], tbl[2][1] = 2, 1
		events := [2]uint8{2, 1}
		s := uint8(1)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			s = tbl[s&3][events[i]]
			i ^= 1
		}
		if s == 0xFF {
			b.Fatal("illegal")
		}
	})
	b.Run("compiled-table", func(b *testing.B) {
		trig := [2]deal.Trigger{deal.MoveTrigger(2), deal.MoveTrigger(1)}
		st, stage := deal.Open, 1
		ok := true
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			var o bool
			st, stage, o = p.Next(st, stage, trig[i])
			ok = ok && o
			i ^= 1
		}
		if !ok {
			b.Fatal("illegal")
		}
	})
	_, d := benchDeal(b, p)
	d, _, err := p.Move(d, "bidding", deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
	if err != nil {
		b.Fatal(err)
	}
	c := deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart.Add(time.Hour), Reason: "shortlisted"}}
	b.Run("command", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got, _, err := p.Move(d, "negotiation", c)
			if err != nil || got.Stage != 2 {
				b.Fatal(err)
			}
		}
	})
	neg, _, err := p.Move(d, "negotiation", c)
	if err != nil {
		b.Fatal(err)
	}
	req, _, err := approval.New(deal.StageSubject(d.ID, "closing"), []string{"manager"}, time.Time{}, crmkit.Cmd{By: "ana", At: dealStart})
	if err != nil {
		b.Fatal(err)
	}
	req, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "bea", At: dealStart.Add(time.Hour), Reason: "ok"}, Roles: []string{"manager"}})
	if err != nil {
		b.Fatal(err)
	}
	gated := deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart.Add(2 * time.Hour)}, Approval: &req}
	b.Run("command-gated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			got, _, err := p.Move(neg, "closing", gated)
			if err != nil || got.Stage != 3 {
				b.Fatal(err)
			}
		}
	})
}

func benchDeal(b testing.TB, p *deal.Pipeline) (deal.NewDeal, deal.Deal) {
	n := deal.NewDeal{
		Name: "bench", Type: deal.NewBusiness, Amount: crmkit.MustMoney("20000.00", "EUR"),
		CloseDate: dealStart.AddDate(0, 2, 0),
		AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"),
		ContactID: uuid.MustParse("0195f000-0000-7000-8000-0000000000cc"), Owner: "ana",
	}
	d, _, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
	if err != nil {
		b.Fatal(err)
	}
	return n, d
}

// benchHistory returns the interleaved histories of deals deals, ten
// events each: created, bidding, negotiation, suspend, reactivate,
// bidding, negotiation, transfer, lose, reopen. Deals take turns, so the
// stream interleaves like a store's event log.
func benchHistory(b *testing.B, p *deal.Pipeline, deals int) []crmkit.Event {
	n, _ := benchDeal(b, p)
	hist := make([][]crmkit.Event, deals)
	for k := range deals {
		n.ID = uuid.Must(uuid.NewV7())
		d, e, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
		if err != nil {
			b.Fatal(err)
		}
		h := make([]crmkit.Event, 1, 10)
		h[0] = e
		at := dealStart
		step := func(next deal.Deal, e crmkit.Event, err error) {
			if err != nil {
				b.Fatal(err)
			}
			d, h = next, append(h, e)
		}
		cmd := func() deal.Cmd {
			at = at.Add(24 * time.Hour)
			return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at, Reason: "r"}}
		}
		step(p.Move(d, "bidding", cmd()))
		step(p.Move(d, "negotiation", cmd()))
		step(p.Suspend(d, time.Time{}, cmd()))
		step(p.Reactivate(d, cmd()))
		step(p.Move(d, "bidding", cmd()))
		step(p.Move(d, "negotiation", cmd()))
		step(d.Transfer("ben", cmd()))
		step(p.Lose(d, deal.Outcome{Reason: deal.LossPrice, Summary: "too dear"}, cmd()))
		step(p.Reopen(d, cmd()))
		hist[k] = h
	}
	out := make([]crmkit.Event, 0, deals*10)
	for i := range 10 {
		for _, h := range hist {
			out = append(out, h[i])
		}
	}
	return out
}

// BenchmarkReplay replays one million events (100,000 deals, ten events
// each, interleaved) into deals through the compiled table:
//
//	go test -run='^$' -bench='Replay' -benchmem -benchtime=3x ./deal/
//
// ns/op is per million events; ns/event per event. Decoding the three JSON
// payloads per deal (creation, suspension, loss) dominates; see
// BenchmarkReplayStageMoves for the transitions alone.
func BenchmarkReplay(b *testing.B) {
	p := deal.DefaultPipeline()
	events := benchHistory(b, p, 100_000)
	b.Run(fmt.Sprintf("events=%d", len(events)), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			deals, err := p.ReplayAll(slices.Values(events))
			if err != nil || len(deals) != 100_000 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
	})
}

// BenchmarkReplayStageMoves is the transitions-only part of a replay: one
// deal moving back and forth between bidding and negotiation, event by
// event through Pipeline.Apply (no payloads to decode).
func BenchmarkReplayStageMoves(b *testing.B) {
	p := deal.DefaultPipeline()
	one := benchHistory(b, p, 1)
	d, err := p.Replay(one[:3]) // in negotiation
	if err != nil {
		b.Fatal(err)
	}
	moves := []crmkit.Event{one[5], one[6]} // negotiation -> bidding -> negotiation
	b.ReportAllocs()
	cur := d
	for b.Loop() {
		for _, e := range moves {
			e.Version, e.At = cur.Version+1, cur.UpdatedAt
			next, err := p.Apply(cur, e)
			if err != nil {
				b.Fatal(err)
			}
			cur = next
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2, "ns/event")
}

// BenchmarkHandover hands 100,000 deals of a leaving rep to three
// successors by capacity:
//
//	go test -run='^$' -bench='Handover' -benchmem -benchtime=3x ./deal/
func BenchmarkHandover(b *testing.B) {
	p := deal.DefaultPipeline()
	n, _ := benchDeal(b, p)
	deals := make([]deal.Deal, 100_000)
	for i := range deals {
		n.ID = uuid.Must(uuid.NewV7())
		n.AccountID = uuid.Must(uuid.NewV7())
		n.CloseDate = dealStart.AddDate(0, 0, i%365)
		d, _, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
		if err != nil {
			b.Fatal(err)
		}
		deals[i] = d
	}
	req := deal.HandoverRequest{From: "ana", Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "boss", At: dealStart.Add(time.Hour), Reason: "ana leaves"}},
		To: []deal.Successor{{Rep: "ben", Capacity: 50_000}, {Rep: "cai", Capacity: 30_000}, {Rep: "dee", Capacity: 20_000}}}
	for _, dry := range []bool{true, false} {
		req.DryRun = dry
		b.Run(fmt.Sprintf("deals=%d/dry-run=%t", len(deals), dry), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := deal.Handover(deals, req)
				if err != nil || len(res.Plan) != len(deals) {
					b.Fatal(err)
				}
			}
		})
	}
}
