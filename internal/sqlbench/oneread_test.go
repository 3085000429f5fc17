package sqlbench_test

import (
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/stretchr/testify/require"
)

// readBatch is the number of records handed to both passes at a time by
// fullReportOneRead.
const readBatch = 4096

// recordBatch is a batch of records read once and read by both passes;
// left counts the passes still reading it.
type recordBatch struct {
	recs []funnel.Record
	left atomic.Int32
}

// fullReportOneRead computes the full report (time in stage and monthly
// cohorts as of q.AsOf; the open pipeline as of asOf) from one read of
// records: they are read in batches, each batch handed to both passes,
// which run at once, and reused when both are done with it. It is the
// same two passes as the report and Replay one after the other, over one
// read of the events instead of two.
func fullReportOneRead(p *deal.Pipeline, records iter.Seq[funnel.Record], q funnel.Query, asOf time.Time) (funnel.Report, int, error) {
	const inFlight = 4
	free := make(chan *recordBatch, inFlight)
	for range inFlight {
		free <- &recordBatch{recs: make([]funnel.Record, 0, readBatch)}
	}
	toReport, toPipeline := make(chan *recordBatch, inFlight), make(chan *recordBatch, inFlight)
	release := func(b *recordBatch) {
		if b.left.Add(-1) == 0 {
			b.recs = b.recs[:0]
			free <- b
		}
	}
	read := func(ch <-chan *recordBatch) iter.Seq[funnel.Record] {
		return func(yield func(funnel.Record) bool) {
			stopped := false
			for b := range ch {
				for i := 0; !stopped && i < len(b.recs); i++ {
					stopped = !yield(b.recs[i])
				}
				release(b) // a pass that stopped early keeps releasing batches
			}
		}
	}
	var (
		wg              sync.WaitGroup
		rep             funnel.Report
		repErr, openErr error
		open            int
	)
	wg.Go(func() { rep, repErr = funnel.SummarizeRecords(p, read(toReport), q) })
	wg.Go(func() {
		for o, err := range funnel.Replay(p, read(toPipeline), asOf) {
			if err != nil {
				openErr = err
				break
			}
			if o.Status == funnel.Open {
				open++
			}
		}
	})
	b := <-free
	flush := func() {
		b.left.Store(2)
		toReport <- b
		toPipeline <- b
		b = <-free
	}
	for r := range records {
		b.recs = append(b.recs, r)
		if len(b.recs) == readBatch {
			flush()
		}
	}
	if len(b.recs) > 0 {
		flush()
	}
	close(toReport)
	close(toPipeline)
	wg.Wait()
	if repErr != nil {
		return funnel.Report{}, 0, repErr
	}
	return rep, open, openErr
}

// The one-read full report equals the two passes run on their own.
func TestFullReportOneRead(t *testing.T) {
	const n = 30_000
	q := funnel.Query{AsOf: benchAsOf, By: []funnel.Dimension{funnel.ByPeriod}}
	asOf := benchStart.Add(200 * 24 * time.Hour)
	rep, open, err := fullReportOneRead(benchStages, benchEvents(n), q, asOf)
	require.NoError(t, err)
	want, err := funnel.SummarizeRecords(benchStages, benchEvents(n), q)
	require.NoError(t, err)
	wantOpen := 0
	for o, err := range funnel.Replay(benchStages, benchEvents(n), asOf) {
		require.NoError(t, err)
		if o.Status == funnel.Open {
			wantOpen++
		}
	}
	require.Equal(t, wantOpen, open)
	require.Positive(t, open)
	require.NoError(t, funneltest.DiffSummaries(rep.Total, want.Total))
	require.Len(t, rep.Groups, len(want.Groups))
	for i, g := range rep.Groups {
		require.True(t, g.Key.Period.Equal(want.Groups[i].Key.Period))
		require.NoError(t, funneltest.DiffSummaries(g.Summary, want.Groups[i].Summary))
	}
	// A pass that fails early (records out of order) still lets the read
	// finish, and the error is returned.
	bad := func(yield func(funnel.Record) bool) {
		for r := range benchEvents(n) {
			r.Entity[0] = byte(n - int(r.Entity[15])) // IDs out of order
			if !yield(r) {
				return
			}
		}
	}
	_, _, err = fullReportOneRead(benchStages, bad, q, asOf)
	require.Error(t, err)
}
