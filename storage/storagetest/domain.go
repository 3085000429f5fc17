package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The stored domain (see storage.MinTime): rapid generators of edge
// values, the oracle every backend is held to (the storage.Validate
// functions decide; a value they accept is kept as storage.Canonical
// gives it), and the checks of testStoredDomain and Agree.

// zones are the time zones edge times are drawn in: one with an offset
// of seconds, which RFC 3339 (so JSON) cannot write, and the extremes.
var zones = []*time.Location{
	time.UTC, time.FixedZone("+00:00:30", 30), time.FixedZone("-14:00", -14*3600),
	time.FixedZone("+14:00", 14*3600), time.FixedZone("-00:19:32", -(19*60 + 32)),
}

// drawTime draws a time at or beyond the edges of the stored domain,
// most often inside it (a case holds several times, and one outside
// refuses the whole case).
func drawTime(t *rapid.T, label string) time.Time {
	var tm time.Time
	if rapid.IntRange(0, 9).Draw(t, label+" outside") == 0 {
		tm = rapid.SampledFrom([]time.Time{
			storage.MaxTime.Add(time.Microsecond),
			storage.MinTime.Add(-time.Nanosecond),         // would be kept as the zero time
			time.Date(586550, 1, 1, 0, 0, 0, 0, time.UTC), // the driver wraps it to 1995
			time.Date(-586550, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), // JSON cannot write it
			time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC),
		}).Draw(t, label+" edge outside")
	} else {
		switch rapid.IntRange(0, 3).Draw(t, label+" kind") {
		case 0:
			tm = rapid.SampledFrom([]time.Time{
				{}, storage.MinTime, storage.MaxTime, storage.MaxTime.Add(999), // kept truncated
			}).Draw(t, label+" edge inside")
		case 1:
			tm = base.Add(time.Duration(rapid.Int64Range(-1e15, 1e15).Draw(t, label+" offset")))
		default: // anywhere in the domain, any nanosecond
			sec := rapid.Int64Range(storage.MinTime.Unix()+1, storage.MaxTime.Unix()).Draw(t, label+" unix")
			tm = time.Unix(sec, rapid.Int64Range(0, 999_999_999).Draw(t, label+" nanos"))
		}
	}
	return tm.In(rapid.SampledFrom(zones).Draw(t, label+" zone"))
}

