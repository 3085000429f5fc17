package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// caseTimeout bounds every case of the hardening harness: a case that
// runs longer is reported as a hang.
const caseTimeout = 20 * time.Second

// guard runs fn and turns a panic into a failure and a run longer than
// caseTimeout into a hang failure.
func guard(t *testing.T, name string, fn func() error) error {
	t.Helper()
	type result struct {
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
			done <- r
		}()
		r.err = fn()
	}()
	select {
	case r := <-done:
		if r.panic != nil {
			t.Errorf("%s: panic: %v", name, r.panic)
			return fmt.Errorf("panic: %v", r.panic)
		}
		return r.err
	case <-time.After(caseTimeout):
		t.Errorf("%s: hangs (more than %s)", name, caseTimeout)
		return errors.New("hang")
	}
}

// assertRoot asserts that err matches exactly one root sentinel, want.
func assertRoot(t *testing.T, err, want error, name string) {
	t.Helper()
	root, rerr := rootOf(err)
	if rerr != nil {
		t.Errorf("%s: %v", name, rerr)
		return
	}
	assert.Equal(t, want, root, "%s: %v", name, err)
}

// testNilContext: a nil context is an error matching crmkit.ErrInvalid
// from every method of the store, of Update's tx and of the optional
// repositories, never a panic; nothing is written.
func testNilContext(t *testing.T, o Opener) {
	s := open(t, o, "acme")
	ctx := context.Background()
	var nilCtx context.Context // the input under test
	l, ev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)
	d, dev := newDeal(t, dealSpec{name: "Nil", owner: "ana", stage: "bidding"})
	seqErr := func(seq func(func(crmkit.Event, error) bool)) error {
		for _, err := range seq {
			if err != nil {
				return err
			}
		}
		return nil
	}
	calls := func(tx storage.Tx) map[string]func() error {
		return map[string]func() error{
			"lead get":     func() error { _, err := tx.Leads().Get(nilCtx, l.ID); return err },
			"lead list":    func() error { _, _, err := tx.Leads().List(nilCtx, storage.LeadFilter{}, storage.Page{}); return err },
			"lead create":  func() error { _, err := tx.Leads().Create(nilCtx, l, "", ev); return err },
			"lead save":    func() error { return tx.Leads().Save(nilCtx, l, 1, ev) },
			"deal get":     func() error { _, err := tx.Deals().Get(nilCtx, d.ID); return err },
			"deal list":    func() error { _, _, err := tx.Deals().List(nilCtx, storage.DealFilter{}, storage.Page{}); return err },
			"deal create":  func() error { _, err := tx.Deals().Create(nilCtx, d, "", dev); return err },
			"deal save":    func() error { return tx.Deals().Save(nilCtx, d, 1, dev) },
			"append":       func() error { return tx.Events().Append(nilCtx, ev) },
			"by aggregate": func() error { return seqErr(tx.Events().ByAggregate(nilCtx, l.ID)) },
			"between":      func() error { return seqErr(tx.Events().Between(nilCtx, everything)) },
			"all":          func() error { return seqErr2(storage.All(nilCtx, tx.Leads(), storage.LeadFilter{}, 0)) },
			"timeline":     func() error { return seqErr(storage.Timeline(nilCtx, tx, suiteAccount)) },
			"quote list": func() error {
				_, _, err := tx.Quotes().List(nilCtx, storage.QuoteFilter{}, storage.Page{})
				return err
			},
			"approval list": func() error {
				_, _, err := tx.Approvals().List(nilCtx, storage.ApprovalFilter{}, storage.Page{})
				return err
			},
			"interaction list": func() error {
				_, _, err := tx.Interactions().List(nilCtx, storage.InteractionFilter{}, storage.Page{})
				return err
			},
		}
	}
	for name, call := range calls(s) {
		assertRoot(t, guard(t, name, call), crmkit.ErrInvalid, name)
	}
	assertRoot(t, guard(t, "update", func() error {
		return s.Update(nilCtx, func(storage.Tx) error { return nil })
	}), crmkit.ErrInvalid, "update")
	err := s.Update(ctx, func(tx storage.Tx) error {
		for name, call := range calls(tx) {
			assertRoot(t, guard(t, "in update: "+name, call), crmkit.ErrInvalid, "in update: "+name)
		}
		return nil
	})
	require.NoError(t, err)
	assertEmpty(t, ctx, s)
}

