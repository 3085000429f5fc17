package funnel_test

import (
	"iter"
	"time"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// replayAll collects funnel.Replay into a slice, stopping at the first
// error.
func replayAll(p *deal.Pipeline, records iter.Seq[funnel.Record], asOf time.Time) ([]funnel.Opportunity, error) {
	var out []funnel.Opportunity
	for o, err := range funnel.Replay(p, records, asOf) {
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
