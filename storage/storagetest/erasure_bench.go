package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
)

// personWithHistory stores a lead of a person with n events (its capture
// and n-1 touchpoints whose content names the person) in one Create.
func personWithHistory(b *testing.B, s storage.Store, n int) lead.Lead {
	b.Helper()
	ctx := context.Background()
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	who := lead.Person{Name: "Ada Lovelace", Email: "ada@analytical.example", Phone: "+44 20 7946 0958"}
	l, ev, err := lead.New(lead.Capture{Who: who, Source: lead.ChannelEmail, Owner: "ana"}, crmkit.Cmd{By: actor, At: at})
	if err != nil {
		b.Fatal(err)
	}
	events := []crmkit.Event{ev}
	for i := 1; i < n; i++ {
		tp := lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchForm, Content: fmt.Sprintf("mail %d to %s", i, who.Email),
			At: at.Add(time.Duration(i) * time.Second)}
		l, ev, err = l.RecordTouch(lead.Sources{}, tp, crmkit.Cmd{By: actor, At: tp.At, Reason: "sent to " + who.Name})
		if err != nil {
			b.Fatal(err)
		}
		events = append(events, ev)
	}
	if _, err := s.Leads().Create(ctx, l, "", events...); err != nil {
		b.Fatal(err)
	}
	return l
}

// BenchmarkErase measures erasure.Lead of a person whose lead has
// n events (every one of them holding the person's name and e-mail
// address, so every one is rewritten), beside reading that history once
// (EventLog.ByAggregate), in one run. Each iteration erases a fresh
// person, stored with the timer stopped.
func BenchmarkErase(b *testing.B, s storage.Store, n int) {
	ctx := context.Background()
	b.Run(fmt.Sprintf("read_history_%d", n), func(b *testing.B) {
		l := personWithHistory(b, s, n)
		b.ReportAllocs()
		for b.Loop() {
			k := 0
			for _, err := range s.Events().ByAggregate(ctx, l.ID) {
				if err != nil {
					b.Fatal(err)
				}
				k++
			}
			if k != n {
				b.Fatalf("%d events, want %d", k, n)
			}
		}
	})
	b.Run(fmt.Sprintf("erase_%d", n), func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			l := personWithHistory(b, s, n)
			b.StartTimer()
			if _, err := erasure.Lead(ctx, s, l.ID, crmkit.Cmd{By: actor, At: l.UpdatedAt.Add(time.Minute)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
