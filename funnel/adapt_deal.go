package funnel

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
)

// StagesFromPipeline returns the stages of a deal pipeline as funnel sees
// them, in the pipeline's order, so that a record's stage index is the
// deal's Stage:
//
//   - Name is the stage's name.
//   - Probability is the stage's percent divided by 100 (60 -> 0.6).
//   - Category maps deal.ForecastPipeline, ForecastBestCase and
//     ForecastCommit to Pipeline, BestCase and Commit. deal.ForecastClosed
//     (a stage whose open deals count as good as closed) becomes Commit,
//     the most certain category an open deal has in funnel: won deals are
//     counted by their Won record, not by their stage's category.
//     deal.ForecastOmitted becomes Omitted.
//   - Expected is the stage's ExpectedDuration.
//   - VisitsPerWeek is the stage's visit cadence per week: visits per day
//     times 7, visits per week as they are, visits per month times 12/52
//     rounded down (funnel judges whole weeks, and rounding down never asks
//     more than the monthly policy does; a cadence of fewer than 5 visits a
//     month becomes 0, not checked by CheckCadence; deal.Deal.VisitsBreached
//     checks monthly cadences exactly).
//
// A nil pipeline, or a stage with an unknown forecast category or cadence
// window, is an error matching crmkit.ErrInvalid.
func StagesFromPipeline(p *deal.Pipeline) (Stages, error) {
	if p == nil {
		return Stages{}, crmkit.Invalid("pipeline", "nil pipeline")
	}
	src := p.Stages()
	out := make([]Stage, len(src))
	for i, st := range src {
		field := fmt.Sprintf("pipeline %s stage %q", p.ID(), st.Name)
		cat, err := categoryOf(st.Forecast)
		if err != nil {
			return Stages{}, crmkit.Invalid(field, "%v", err)
		}
		visits, err := visitsPerWeek(st.Visits)
		if err != nil {
			return Stages{}, crmkit.Invalid(field, "%v", err)
		}
		out[i] = Stage{
			Name:          st.Name,
			Probability:   st.Probability.Shift(-2),
			Category:      cat,
			Expected:      st.ExpectedDuration,
			VisitsPerWeek: visits,
		}
	}
	return NewStages(out...)
}

// categoryOf maps a deal forecast category to funnel's.
func categoryOf(c deal.ForecastCategory) (Category, error) {
	switch c {
	case deal.ForecastPipeline:
		return Pipeline, nil
	case deal.ForecastBestCase:
		return BestCase, nil
	case deal.ForecastCommit, deal.ForecastClosed:
		return Commit, nil
	case deal.ForecastOmitted:
		return Omitted, nil
	}
	return 0, fmt.Errorf("unknown forecast category %s", c)
}

// visitsPerWeek converts a deal visit cadence to visits per week.
func visitsPerWeek(c deal.VisitCadence) (int, error) {
	if c.Visits < 0 {
		return 0, fmt.Errorf("negative visit cadence %d", c.Visits)
	}
	if c.Visits == 0 {
		return 0, nil
	}
	switch c.Per {
	case deal.PerDay:
		return c.Visits * 7, nil
	case deal.PerWeek:
		return c.Visits, nil
	case deal.PerMonth:
		return c.Visits * 12 / 52, nil
	}
	return 0, fmt.Errorf("unknown cadence window %s", c.Per)
}

// DealEvents returns the EventMap that reads the history of deals of
// package deal (the events deal.New and the commands of deal.Pipeline and
// deal.Deal return) against stages, normally StagesFromPipeline of the
// deals' pipeline:
//
//   - DealCreated: Created, with the owner, the amount and the close date
//     of its payload, and the entry into its payload's stage.
//   - StageChanged: StageEntered into the stage named by To.
//   - DealWon: Won. DealLost: Lost, with the loss reason (the event's
//     Reason) and the competitor of its payload.
//   - DealSuspended: Suspended. DealReactivated (from suspended) and
//     DealReopened (from lost): Reactivated. DealTerminated: Terminated.
//   - AmountChanged: AmountChanged. CloseDateChanged: CloseDateChanged.
//   - ActivityLogged: Activity (every activity kind counts toward the
//     stage's visit cadence, calls and e-mails included).
//   - DealTransferred: DimsChanged, the new owner being the event's To.
//
// TeamChanged and ProbabilityChanged change nothing funnel reads and are
// skipped. A deal whose close date was cleared (a CloseDateChanged event
// without a date) is reported as an error by the replay, since a Record
// cannot clear a close date.
func DealEvents(stages Stages) EventMap {
	return EventMap{
		Stages: stages,
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
			deal.EventActivityLogged:   Activity,
			deal.EventDealTransferred:  DimsChanged,
		},
		AmountField:     "amount",
		DateField:       "close_date",
		StageField:      "stage",
		OwnerField:      "owner",
		CompetitorField: "competitor",
		OwnerFromTo:     map[string]bool{deal.EventDealTransferred: true},
	}
}