// drawBound draws a query bound: an edge time, or one far outside the
// domain (the far-future bounds, which PostgreSQL's driver
// wrapped).
func drawBound(t *rapid.T, label string) time.Time {
	switch rapid.IntRange(0, 3).Draw(t, label+" kind") {
	case 0:
		return rapid.SampledFrom([]time.Time{
			time.Date(-1_000_000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(586550, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(1_000_000, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}.Add(-time.Nanosecond),
		}).Draw(t, label+" far")
	case 1:
		return time.Date(rapid.IntRange(-1_000_000, 1_000_000).Draw(t, label+" year"), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return drawTime(t, label)
}

// drawDecimal draws a decimal, sometimes near and beyond
// MaxDecimalDigits.
func drawDecimal(t *rapid.T, label string) decimal.Decimal {
	exp := rapid.Int32Range(-30, 30).Draw(t, label+" exponent")
	if rapid.IntRange(0, 4).Draw(t, label+" edge") == 0 {
		exp = rapid.SampledFrom([]int32{-10_001, -4001, -1000, -999, -998, 998, 999, 1000, 1 << 20, -1 << 20}).Draw(t, label+" edge exponent")
	}
	return decimal.New(rapid.Int64().Draw(t, label+" coefficient"), exp)
}

// drawText draws a string at and beyond the text rules, most often
// within them.
func drawText(t *rapid.T, label string) string {
	if rapid.IntRange(0, 9).Draw(t, label+" outside") == 0 {
		return rapid.SampledFrom([]string{
			"a\x00b", "Acme \xff", "\xed\xa0\x80", // a UTF-8-encoded surrogate
			strings.Repeat("x", storage.MaxTextLen+1),
		}).Draw(t, label+" edge outside")
	}
	return rapid.OneOf(
		rapid.SampledFrom([]string{
			"", "Ada", "Ünïcødé ✓ 😀", strings.Repeat("x", storage.MaxTextLen),
			strings.Repeat("é", storage.MaxTextLen/2), `"\u0000"`,
		}),
		rapid.StringMatching(`[a-zA-Z0-9 _\-\pL]{0,20}`),
	).Draw(t, label)
}

// edgePayloads are payloads at and beyond the rules of
// storage.ValidatePayload.
var edgePayloads = []string{
	``, `{}`, `null`, `{"a":[1,2.50,"x"],"b":{"c":null}}`, `1e999`, `-0`, `1E-999`,
	`{"emoji":"\ud83d\ude00"}`, `"\\ud800"`, `{"a":1,"b":{"a":2}}`,
	"\"\xff\"", `"\ud800"`, `"\udc00"`, `{"a":"\u0000"}`, `1e1000000`, `1e-1000000`,
	strings.Repeat("9", 1001), `{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `{"a":`, `1 2`,
	strings.Repeat("[", storage.MaxPayloadDepth) + strings.Repeat("]", storage.MaxPayloadDepth),
	strings.Repeat("[", storage.MaxPayloadDepth+1) + strings.Repeat("]", storage.MaxPayloadDepth+1),
}

// drawPayload draws an event payload.
func drawPayload(t *rapid.T, label string) json.RawMessage {
	if rapid.IntRange(0, 3).Draw(t, label+" edge") > 0 {
		v := map[string]any{
			drawText(t, label+" key"): drawText(t, label+" text"),
			"n":                       json.Number(drawDecimal(t, label+" number").String()),
		}
		b, err := json.Marshal(v)
		if err != nil {
			return json.RawMessage(`{}`)
		}
		return b
	}
	return json.RawMessage(rapid.SampledFrom(edgePayloads).Draw(t, label+" edge"))
}

// edgeCase is one write of the edge property: a lead or a deal, with
// one event.
type edgeCase struct {
	lead  *lead.Lead
	deal  *deal.Deal
	event crmkit.Event
}

// drawCase draws a lead or (from template) a deal with edge values.
func drawCase(t *rapid.T, template deal.Deal) edgeCase {
	var c edgeCase
	ev := crmkit.Event{
		ID: crmkit.NewID(), Actor: actor, Version: 1,
		At: drawTime(t, "event at"), Payload: drawPayload(t, "payload"), Reason: drawText(t, "reason"),
	}
	if rapid.Bool().Draw(t, "deal") {
		d := template.Clone()
		d.ID = crmkit.NewID()
		d.Name = drawText(t, "deal name")
		d.CloseDate = drawTime(t, "close date")
		d.CreatedAt = drawTime(t, "deal created")
		d.UpdatedAt = d.CreatedAt // a deal changes at or after its creation
		if rapid.Bool().Draw(t, "probability") {
			d.Probability = decimal.NewNullDecimal(drawDecimal(t, "probability"))
		} else {
			d.Probability = decimal.NullDecimal{}
		}
		ev.AggregateKind, ev.AggregateID, ev.Type = deal.DealKind, d.ID, "DealCreated"
		c.deal = &d
	} else {
		l, _ := newLead(drawText(t, "name"), "ana", lead.StageMQL, lead.ChannelEmail)
		// A lead enters its stage and changes at or after its creation.
		l.CreatedAt = drawTime(t, "created")
		l.UpdatedAt = notBefore(drawTime(t, "updated"), l.CreatedAt)
		l.StageAt, l.BuyBy = notBefore(drawTime(t, "stage at"), l.CreatedAt), drawTime(t, "buy by")
		l.Journey[0].At = drawTime(t, "touch at")
		l.Who.Attributes["note"] = drawText(t, "note")
		ev.AggregateKind, ev.AggregateID, ev.Type = lead.LeadKind, l.ID, lead.EventLeadCaptured
		c.lead = &l
	}
	c.event = ev
	return c
}

// notBefore returns t, or floor when t is before it.
func notBefore(t, floor time.Time) time.Time {
	if t.Before(floor) {
		return floor
	}
	return t
}

// accepted is the oracle: whether every store must accept c.
func (c edgeCase) accepted() bool {
	if storage.ValidateEvents([]crmkit.Event{c.event}) != nil {
		return false
	}
	if c.deal != nil {
		return storage.ValidateDeal(*c.deal) == nil
	}
	return storage.ValidateLead(*c.lead) == nil
}

// id is the ID of c's aggregate.
func (c edgeCase) id() uuid.UUID {
	if c.deal != nil {
		return c.deal.ID
	}
	return c.lead.ID
}

// outcome is what a store did with an edge case, in a form two stores
// can be compared by: the root sentinel of its refusal, or the content
// it gives back (canon of the value and of its events).
type outcome struct {
	Refused string
	Created any
	Got     any
	Events  any
}

// rootSentinels are crmkit's root sentinels.
var rootSentinels = crmkit.Sentinels()

// rootOf returns the one root sentinel err matches, or an error saying
// why there is not exactly one.
func rootOf(err error) (error, error) {
	var found []error
	for _, s := range rootSentinels {
		if errors.Is(err, s) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("error %q matches %d root sentinels %v, not one", err, len(found), found)
	}
	return found[0], nil
}

// apply writes c to s and reads it back. A panic is returned as an
// error.
func (c edgeCase) apply(ctx context.Context, s storage.Store) (out outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var werr error
	if c.deal != nil {
		var got deal.Deal
		got, werr = s.Deals().Create(ctx, *c.deal, "", c.event)
		if werr == nil {
			out.Created = canonOf(got)
		}
	} else {
		var got lead.Lead
		got, werr = s.Leads().Create(ctx, *c.lead, "", c.event)
		if werr == nil {
			out.Created = canonOf(got)
		}
	}
	if werr != nil {
		root, rerr := rootOf(werr)
		if rerr != nil {
			return out, rerr
		}
		out.Refused = root.Error()
	}
	var gerr error
	if c.deal != nil {
		var got deal.Deal
		if got, gerr = s.Deals().Get(ctx, c.deal.ID); gerr == nil {
			out.Got = canonOf(got)
		}
	} else {
		var got lead.Lead
		if got, gerr = s.Leads().Get(ctx, c.lead.ID); gerr == nil {
			out.Got = canonOf(got)
		}
	}
	if gerr != nil && !errors.Is(gerr, crmkit.ErrNotFound) {
		return out, fmt.Errorf("get after create: %w", gerr)
	}
	var evs []crmkit.Event
	for e, err := range s.Events().ByAggregate(ctx, c.id()) {
		if err != nil {
			return out, fmt.Errorf("events after create: %w", err)
		}
		evs = append(evs, e)
	}
	out.Events = canonOf(evs)
	return out, nil
}

// want is the outcome the oracle gives for c.
func (c edgeCase) want() outcome {
	if !c.accepted() {
		return outcome{Refused: crmkit.ErrInvalid.Error(), Events: canonOf([]crmkit.Event(nil))}
	}
	var v any
	if c.deal != nil {
		v = canonOf(storage.Canonical(*c.deal))
	} else {
		v = canonOf(storage.Canonical(*c.lead))
	}
	return outcome{Created: v, Got: v, Events: canonOf([]crmkit.Event{storage.Canonical(c.event)})}
}

// tenantSeq names a fresh tenant for every run of a property.
var tenantSeq atomic.Int64

func freshTenant(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, tenantSeq.Add(1))
}

// queryOutcome lists s's deals with f and its events in p, as IDs (or
// the root sentinel of a refusal).
func queryOutcome(ctx context.Context, s storage.Store, f storage.DealFilter, p crmkit.Period) (deals, events any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var ds []uuid.UUID
	for d, lerr := range storage.All(ctx, s.Deals(), f, 0) {
		if lerr != nil {
			root, rerr := rootOf(lerr)
			if rerr != nil {
				return nil, nil, rerr
			}
			ds = nil
			deals = "refused: " + root.Error()
			break
		}
		ds = append(ds, d.ID)
	}
	if deals == nil {
		slices.SortFunc(ds, compareID)
		deals = canonOf(ds)
	}
	var es []uuid.UUID
	for e, eerr := range s.Events().Between(ctx, p) {
		if eerr != nil {
			root, rerr := rootOf(eerr)
			if rerr != nil {
				return nil, nil, rerr
			}
			return deals, "refused: " + root.Error(), nil
		}
		if !suiteRecord(e.AggregateID) {
			es = append(es, e.ID)
		}
	}
	return deals, canonOf(es), nil
}

// modelQuery is queryOutcome computed from the canonical forms of the
// accepted cases with the filters' own Match and Period.Contains.
func modelQuery(cases []edgeCase, f storage.DealFilter, p crmkit.Period) (deals, events any) {
	if err := f.Validate(); err != nil {
		deals = "refused: " + crmkit.ErrInvalid.Error()
	} else {
		var ds []uuid.UUID
		for _, c := range cases {
			if c.deal != nil && c.accepted() {
				d := storage.Canonical(*c.deal)
				if f.Match(&d) {
					ds = append(ds, d.ID)
				}
			}
		}
		slices.SortFunc(ds, compareID)
		deals = canonOf(ds)
	}
	if err := storage.ValidatePeriod(p); err != nil {
		return deals, "refused: " + crmkit.ErrInvalid.Error()
	}
	var es []crmkit.Event
	for _, c := range cases {
		if c.accepted() {
			if e := storage.Canonical(c.event); p.Contains(e.At) {
				es = append(es, e)
			}
		}
	}
	slices.SortFunc(es, func(a, b crmkit.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return compareID(a.ID, b.ID)
	})
	return deals, canonOf(eventIDs(es))
}

// drawQuery draws a deal filter on close dates and an event period, with
// edge bounds.
func drawQuery(t *rapid.T) (storage.DealFilter, crmkit.Period) {
	var f storage.DealFilter
	if rapid.Bool().Draw(t, "close from set") {
		f.CloseFrom = drawBound(t, "close from")
	}
	if rapid.Bool().Draw(t, "close to set") {
		f.CloseTo = drawBound(t, "close to")
	}
	return f, crmkit.Period{Start: drawBound(t, "between start"), End: drawBound(t, "between end")}
}

// testStoredDomain holds one backend to the oracle: random edge values
// are refused (crmkit.ErrInvalid, nothing written) exactly when the
// storage.Validate functions refuse them, and otherwise kept and given
// back as storage.Canonical gives them, by Get and by the event log;
// filters and periods with edge bounds select exactly what the filters'
// Match and Period.Contains select from the canonical values.
func testStoredDomain(t *testing.T, o Opener) {
	ctx := context.Background()
	template, _ := newDeal(t, dealSpec{name: "edge", owner: "ana", stage: "bidding"})
	rapid.Check(t, func(t *rapid.T) {
		s, err := o(freshTenant("edge"))
		if err != nil {
			t.Fatalf("open tenant: %v", err)
		}
		ensureSuite(t, s)
		var cases []edgeCase
		for i := range rapid.IntRange(1, 4).Draw(t, "writes") {
			c := drawCase(t, template)
			got, err := c.apply(ctx, s)
			if err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
			if want := c.want(); !equalCanon(want, got) {
				t.Fatalf("write %d (accepted by the oracle: %v):\nwant %+v\ngot  %+v", i, c.accepted(), want, got)
			}
			cases = append(cases, c)
		}
		for i := range 2 {
			f, p := drawQuery(t)
			deals, events, err := queryOutcome(ctx, s, f, p)
			if err != nil {
				t.Fatalf("query %d: %v", i, err)
			}
			wantDeals, wantEvents := modelQuery(cases, f, p)
			if !equalCanon(wantDeals, deals) || !equalCanon(wantEvents, events) {
				t.Fatalf("query %d %+v %s:\nwant deals %v events %v\ngot  deals %v events %v", i, f, p, wantDeals, wantEvents, deals, events)
			}
		}
	})
}

// Agree writes the same random edge values (times, decimals, strings,
// payloads at and beyond the stored domain's limits) and runs the same
// edge queries on two backends, and fails unless both refuse the same
// writes with the same root sentinel, give back the same content and
// select the same rows. Each backend's own Run holds it to the oracle;
// Agree is the direct comparison, for a new backend beside the memory
// store:
//
//	storagetest.Agree(t, memoryOpener(t), myOpener(t))
func Agree(t *testing.T, a, b Opener) {
	t.Helper()
	ctx := context.Background()
	template, _ := newDeal(t, dealSpec{name: "edge", owner: "ana", stage: "bidding"})
	rapid.Check(t, func(t *rapid.T) {
		tenant := freshTenant("agree")
		sa, err := a(tenant)
		if err != nil {
			t.Fatalf("open a: %v", err)
		}
		sb, err := b(tenant)
		if err != nil {
			t.Fatalf("open b: %v", err)
		}
		for i := range rapid.IntRange(1, 4).Draw(t, "writes") {
			c := drawCase(t, template)
			oa, erra := c.apply(ctx, sa)
			ob, errb := c.apply(ctx, sb)
			if erra != nil || errb != nil {
				t.Fatalf("write %d: a: %v, b: %v", i, erra, errb)
			}
			if !equalCanon(oa, ob) {
				t.Fatalf("write %d: the backends disagree:\na %+v\nb %+v", i, oa, ob)
			}
		}
		f, p := drawQuery(t)
		da, ea, erra := queryOutcome(ctx, sa, f, p)
		db, eb, errb := queryOutcome(ctx, sb, f, p)
		if erra != nil || errb != nil {
			t.Fatalf("query: a: %v, b: %v", erra, errb)
		}
		if !equalCanon(da, db) || !equalCanon(ea, eb) {
			t.Fatalf("query %+v %s: the backends disagree:\na deals %v events %v\nb deals %v events %v", f, p, da, ea, db, eb)
		}
	})
}

// Fuzz is the fuzz target of the stored domain for a backend: every
// input (a lead or a deal with one event, whose times, text, decimal and
// payload come from the fuzzer) is written to a fresh tenant of o and
// must be refused with crmkit.ErrInvalid exactly when the storage.Validate
// functions refuse it, and otherwise be kept and given back as
// storage.Canonical gives it. Its seed corpus (the edge cases of issue 16)
// runs as a test under go test:
//
//	func FuzzStoredValues(f *testing.F) { storagetest.Fuzz(f, opener) }
func Fuzz(f *testing.F, o Opener) {
	f.Helper()
	template, _ := newDeal(f, dealSpec{name: "fuzz", owner: "ana", stage: "bidding"})
	seeds := []struct {
		deal      bool
		sec, nsec int64
		zone      int32
		text      string
		coef      int64
		exp       int32
		payload   string
	}{
		{false, base.Unix(), 0, 0, "Ada", 125, -3, `{"a":1}`},
		{true, storage.MaxTime.Unix(), 999_999_999, 30, "Ünïcødé", 1, -10_001, `{}`},
		{true, time.Date(586550, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), 0, 0, "far", 5, -1, `null`},
		{false, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), 0, -14 * 3600, "year 10000", 0, 0, `1`},
		{false, storage.MinTime.Unix(), 999, 0, "Acme \xff", 1, 999, "\"\xff\""},
		{true, base.Unix(), 123_456_789, -(19*60 + 32), "a\x00b", 1, -999, `"\ud800"`},
		{false, base.Unix(), 1, 0, "x", 1, 0, `1e1000000`},
		{true, base.Unix(), 1, 0, "x", 1, 0, `{"a":1,"a":2}`},
	}
	for _, s := range seeds {
		f.Add(s.deal, s.sec, s.nsec, s.zone, s.text, s.coef, s.exp, []byte(s.payload))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, isDeal bool, sec, nsec int64, zone int32, text string, coef int64, exp int32, payload []byte) {
		tm := time.Unix(sec, nsec).In(time.FixedZone("fuzz", int(zone%(18*3600))))
		ev := crmkit.Event{ID: crmkit.NewID(), Actor: actor, Version: 1, At: tm, Payload: payload, Reason: text}
		var c edgeCase
		if isDeal {
			d := template.Clone()
			d.ID, d.Name, d.CloseDate = crmkit.NewID(), text, tm
			d.Probability = decimal.NewNullDecimal(decimal.New(coef, exp))
			ev.AggregateKind, ev.AggregateID, ev.Type = deal.DealKind, d.ID, "DealCreated"
			c.deal = &d
		} else {
			l, _ := newLead(text, "ana", lead.StageMQL, lead.ChannelEmail)
			l.BuyBy, l.Journey[0].At = tm, tm
			ev.AggregateKind, ev.AggregateID, ev.Type = lead.LeadKind, l.ID, lead.EventLeadCaptured
			c.lead = &l
		}
		c.event = ev
		s, err := o(freshTenant("fuzz"))
		if err != nil {
			t.Fatalf("open tenant: %v", err)
		}
		ensureSuite(t, s)
		got, err := c.apply(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if want := c.want(); !equalCanon(want, got) {
			t.Fatalf("accepted by the oracle: %v\nwant %+v\ngot  %+v", c.accepted(), want, got)
		}
	})
}
