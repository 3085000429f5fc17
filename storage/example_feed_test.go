package storage_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
)

// A consumer follows the change feed: each batch is handled in the
// Update that moves its position, so what the handler writes through tx
// (here: a follow-up lead for every referral) lands exactly once, and a
// handler that fails leaves the position where it was.
func ExampleFeed() {
	ctx := context.Background()
	clock := crmkit.NewFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store, _ := memory.New().Tenant("acme")
	feed, ok := storage.Store(store).(storage.Feed)
	fmt.Println("the store has a feed:", ok)
	_ = feed.Register(ctx, "follow-up", "") // from the feed's start

	for _, name := range []string{"Ada", "Grace"} {
		l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: name}, Source: lead.ChannelReferral}, crmkit.Cmd{By: "web", At: clock.Now()})
		_, _ = store.Leads().Create(ctx, l, "", ev)
	}

	handle := func(tx storage.Tx, events []crmkit.Event) error {
		for _, e := range events {
			if e.Type != lead.EventLeadCaptured || e.Actor == "feed" {
				continue
			}
			l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: "Thank the referrer"}, Source: lead.ChannelReferral}, crmkit.Cmd{By: "feed", At: clock.Now()})
			if err != nil {
				return err
			}
			if _, err := tx.Leads().Create(ctx, l, "follow-up-"+e.ID.String(), ev); err != nil {
				return err
			}
		}
		return nil
	}

	_, err := feed.Consume(ctx, "follow-up", 10, func(tx storage.Tx, events []crmkit.Event) error {
		return errors.New("search index down") // nothing written, position kept
	})
	fmt.Println("failed:", err)
	pos, _ := feed.Position(ctx, "follow-up")
	fmt.Println("position kept:", pos == "")

	n, err := feed.Consume(ctx, "follow-up", 10, handle)
	fmt.Println("handled", n, "events:", err)
	n, _ = feed.Consume(ctx, "follow-up", 10, handle) // the follow-ups' own events
	fmt.Println("then", n, "more")
	n, _ = feed.Consume(ctx, "follow-up", 10, handle)
	fmt.Println("then", n)

	all, _, _ := store.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	fmt.Println("leads:", len(all))
	// Output:
	// the store has a feed: true
	// failed: search index down
	// position kept: true
	// handled 2 events: <nil>
	// then 2 more
	// then 0
	// leads: 4
}

// Subscribe follows a feed until its context ends, at the handler's
// pace: a handler that keeps failing on one event parks it after
// Attempts tries and goes on.
func ExampleSubscribe() {
	ctx := context.Background()
	clock := crmkit.NewFakeClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	store, _ := memory.New().Tenant("acme")
	var feed storage.Feed = store
	_ = feed.Register(ctx, "webhook", "")
	for _, name := range []string{"Ada", "", "Grace"} {
		l, ev, _ := lead.New(lead.Capture{Who: lead.Person{Name: name, Email: "x@example.com"}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "web", At: clock.Now()})
		_, _ = store.Leads().Create(ctx, l, "", ev)
	}

	sub, stop := context.WithCancel(ctx)
	var sent []string
	done := make(chan error)
	go func() {
		done <- storage.Subscribe(sub, feed, storage.Subscription{Consumer: "webhook", Attempts: 2,
			Handler: func(tx storage.Tx, events []crmkit.Event) error {
				for _, e := range events {
					l, err := tx.Leads().Get(ctx, e.AggregateID)
					if err != nil {
						return err
					}
					if l.Who.Name == "" {
						return errors.New("the webhook refuses a lead without a name")
					}
				}
				for _, e := range events { // the external effect, after the checks
					l, _ := tx.Leads().Get(ctx, e.AggregateID)
					sent = append(sent, l.Who.Name)
				}
				return nil
			}})
	}()
	for { // caught up?
		pos, _ := feed.Position(ctx, "webhook")
		head, _ := feed.Head(ctx)
		if pos == head {
			break
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	fmt.Println("stopped:", errors.Is(<-done, context.Canceled))
	fmt.Println("sent:", sent)
	parked, _ := feed.Parked(ctx, "webhook")
	for _, p := range parked {
		fmt.Println("parked:", p.Event.Type, "-", p.Reason)
		_ = feed.Unpark(ctx, "webhook", p.Event.ID, nil) // clear it
	}
	parked, _ = feed.Parked(ctx, "webhook")
	fmt.Println("parked now:", len(parked))
	// Output:
	// stopped: true
	// sent: [Ada Grace]
	// parked: LeadCaptured - the webhook refuses a lead without a name
	// parked now: 0
}
