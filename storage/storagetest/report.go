package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// testReports checks the optional reporting interfaces of a store, each
// when the store offers it (found by type assertion, as funnel and
// callers find them): funnel.Source yields exactly the stored deals
// through funnel.OpportunityOf; funnel.Aggregator's report equals
// funnel.Summarize over those opportunities, or declines with
// errors.ErrUnsupported; storage.HistoryStreamer yields each deal's
// events as ByAggregate does, grouped and ordered by (aggregate, version).
// Random deals from real commands of deal.DefaultPipeline, random queries.
func testReports(t *testing.T, o Opener) {
	probe := openBare(t, o, "reports-probe")
	_, isSource := probe.(funnel.Source)
	_, isStreamer := probe.(storage.HistoryStreamer)
	if !isSource && !isStreamer {
		t.Skip("the store implements neither funnel.Source nor storage.HistoryStreamer")
	}
	p := deal.DefaultPipeline()
	t.Run("BadInput", func(t *testing.T) { reportsBadInput(t, probe, p) })
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		ctx := context.Background()
		s := open(t, o, fmt.Sprintf("reports-%d", n))
		count := rapid.IntRange(0, 6).Draw(rt, "deals")
		for i := range count {
			writeRandomDeal(rt, ctx, s, p, i)
		}
		var want []funnel.Opportunity
		var stored []deal.Deal
		for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
			require.NoError(rt, err)
			stored = append(stored, d)
			want = append(want, funnel.OpportunityOf(&d))
		}
		require.Len(rt, stored, count)
		if src, ok := s.(funnel.Source); ok {
			checkSource(rt, ctx, p, src, want)
		}
		if hs, ok := s.(storage.HistoryStreamer); ok {
			checkHistories(rt, ctx, s, hs, stored)
		}
	})
}

// reportsCampaign is the campaign some of the report suite's deals name.
var reportsCampaign = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000ca")

// writeRandomDeal creates deal i with a random stage, owner and amount
// and applies a few random commands, each saved with its event; a command
// the pipeline refuses is skipped.
func writeRandomDeal(t *rapid.T, ctx context.Context, s storage.Store, p *deal.Pipeline, i int) {
	at := base.Add(time.Duration(i) * time.Hour)
	stages := p.Stages()
	d, ev, err := deal.New(p, deal.NewDeal{
		Name: fmt.Sprintf("deal %d", i), Type: deal.NewBusiness,
		Amount:    crmkit.MustMoney(fmt.Sprintf("%d.%02d", rapid.IntRange(0, 5000).Draw(t, "units"), rapid.IntRange(0, 99).Draw(t, "cents")), "EUR"),
		CloseDate: base.AddDate(0, 2, 0), AccountID: suiteAccount, ContactID: suiteContact,
		Owner:      rapid.SampledFrom([]string{"ana", "ben"}).Draw(t, "owner"),
		Stage:      stages[rapid.IntRange(0, len(stages)-1).Draw(t, "stage")].Name,
		CampaignID: rapid.SampledFrom([]uuid.UUID{uuid.Nil, reportsCampaign}).Draw(t, "campaign"),
	}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at}})
	require.NoError(t, err)
	d, err = s.Deals().Create(ctx, d, "", ev)
	require.NoError(t, err)
	steps := rapid.IntRange(0, 3).Draw(t, "steps")
	for k := range steps {
		c := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: at.Add(time.Duration(k+1) * time.Minute)}}
		var (
			next deal.Deal
			e    crmkit.Event
		)
		switch rapid.SampledFrom([]string{"move", "win", "lose", "suspend", "terminate"}).Draw(t, "command") {
		case "move":
			next, e, err = p.Move(d, stages[rapid.IntRange(0, len(stages)-1).Draw(t, "to")].Name, c)
		case "win":
			next, e, err = p.Win(d, deal.Outcome{Summary: "signed"}, c)
		case "lose":
			next, e, err = p.Lose(d, deal.Outcome{Summary: "lost", Reason: "price", Competitor: "acme"}, c)
		case "suspend":
			next, e, err = p.Suspend(d, c.At.AddDate(0, 1, 0), c)
		case "terminate":
			next, e, err = p.Terminate(d, c)
		}
		if err != nil {
			continue // not allowed from where the deal stands
		}
		require.NoError(t, s.Deals().Save(ctx, next, d.Version, e))
		d = next
	}
}

