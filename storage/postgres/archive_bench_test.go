package postgres_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
)

// BenchmarkListArchived measures what leaving archived leads out of List
// costs: the condition on the archived column (notArchived, schema
// version 20) beside the same List with IncludeArchived, which
// has no condition, in the same run. 50,000 leads of 10 owners, one in
// twenty archived (half of rep-3's, none of rep-4's); one page of 100,
// by owner (indexed) and with the zero filter.
func BenchmarkListArchived(b *testing.B) {
	const n = 50_000
	s := benchStore(b)
	ctx := context.Background()
	leads := make([]lead.Lead, n)
	events := make([]crmkit.Event, n)
	for i := range leads {
		leads[i], events[i] = testLead("rep-" + strconv.Itoa(i%10))
		if i%20 == 3 { // half of rep-3's leads, none of rep-4's
			leads[i].ArchivedAt = t0.Add(time.Hour)
		}
	}
	if _, err := s.ImportLeads(ctx, leads, events); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		f    storage.LeadFilter
	}{
		{"owner-half-archived/hide-archived", storage.LeadFilter{Owner: "rep-3"}},
		{"owner-half-archived/include-archived", storage.LeadFilter{Owner: "rep-3", IncludeArchived: true}},
		{"owner-none-archived/hide-archived", storage.LeadFilter{Owner: "rep-4"}},
		{"owner-none-archived/include-archived", storage.LeadFilter{Owner: "rep-4", IncludeArchived: true}},
		{"all/hide-archived", storage.LeadFilter{}},
		{"all/include-archived", storage.LeadFilter{IncludeArchived: true}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				page, _, err := s.Leads().List(ctx, c.f, storage.Page{Size: 100})
				if err != nil {
					b.Fatal(err)
				}
				if len(page) != 100 {
					b.Fatal("empty page")
				}
			}
		})
	}
}
