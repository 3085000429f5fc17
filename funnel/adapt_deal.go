package funnel

import (
	"github.com/crmkit/crmkit/deal"
)

// DealEvents returns the EventMap that reads the history of deals of
// package deal (the events deal.New and the commands of deal.Pipeline and
// deal.Deal return) against the deals' pipeline p:
//
//   - DealCreated: Created, with the owner, the amount and the close date
//     of its payload, and the entry into its payload's stage.
//   - StageChanged: StageEntered into the stage named by To.
//   - DealWon: Won. DealLost: Lost, with the loss reason (the event's
//     Reason) and the competitor of its payload.
//   - DealSuspended: Suspended. DealReactivated (from suspended) and
//     DealReopened (from lost): Reactivated. DealTerminated: Terminated.
//   - AmountChanged: AmountChanged. CloseDateChanged: CloseDateChanged.
//   - ActivityLogged of a visit (To "visit"): Activity, so that
//     CheckCadence counts what deal.Deal.VisitsBreached counts, visits
//     only; other activities (calls, e-mails) are skipped. A visit is
//     dated by its event, the time it was logged.
//   - DealTransferred: DimsChanged, the new owner being the event's To.
//
// A deal archived (DealArchived with no DealRestored after it) is left out
// of the report entirely, as the stores leave archived deals out of their
// Lists, Sources and live summaries; its records come back when it is
// restored.
//
// TeamChanged and ProbabilityChanged change nothing funnel reads and are
// skipped. A deal whose close date was cleared (a CloseDateChanged event
// without a date) is reported as an error by the replay, since a Record
// cannot clear a close date.
func DealEvents(p *deal.Pipeline) EventMap {
	return EventMap{
		Pipeline: p,
		Kinds: map[string]Kind{
			deal.EventDealCreated:      Created,
			deal.EventStageChanged:     StageEntered,
			deal.EventDealWon:          Won,
			deal.EventDealLost:         Lost,
			deal.EventDealSuspended:    Suspended,
			deal.EventDealReactivated:  Reactivated,
			deal.EventDealReopened:     Reactivated,
			deal.EventDealTerminated:   Terminated,
			deal.EventAmountChanged:    AmountChanged,
			deal.EventCloseDateChanged: CloseDateChanged,
			deal.EventActivityLogged + ":" + string(deal.ActivityVisit): Activity,
			deal.EventDealTransferred:                                   DimsChanged,
		},
		AmountField:     "amount",
		DateField:       "close_date",
		StageField:      "stage",
		OwnerField:      "owner",
		CompetitorField: "competitor",
		OwnerFromTo:     map[string]bool{deal.EventDealTransferred: true},
		Archived:        deal.EventDealArchived,
		Restored:        deal.EventDealRestored,
	}
}