// checkSource checks that src yields exactly want (in any order) and that
// an Aggregator, if src is one, reports what funnel.Summarize reports.
func checkSource(t *rapid.T, ctx context.Context, p *deal.Pipeline, src funnel.Source, want []funnel.Opportunity) {
	var got []funnel.Opportunity
	for o, err := range src.Opportunities(ctx) {
		require.NoError(t, err)
		got = append(got, o)
	}
	byID := func(a, b funnel.Opportunity) int { return bytes.Compare(a.Entity[:], b.Entity[:]) }
	slices.SortFunc(got, byID)
	slices.SortFunc(want, byID)
	require.NoError(t, funneltest.DiffStates(got, want))

	q := funnel.Query{AsOf: base.AddDate(0, 0, rapid.IntRange(0, 90).Draw(t, "days")),
		Quantiles: rapid.SampledFrom([]crmkit.Quantiles{crmkit.QuantilesNone, crmkit.QuantilesExact}).Draw(t, "quantiles")}
	if rapid.Bool().Draw(t, "split") {
		q.By = []funnel.Dimension{funnel.ByOwner}
	}
	wantRep, wantErr := funnel.Summarize(p, slices.Values(want), q)
	scanned, err := funnel.SummarizeSource(ctx, p, src, q)
	require.Equal(t, wantErr == nil, err == nil, "SummarizeSource: %v, Summarize: %v", err, wantErr)
	if wantErr == nil {
		require.NoError(t, funneltest.DiffSummaries(wantRep.Total, scanned.Total))
	}
	a, ok := src.(funnel.Aggregator)
	if !ok {
		return
	}
	rep, err := a.AggregateFunnel(ctx, p, q)
	if errors.Is(err, errors.ErrUnsupported) {
		return
	}
	require.Equal(t, wantErr == nil, err == nil, "AggregateFunnel: %v, Summarize: %v", err, wantErr)
	if wantErr == nil {
		require.NoError(t, funneltest.DiffSummaries(wantRep.Total, rep.Total))
		require.Len(t, rep.Groups, len(wantRep.Groups))
	}
}

// checkHistories checks that the deal histories hs streams are, deal by
// deal in ascending ID order, what ByAggregate gives, and that a kind
// with no aggregates yields nothing.
func checkHistories(t *rapid.T, ctx context.Context, s storage.Store, hs storage.HistoryStreamer, stored []deal.Deal) {
	var got []crmkit.Event
	for e, err := range hs.Histories(ctx, deal.DealKind) {
		require.NoError(t, err)
		got = append(got, e)
	}
	ids := make([]uuid.UUID, len(stored))
	for i := range stored {
		ids[i] = stored[i].ID
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	var want []crmkit.Event
	for _, id := range ids {
		for e, err := range s.Events().ByAggregate(ctx, id) {
			require.NoError(t, err)
			want = append(want, e)
		}
	}
	require.Len(t, got, len(want))
	for i := range want {
		require.Equal(t, want[i].ID, got[i].ID, "event %d", i)
		require.True(t, equalCanon(want[i], got[i]), "event %d: stream %+v, ByAggregate %+v", i, got[i], want[i])
	}
	for range hs.Histories(ctx, "no-such-kind") {
		t.Fatalf("a kind without aggregates yielded an event")
	}
}

// reportsBadInput checks that each interface refuses a nil context, an
// invalid kind and an invalid query with crmkit.ErrInvalid.
func reportsBadInput(t *testing.T, s storage.Store, p *deal.Pipeline) {
	var nilCtx context.Context // the input under test
	first := func(seq func(func(error) bool)) error {
		var got error
		seq(func(err error) bool { got = err; return false })
		return got
	}
	if src, ok := s.(funnel.Source); ok {
		err := first(func(yield func(error) bool) {
			for _, err := range src.Opportunities(nilCtx) {
				if !yield(err) {
					return
				}
			}
		})
		require.ErrorIs(t, err, crmkit.ErrInvalid, "Opportunities with a nil context")
		if a, ok := src.(funnel.Aggregator); ok {
			_, err := a.AggregateFunnel(nilCtx, p, funnel.Query{AsOf: base})
			require.ErrorIs(t, err, crmkit.ErrInvalid, "AggregateFunnel with a nil context")
			_, err = a.AggregateFunnel(context.Background(), p, funnel.Query{Quantiles: crmkit.QuantilesNone})
			require.ErrorIs(t, err, crmkit.ErrInvalid, "AggregateFunnel without a report time")
			_, err = a.AggregateFunnel(context.Background(), nil, funnel.Query{AsOf: base, Quantiles: crmkit.QuantilesNone})
			require.ErrorIs(t, err, crmkit.ErrInvalid, "AggregateFunnel without a pipeline")
		}
	}
	if hs, ok := s.(storage.HistoryStreamer); ok {
		for name, ctx := range map[string]context.Context{"nil context": nilCtx, "kind not UTF-8": context.Background()} {
			kind := deal.DealKind
			if ctx != nil {
				kind = "\xff"
			}
			err := first(func(yield func(error) bool) {
				for _, err := range hs.Histories(ctx, kind) {
					if !yield(err) {
						return
					}
				}
			})
			require.ErrorIs(t, err, crmkit.ErrInvalid, "Histories with a %s", name)
		}
	}
}
