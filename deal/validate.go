package deal

import (
	"fmt"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Validate checks every invariant a deal holds, whichever way it was made
// (New and the commands, Replay, a store, JSON): a non-nil ID, a Version
// of at least 1, a pipeline ID, a name, a known deal type, an amount with
// a currency and not negative, an account, an owner, a team as New
// accepts it (see NewDeal.Team), a stage index in 0 .. MaxStages-1, a
// known status, a probability override that is a fraction in [0, 1], a
// Suspension set exactly while Suspended, no Outcome while Open or
// Suspended and, once closed, the Outcome the closing command records
// (when and by whom; a summary when won or lost, a reason when lost or
// terminated, the competitor of a loss to one), Reopens not negative, activities with a kind, a time, an
// author, a duration and cost not negative, and a creation (time and
// author) not after the last change or the archiving. The error matches crmkit.ErrInvalid
// and is a *crmkit.ValidationError naming the field. The pipeline itself
// is not consulted: a stage index beyond the deal's pipeline is the
// pipeline's business (Pipeline.Replay).
func (d Deal) Validate() error {
	if err := d.validate(); err != nil {
		return fmt.Errorf("deal %s: %w", d.ID, err)
	}
	return nil
}

func (d Deal) validate() error {
	switch {
	case d.ID == uuid.Nil:
		return crmkit.Invalid("id", "nil UUID")
	case d.Version < 1:
		return crmkit.Invalid("version", "version %d is below 1", d.Version)
	case strings.TrimSpace(d.PipelineID) == "":
		return crmkit.Invalid("pipeline", "empty pipeline ID")
	case d.PipelineVersion < 0:
		return crmkit.Invalid("pipeline_version", "version %d is negative", d.PipelineVersion)
	case strings.TrimSpace(d.Name) == "":
		return crmkit.Invalid("name", "empty deal name")
	case !d.Type.Valid():
		return crmkit.Invalid("type", "%s is not a deal type", d.Type)
	case d.AccountID == uuid.Nil:
		return crmkit.Invalid("account_id", "no account")
	case strings.TrimSpace(d.Owner) == "":
		return crmkit.Invalid("owner", "no owner")
	case d.Stage < 0 || d.Stage >= MaxStages:
		return crmkit.Invalid("stage", "stage index %d is outside 0..%d", d.Stage, MaxStages-1)
	case !d.Status.valid():
		return crmkit.Invalid("status", "%s is not a status", d.Status)
	case d.Reopens < 0:
		return crmkit.Invalid("reopens", "negative count %d", d.Reopens)
	case d.CreatedAt.IsZero():
		return crmkit.Invalid("created_at", "zero time")
	case strings.TrimSpace(d.CreatedBy) == "":
		return crmkit.Invalid("created_by", "no author")
	case d.UpdatedAt.Before(d.CreatedAt):
		return crmkit.Invalid("updated_at", "%s is before the creation at %s", d.UpdatedAt.Format(time.RFC3339Nano), d.CreatedAt.Format(time.RFC3339Nano))
	case !d.ArchivedAt.IsZero() && d.ArchivedAt.Before(d.CreatedAt):
		return crmkit.Invalid("archived_at", "%s is before the creation at %s", d.ArchivedAt.Format(time.RFC3339Nano), d.CreatedAt.Format(time.RFC3339Nano))
	}
	if err := checkAmount(d.Amount); err != nil {
		return err
	}
	if err := checkProbability(d.Probability); err != nil {
		return err
	}
	if err := checkTeam(d.Team, d.Owner); err != nil {
		return err
	}
	suspended := d.Status == Suspended
	switch {
	case suspended && d.Suspension.At.IsZero():
		return crmkit.Invalid("suspension", "a suspended deal without the time of its suspension")
	case !suspended && d.Suspension != (Suspension{}):
		return crmkit.Invalid("suspension", "set on a deal that is %s", d.Status)
	case (d.Status == Open || suspended) && d.Outcome != (Outcome{}):
		return crmkit.Invalid("outcome", "set on a deal that is %s", d.Status)
	}
	if d.Status == Won || d.Status == Lost || d.Status == Terminated {
		o := d.Outcome
		switch {
		case o.At.IsZero():
			return crmkit.Invalid("outcome.at", "a %s deal without the time it closed", d.Status)
		case strings.TrimSpace(o.By) == "":
			return crmkit.Invalid("outcome.by", "a %s deal without who closed it", d.Status)
		case d.Status != Terminated && strings.TrimSpace(o.Summary) == "":
			return crmkit.Invalid("outcome.summary", "a %s deal without a summary", d.Status)
		case d.Status != Won && strings.TrimSpace(o.Reason) == "":
			return crmkit.Invalid("outcome.reason", "a %s deal without a reason", d.Status)
		case d.Status == Lost && (o.Reason == LossCompetitor || o.Reason == LossCompetitorEarly) && strings.TrimSpace(o.Competitor) == "":
			return crmkit.Invalid("outcome.competitor", "lost to a competitor (%s) without naming it", o.Reason)
		}
	}
	for i, a := range d.Activities {
		if err := a.validate(fmt.Sprintf("activities[%d]", i)); err != nil {
			return err
		}
	}
	return nil
}

// validate checks a logged activity, as LogActivity leaves it; field
// prefixes the error's field.
func (a Activity) validate(field string) error {
	switch {
	case strings.TrimSpace(string(a.Kind)) == "":
		return crmkit.Invalid(field+".kind", "empty activity kind")
	case a.At.IsZero():
		return crmkit.Invalid(field+".at", "zero time")
	case strings.TrimSpace(a.By) == "":
		return crmkit.Invalid(field+".by", "no author")
	case a.Cost.Sign() < 0:
		return crmkit.Invalid(field+".cost", "negative cost %s", a.Cost)
	case a.Duration < 0:
		return crmkit.Invalid(field+".duration", "negative duration %s", a.Duration)
	}
	return nil
}
