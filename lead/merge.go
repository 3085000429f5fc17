package lead

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// mergeRank orders stages for Merge: the merged lead takes the stage
// furthest along, where a fresh Suspect revives a Disqualified lead.
var mergeRank = [numStages]int{
	StageDisqualified: 0, StageSuspect: 1, StageNurture: 2, StageMQL: 3, StageSQL: 4, StageConverted: 5,
}

// MergePayload is the payload of a EventLeadsMerged event.
type MergePayload struct {
	// Merged are the IDs of the leads merged in by this event.
	Merged []uuid.UUID `json:"merged"`
}

// Merge merges duplicate leads into one (found, for example, by
// dedupe.Matcher.FindDuplicates) and returns it with its EventLeadsMerged
// event.
//
// The survivor is the lead created first (ties: the smaller ID); it keeps
// its ID, creation time, source and event kind. Empty fields of the
// survivor (identity, attributes, referrer, campaign, owner) are filled
// from the others in creation order. The journey is the union of all
// touchpoints in time order, identical touches once. The stage is the one
// furthest along (Converted > SQL > MQL > Nurture > Suspect > Disqualified:
// new interest revives a disqualified person), with its stage time, reason
// and revisit date; the temperature is the hottest and BuyBy the earliest
// stated. MergedFrom lists every merged ID. Versions of the same lead may
// be given: the highest version is used.
//
// Merge is order-independent (any order of the same leads gives the same
// lead) and idempotent: when the merge changes nothing (by Lead.Equal) (the others are
// already merged in), it returns the survivor unchanged, the zero Event
// (its ID is uuid.Nil: there is nothing to store) and no error. Otherwise the version is the survivor's plus one, the time c.At
// and the event carries c's By, At and Reason; From and To carry the stage
// when it changed.
//
// Errors: no leads or an invalid one (crmkit.ErrInvalid); two different
// conversions, or two leads with the same ID and version that differ in
// meaning (crmkit.ErrConflict; compared with Lead.Equal, so a copy read
// back from a store, in another zone or with nil for empty, is the same
// lead); a command crmkit.Cmd.Validate refuses or a c.At before a lead's
// last change (crmkit.ErrInvalid).
func Merge(c crmkit.Cmd, leads ...Lead) (Lead, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, fmt.Errorf("merge leads: %w", err)
	}
	if len(leads) == 0 {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("leads", "nothing to merge")
	}
	for i, l := range leads {
		if err := l.validateForCommand(); err != nil {
			return Lead{}, crmkit.Event{}, fmt.Errorf("leads[%d]: %w", i, err)
		}
	}
	sorted := slices.Clone(leads)
	slices.SortStableFunc(sorted, func(a, b Lead) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		if c := bytes.Compare(a.ID[:], b.ID[:]); c != 0 {
			return c
		}
		return cmp.Compare(b.Version, a.Version)
	})
	for i := 1; i < len(sorted); i++ {
		a, b := sorted[i-1], sorted[i]
		if a.ID == b.ID && a.Version == b.Version && !a.Equal(b) {
			return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s version %d given twice with different content: %w", a.ID, a.Version, crmkit.ErrConflict)
		}
	}
	base := sorted[0]
	out := base.Clone()
	var merged []uuid.UUID
	stageFrom := base
	for _, o := range sorted[1:] {
		if o.ID != base.ID && !slices.Contains(base.MergedFrom, o.ID) {
			merged = append(merged, o.ID)
		}
		fillPerson(&out.Who, o.Who)
		fillString(&out.ReferredBy, o.ReferredBy)
		fillString(&out.Campaign, o.Campaign)
		fillString(&out.Owner, o.Owner)
		if mergeRank[o.Stage] > mergeRank[stageFrom.Stage] {
			stageFrom = o
		}
		if o.Stage == StageConverted && stageFrom.Stage == StageConverted && o.Conversion != stageFrom.Conversion {
			return Lead{}, crmkit.Event{}, fmt.Errorf("leads %s and %s were converted separately: %w", stageFrom.ID, o.ID, crmkit.ErrConflict)
		}
		if o.Temperature > out.Temperature {
			out.Temperature = o.Temperature
		}
		if !o.BuyBy.IsZero() && (out.BuyBy.IsZero() || o.BuyBy.Before(out.BuyBy)) {
			out.BuyBy = o.BuyBy
		}
		if o.UpdatedAt.After(out.UpdatedAt) {
			out.UpdatedAt = o.UpdatedAt
		}
		out.Journey = append(out.Journey, o.Journey...)
		out.MergedFrom = append(out.MergedFrom, o.MergedFrom...)
		if o.ID != base.ID {
			out.MergedFrom = append(out.MergedFrom, o.ID)
		}
	}
	out.Stage, out.StageAt, out.Reason = stageFrom.Stage, stageFrom.StageAt, stageFrom.Reason
	out.RevisitAt, out.NurturedBy, out.Conversion = stageFrom.RevisitAt, stageFrom.NurturedBy, stageFrom.Conversion
	slices.SortStableFunc(out.Journey, compareTouch)
	out.Journey = slices.CompactFunc(out.Journey, sameTouch)
	slices.SortFunc(out.MergedFrom, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	out.MergedFrom = slices.Compact(out.MergedFrom)
	if len(out.Journey) == 0 {
		out.Journey = base.Journey
	}
	if len(out.MergedFrom) == 0 {
		out.MergedFrom = base.MergedFrom
	}
	if out.Equal(base) {
		return base, crmkit.Event{}, nil
	}
	now := c.At
	if now.Before(out.UpdatedAt) {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("at", "lead %s: now %s is before the last change %s", base.ID, now.Format(time.RFC3339), out.UpdatedAt.Format(time.RFC3339))
	}
	out.UpdatedAt = now
	out.Version = base.Version + 1
	slices.SortFunc(merged, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	merged = slices.Compact(merged)
	ev, err := c.NewEvent(LeadKind, out.ID, EventLeadsMerged, out.Version, MergePayload{Merged: merged})
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	ev.Reason = c.Reason
	if out.Stage != base.Stage {
		ev.From, ev.To = base.Stage.String(), out.Stage.String()
	}
	return out, ev, nil
}

func fillString(dst *string, src string) {
	if strings.TrimSpace(*dst) == "" && strings.TrimSpace(src) != "" {
		*dst = src
	}
}

// fillPerson fills dst's empty fields from src; dst.Attributes must not be
// shared with anyone.
func fillPerson(dst *Person, src Person) {
	fillString(&dst.Name, src.Name)
	fillString(&dst.Email, src.Email)
	fillString(&dst.Phone, src.Phone)
	fillString(&dst.Company, src.Company)
	fillString(&dst.Title, src.Title)
	fillString(&dst.Industry, src.Industry)
	fillString(&dst.Country, src.Country)
	fillString(&dst.Website, src.Website)
	if dst.CompanySize == 0 {
		dst.CompanySize = src.CompanySize
	}
	for k, v := range src.Attributes {
		if _, ok := dst.Attributes[k]; !ok {
			if dst.Attributes == nil {
				dst.Attributes = make(map[string]string, len(src.Attributes))
			}
			dst.Attributes[k] = v
		}
	}
}
