package funnel

import (
	"sync"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
)

// LeadPipeline returns the lead qualification ladder as a pipeline of
// three stages, in ladder order: suspect, mql and sql (named as
// lead.Stage's String names them), for reports over lead histories. Leads
// carry no win probability and no revenue to forecast, so every stage has
// probability 0 and forecast category deal.ForecastOmitted; no expected
// duration, cadence or minimum is set. Every call returns the same
// immutable pipeline.
//
// The other rungs of the ladder are outcomes, not stages (see LeadEvents):
// converted is a win, disqualified a loss and nurture a suspension.
func LeadPipeline() *deal.Pipeline { return leadPipeline() }

var leadPipeline = sync.OnceValue(func() *deal.Pipeline {
	st := func(s lead.Stage) deal.Stage { return deal.Stage{Name: s.String(), Forecast: deal.ForecastOmitted} }
	return deal.MustPipeline(deal.PipelineSpec{
		ID: "lead", Name: "Lead qualification ladder",
		Stages: []deal.Stage{st(lead.StageSuspect), st(lead.StageMQL), st(lead.StageSQL)},
	})
})

// LeadEvents returns the EventMap that reads the history of leads of
// package lead against LeadPipeline:
//
//   - LeadCaptured: Created, with the owner of its payload, and the entry
//     into suspect (its To).
//   - LeadQualified (to mql) and LeadAccepted (to sql): StageEntered into
//     the stage named by To.
//   - LeadConverted: Won, so conversion to a deal is the ladder's win and
//     SummarizeRecords's win rate is the lead-to-opportunity rate.
//   - LeadDisqualified: Lost, with the event's Reason as the loss reason.
//   - LeadNurtured: Suspended: the lead is set aside, not lost, and keeps
//     its stage.
//   - LeadRecycled: Reactivated, followed by the entry into mql (its To)
//     when the lead was nurtured from another stage (a nurtured SQL comes
//     back as an MQL).
//   - LeadAssigned: DimsChanged, the new owner being the event's To.
//
// A lead archived (LeadArchived with no LeadRestored after it) is left
// out of the report entirely, as the stores leave archived records out of
// their Lists and Sources: an archived lead was a mistake or noise, not a
// loss (a real lead that went nowhere is disqualified instead, and counts
// as lost). Its records come back when it is restored.
//
// TouchpointRecorded, TimeframeStated and TemperatureChanged change
// nothing funnel reads and are skipped. LeadsMerged is skipped too: a
// merge that moves the survivor to another stage (see lead.Merge) is not
// reflected; replay such a lead's merged history with lead.Ladder instead.
func LeadEvents() EventMap {
	return EventMap{
		Pipeline: LeadPipeline(),
		Kinds: map[string]Kind{
			lead.EventLeadCaptured:     Created,
			lead.EventLeadQualified:    StageEntered,
			lead.EventLeadAccepted:     StageEntered,
			lead.EventLeadConverted:    Won,
			lead.EventLeadDisqualified: Lost,
			lead.EventLeadNurtured:     Suspended,
			lead.EventLeadRecycled:     Reactivated,
			lead.EventLeadAssigned:     DimsChanged,
		},
		OwnerField:  "owner",
		OwnerFromTo: map[string]bool{lead.EventLeadAssigned: true},
		StageFromTo: map[string]bool{lead.EventLeadCaptured: true, lead.EventLeadRecycled: true},
		Archived:    lead.EventLeadArchived,
		Restored:    lead.EventLeadRestored,
	}
}