// seqErr2 drains a Seq2 and returns its first error.
func seqErr2[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}

// testHardening is the storage half of issue 16, case by case: each
// bad input of the issue is refused with an error matching exactly one
// root sentinel (crmkit.ErrInvalid) and writes nothing, each edge value
// the domain holds is kept and given back equal, and far query bounds
// select what Match selects; no case panics or hangs. Backend-specific
// cases (zero values, closed pools, unreachable servers) are in each
// backend's own tests.
func testHardening(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	far := time.Date(586550, 1, 1, 0, 0, 0, 0, time.UTC) // PostgreSQL's driver wrapped it to 1995-12-14

	refused := map[string]func() error{
		"event time year 586550": func() error {
			return s.Events().Append(ctx, event(crmkit.NewID(), "LeadScored", far, 1))
		},
		"event time year -586550": func() error {
			return s.Events().Append(ctx, event(crmkit.NewID(), "LeadScored", time.Date(-586550, 1, 1, 0, 0, 0, 0, time.UTC), 1))
		},
		"lead time year 10000": func() error {
			l, ev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)
			l.BuyBy = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			_, err := s.Leads().Create(ctx, l, "", ev)
			return err
		},
		"lead time year 0": func() error {
			l, ev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)
			l.Journey[0].At = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
			_, err := s.Leads().Create(ctx, l, "", ev)
			return err
		},
		"deal close date year 586550": func() error {
			d, ev := newDeal(t, dealSpec{name: "Far", owner: "ana", stage: "bidding"})
			d.CloseDate = far
			_, err := s.Deals().Create(ctx, d, "", ev)
			return err
		},
		"deal probability exponent -10001": func() error {
			d, ev := newDeal(t, dealSpec{name: "Tiny", owner: "ana", stage: "bidding"})
			d.Probability = decimal.NewNullDecimal(decimal.New(1, -10_001))
			_, err := s.Deals().Create(ctx, d, "", ev)
			return err
		},
	}
	for name, payload := range map[string]string{
		"invalid utf-8": "\"\xff\"", "lone surrogate": `{"a":"\ud800"}`, "huge exponent": `1e1000000`,
		"tiny exponent": `1e-1000000`, "duplicate member": `{"a":1,"a":2}`, "nul escape": `"\u0000"`,
	} {
		refused["payload "+name] = func() error {
			e := event(crmkit.NewID(), "LeadScored", base, 1)
			e.Payload = json.RawMessage(payload)
			return s.Events().Append(ctx, e)
		}
		refused["payload "+name+" in a create"] = func() error {
			l, ev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)
			ev.Payload = json.RawMessage(payload)
			_, err := s.Leads().Create(ctx, l, "", ev)
			return err
		}
	}
	refused["a lead over MaxValueSize"] = func() error {
		l, ev := newLead("Ada", "ana", lead.StageMQL, lead.ChannelEmail)
		l.Journey = bigJourney(storage.MaxSliceLen)
		_, err := s.Leads().Create(ctx, l, "", ev)
		return err
	}
	refused["a batch over MaxEvents"] = func() error {
		return s.Events().Append(ctx, make([]crmkit.Event, storage.MaxEvents+1)...)
	}
	for name, call := range refused {
		assertRoot(t, guard(t, name, call), crmkit.ErrInvalid, name)
	}
	assertEmpty(t, ctx, s)

	// The tenant stays readable: nothing refused above is half-stored.
	_, err := collectAll(storage.All(ctx, s.Deals(), storage.DealFilter{}, 0))
	require.NoError(t, err, "every deal of the tenant reads back")

	// Edge values inside the domain come back as storage.Canonical gives
	// them: times at the edges, in odd zones, with nanoseconds; the
	// smallest probability a deal may carry (crmkit.MaxFractionPlaces).
	odd := time.FixedZone("+00:00:30", 30)
	d, dev := newDeal(t, dealSpec{name: "Edge", owner: "ana", stage: "bidding"})
	d.CloseDate = storage.MaxTime.Add(999).In(odd)
	d.CreatedAt = storage.MinTime.In(time.FixedZone("-14:00", -14*3600))
	d.Probability = decimal.NewNullDecimal(decimal.New(1, -crmkit.MaxFractionPlaces))
	dev.At = time.Date(2026, 3, 2, 9, 0, 0, 123_456_789, odd)
	dev.Payload = json.RawMessage(`{"n":1e999,"s":"\ud83d\ude00","m":-0}`)
	created, err := s.Deals().Create(ctx, d, "", dev)
	require.NoError(t, err)
	want := storage.Canonical(d)
	// By hand: the last microsecond of 9999 UTC, and 09:00:00.123456 at
	// +00:00:30 is 08:59:30.123456 UTC.
	assert.Equal(t, storage.MaxTime, want.CloseDate)
	assert.Equal(t, time.Date(2026, 3, 2, 8, 59, 30, 123_456_000, time.UTC), storage.CanonicalTime(dev.At))
	same(t, want, created, "create returns what is stored")
	got, err := s.Deals().Get(ctx, d.ID)
	require.NoError(t, err)
	same(t, want, got, "get returns what is stored")
	assert.True(t, got.Probability.Decimal.Equal(d.Probability.Decimal))
	evs := collect(t, s.Events().ByAggregate(ctx, d.ID))
	require.Len(t, evs, 1)
	same(t, storage.Canonical(dev), evs[0])

	// A large value within MaxValueSize (3,500 touchpoints of MaxTextLen
	// bytes: 14,336,000 bytes of text) is kept whole.
	big, bev := newLead("Big", "ana", lead.StageMQL, lead.ChannelEmail)
	big.Journey = bigJourney(3500)
	_, err = s.Leads().Create(ctx, big, "", bev)
	require.NoError(t, err)
	gotBig, err := s.Leads().Get(ctx, big.ID)
	require.NoError(t, err)
	same(t, storage.Canonical(big), gotBig)

	// Far bounds select what Match selects: the rows, not nothing.
	farPast, farFuture := time.Date(-586550, 1, 1, 0, 0, 0, 0, time.UTC), far
	evs = ownEvents(collect(t, s.Events().Between(ctx, crmkit.Period{Start: farPast, End: farFuture})))
	assert.Len(t, evs, 2, "a far-future Between bound: the edge deal's and the big lead's events")
	page, _, err := s.Deals().List(ctx, storage.DealFilter{CloseFrom: farPast, CloseTo: farFuture}, storage.Page{})
	require.NoError(t, err)
	assert.Len(t, page, 1, "far close-date bounds around a close date of MaxTime")
	page, _, err = s.Deals().List(ctx, storage.DealFilter{CloseFrom: storage.MaxTime.Add(1)}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, page, "a bound a nanosecond after the stored close date")
	page, _, err = s.Deals().List(ctx, storage.DealFilter{CloseFrom: storage.MaxTime.Add(-1), CloseTo: farFuture}, storage.Page{})
	require.NoError(t, err)
	assert.Len(t, page, 1, "a bound a nanosecond before the stored close date, up to a far-future one")
}

// bigJourney returns n touchpoints with a MaxTextLen note each.
func bigJourney(n int) []lead.Touchpoint {
	out := make([]lead.Touchpoint, n)
	note := strings.Repeat("n", storage.MaxTextLen)
	for i := range out {
		out[i] = lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchForm, At: base, Content: note}
	}
	return out
}

// collectAll drains a Seq2.
func collectAll[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
