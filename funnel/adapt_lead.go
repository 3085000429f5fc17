package funnel

import (
	"github.com/crmkit/crmkit/lead"
)

// LeadStages returns the lead qualification ladder as a funnel of three
// stages, in ladder order: suspect, mql and sql (named as lead.Stage's
// String names them). Leads carry no win probability and no revenue to
// forecast, so every stage has probability 0 and category Omitted; no
// expected duration, cadence or minimum is set.
//
// The other rungs of the ladder are outcomes, not stages (see LeadEvents):
// converted is a win, disqualified a loss and nurture a suspension.
func LeadStages() Stages {
	return MustStages(
		Stage{Name: lead.StageSuspect.String(), Category: Omitted},
		Stage{Name: lead.StageMQL.String(), Category: Omitted},
		Stage{Name: lead.StageSQL.String(), Category: Omitted},
	)
}

// LeadEvents returns the EventMap that reads the history of leads of
// package lead against LeadStages:
//
//   - LeadCaptured: Created, with the owner of its payload, and the entry
//     into suspect (its To).
//   - LeadQualified (to mql) and LeadAccepted (to sql): StageEntered into
//     the stage named by To.
//   - LeadConverted: Won, so conversion to a deal is the ladder's win and
//     Analyze's win rate is the lead-to-opportunity rate.
//   - LeadDisqualified: Lost, with the event's Reason as the loss reason.
//   - LeadNurtured: Suspended: the lead is set aside, not lost, and keeps
//     its stage.
//   - LeadRecycled: Reactivated, followed by the entry into mql (its To)
//     when the lead was nurtured from another stage (a nurtured SQL comes
//     back as an MQL).
//   - LeadAssigned: DimsChanged, the new owner being the event's To.
//
// TouchpointRecorded, TimeframeStated and TemperatureChanged change
// nothing funnel reads and are skipped. LeadsMerged is skipped too: a
// merge that moves the survivor to another stage (see lead.Merge) is not
// reflected; replay such a lead's merged history with lead.Ladder instead.
func LeadEvents() EventMap {
	return EventMap{
		Stages: LeadStages(),
		Kinds: map[string]Kind{
			lead.LeadCaptured:     Created,
			lead.LeadQualified:    StageEntered,
			lead.LeadAccepted:     StageEntered,
			lead.LeadConverted:    Won,
			lead.LeadDisqualified: Lost,
			lead.LeadNurtured:     Suspended,
			lead.LeadRecycled:     Reactivated,
			lead.LeadAssigned:     DimsChanged,
		},
		OwnerField:  "owner",
		OwnerFromTo: map[string]bool{lead.LeadAssigned: true},
		StageFromTo: map[string]bool{lead.LeadCaptured: true, lead.LeadRecycled: true},
	}
}
