// Package leadtest provides pgregory.net/rapid generators of leads,
// journeys and event histories, so that code built on package lead can be
// property-tested, the way net/http/httptest helps test HTTP code.
//
// Every generator is deterministic in rapid's draws: IDs are drawn, not
// taken from crypto/rand, and times are drawn from a window that starts at
// Epoch, so rapid can shrink and replay failures. Generated values satisfy
// the invariants package lead keeps:
//
//   - a Lead has a non-nil ID, a valid identity and a built-in source, a
//     valid stage with the fields that stage implies (a nurtured lead has a
//     reason and a revisit date, a converted one its conversion IDs),
//     CreatedAt <= StageAt <= UpdatedAt, and a journey in time order
//     between CreatedAt and UpdatedAt;
//   - an EventSequence is a legal history of one lead: LeadCaptured at
//     version 1, then ladder transitions allowed by lead.LadderEvents and
//     recorded touchpoints, with versions 1, 2, 3, ... and times that
//     never go back. Ladder.ReplayStage accepts it.
//
// Use them inside rapid.Check:
//
//	rapid.Check(t, func(t *rapid.T) {
//		l := leadtest.Lead().Draw(t, "lead")
//		... // call your code, check your invariant
//	})
package leadtest

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// Epoch is the earliest time the generators produce: 2024-01-01 UTC.
var Epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Window is the span after Epoch in which generated leads are created.
const Window = 2 * 365 * 24 * time.Hour

// ID generates UUIDv7-shaped IDs drawn from rapid (never the nil UUID).
func ID() *rapid.Generator[uuid.UUID] {
	return rapid.Custom(func(t *rapid.T) uuid.UUID {
		var u uuid.UUID
		binary.BigEndian.PutUint64(u[:8], rapid.Uint64().Draw(t, "hi"))
		binary.BigEndian.PutUint64(u[8:], rapid.Uint64().Draw(t, "lo"))
		u[6] = u[6]&0x0f | 0x70 // version 7
		u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
		return u
	})
}

// Time generates times in [from, from+span], at whole seconds.
func Time(from time.Time, span time.Duration) *rapid.Generator[time.Time] {
	return rapid.Custom(func(t *rapid.T) time.Time {
		secs := int64(span / time.Second)
		return from.Add(time.Duration(rapid.Int64Range(0, secs).Draw(t, "seconds")) * time.Second)
	})
}

var (
	firstNames = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Radia", "Donald"}
	lastNames  = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Perlman", "Knuth"}
	companies  = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay"}
	domains    = []string{"acme.example", "globex.example", "initech.example", "gmail.com", "outlook.com"}
	industries = []string{"manufacturing", "retail", "software", "finance", ""}
	countries  = []string{"HU", "DE", "CN", "RU", "US", ""}
	titles     = []string{"CEO", "CTO", "buyer", "engineer", ""}
	campaigns  = []string{"", "spring-webinar", "trade-show-2024", "newsletter", "retargeting"}
	contents   = []string{"", "blog/pricing", "video/demo", "infographic/roi", "landing/trial"}
	reasons    = []string{"no budget", "bought a competitor's product", "not ready", "student", "spam"}
)

// Person generates identities: a name, often an e-mail address at a
// company or free-mail domain, sometimes a phone, company and attributes.
// Small pools make duplicates (same e-mail, domain or phone) frequent.
func Person() *rapid.Generator[lead.Person] {
	return rapid.Custom(func(t *rapid.T) lead.Person {
		first := rapid.SampledFrom(firstNames).Draw(t, "first")
		last := rapid.SampledFrom(lastNames).Draw(t, "last")
		p := lead.Person{Name: first + " " + last}
		if rapid.Bool().Draw(t, "has email") {
			p.Email = strings.ToLower(first) + "@" + rapid.SampledFrom(domains).Draw(t, "domain")
		}
		if rapid.Bool().Draw(t, "has phone") {
			p.Phone = "+36 1 555 " + rapid.StringMatching(`[0-9]{4}`).Draw(t, "phone")
		}
		if rapid.Bool().Draw(t, "has company") {
			p.Company = rapid.SampledFrom(companies).Draw(t, "company")
			p.CompanySize = rapid.IntRange(0, 5000).Draw(t, "size")
		}
		p.Title = rapid.SampledFrom(titles).Draw(t, "title")
		p.Industry = rapid.SampledFrom(industries).Draw(t, "industry")
		p.Country = rapid.SampledFrom(countries).Draw(t, "country")
		if rapid.Bool().Draw(t, "has attributes") {
			p.Attributes = map[string]string{
				"segment":  rapid.SampledFrom([]string{"smb", "mid", "enterprise"}).Draw(t, "segment"),
				"language": rapid.SampledFrom([]string{"hu", "en", "de", "zh", "ru"}).Draw(t, "language"),
			}
		}
		return p
	})
}

// Channel generates built-in channels.
func Channel() *rapid.Generator[lead.Channel] { return rapid.SampledFrom(lead.Channels()) }

// Stage generates valid stages.
func Stage() *rapid.Generator[lead.Stage] { return rapid.SampledFrom(lead.Stages()) }

// Action generates ladder actions (legal or not from any given stage).
func Action() *rapid.Generator[lead.Action] { return rapid.SampledFrom(lead.Actions()) }

// Touchpoint generates a valid touchpoint at a time in [from, to].
func Touchpoint(from, to time.Time) *rapid.Generator[lead.Touchpoint] {
	return rapid.Custom(func(t *rapid.T) lead.Touchpoint {
		return lead.Touchpoint{
			Channel:  Channel().Draw(t, "channel"),
			Campaign: rapid.SampledFrom(campaigns).Draw(t, "campaign"),
			Content:  rapid.SampledFrom(contents).Draw(t, "content"),
			Kind:     rapid.SampledFrom(lead.TouchKinds()).Draw(t, "kind"),
			At:       Time(from, to.Sub(from)).Draw(t, "at"),
		}
	})
}

// Journey generates up to 12 touchpoints in [from, to], sorted by time
// without repeats, as lead keeps a journey. Channels jump freely.
func Journey(from, to time.Time) *rapid.Generator[[]lead.Touchpoint] {
	return rapid.Custom(func(t *rapid.T) []lead.Touchpoint {
		tps := rapid.SliceOfN(Touchpoint(from, to), 0, 12).Draw(t, "touches")
		return normalize(tps)
	})
}

// normalize sorts touchpoints as lead does and drops repeats.
func normalize(tps []lead.Touchpoint) []lead.Touchpoint {
	out := make([]lead.Touchpoint, 0, len(tps))
	for _, tp := range tps {
		i := len(out)
		for i > 0 && less(tp, out[i-1]) {
			i--
		}
		if i > 0 && !less(out[i-1], tp) {
			continue // equal to its predecessor: a repeat
		}
		out = append(out, lead.Touchpoint{})
		copy(out[i+1:], out[i:])
		out[i] = tp
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func less(a, b lead.Touchpoint) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	if a.Channel != b.Channel {
		return a.Channel < b.Channel
	}
	if a.Campaign != b.Campaign {
		return a.Campaign < b.Campaign
	}
	if a.Content != b.Content {
		return a.Content < b.Content
	}
	return a.Kind < b.Kind
}

// Lead generates valid leads in any stage, created in [Epoch,
// Epoch+Window]. See the package documentation for the invariants.
func Lead() *rapid.Generator[lead.Lead] {
	return rapid.Custom(func(t *rapid.T) lead.Lead {
		created := Time(Epoch, Window).Draw(t, "created")
		stageAt := Time(created, 90*24*time.Hour).Draw(t, "stage at")
		updated := Time(stageAt, 30*24*time.Hour).Draw(t, "updated")
		l := lead.Lead{
			ID:        ID().Draw(t, "id"),
			Who:       Person().Draw(t, "who"),
			Source:    Channel().Draw(t, "source"),
			Campaign:  rapid.SampledFrom(campaigns).Draw(t, "campaign"),
			Owner:     rapid.SampledFrom([]string{"", "rep-1", "rep-2", "rep-3"}).Draw(t, "owner"),
			Stage:     Stage().Draw(t, "stage"),
			StageAt:   stageAt,
			CreatedAt: created,
			UpdatedAt: updated,
			Journey:   Journey(created, updated).Draw(t, "journey"),
			Version:   rapid.Int64Range(1, 50).Draw(t, "version"),
		}
		if l.Source == lead.ChannelEvent {
			l.EventKind = rapid.SampledFrom(lead.EventKinds()).Draw(t, "event kind")
		}
		if rapid.Bool().Draw(t, "has time frame") {
			l.BuyBy = Time(created, 120*24*time.Hour).Draw(t, "buy by")
		}
		l.Temperature, _ = lead.DefaultTemperatureRules().Temperature(l.BuyBy, updated) // default rules are valid
		switch l.Stage {
		case lead.StageNurture:
			l.Reason = rapid.SampledFrom(reasons).Draw(t, "reason")
			l.RevisitAt = Time(stageAt.Add(24*time.Hour), 365*24*time.Hour).Draw(t, "revisit")
			l.NurturedBy = rapid.SampledFrom([]lead.Side{lead.SideMarketing, lead.SideSales}).Draw(t, "side")
		case lead.StageDisqualified:
			l.Reason = rapid.SampledFrom(reasons).Draw(t, "reason")
		case lead.StageConverted:
			l.Conversion = lead.ConversionRef{
				AccountID: ID().Draw(t, "account"), ContactID: ID().Draw(t, "contact"), OpportunityID: ID().Draw(t, "opportunity"),
			}
		}
		return l
	})
}

// Capture generates valid inputs of lead.New for a lead created at now
// (the command's At): a built-in source (with an event kind for events), a
// journey of touches up to 30 days after creation, and sometimes a stated
// buying time frame.
func Capture(now time.Time) *rapid.Generator[lead.Capture] {
	return rapid.Custom(func(t *rapid.T) lead.Capture {
		at := now
		c := lead.Capture{
			Who:      Person().Draw(t, "who"),
			Source:   Channel().Draw(t, "source"),
			Campaign: rapid.SampledFrom(campaigns).Draw(t, "campaign"),
			Owner:    rapid.SampledFrom([]string{"", "rep-1", "rep-2"}).Draw(t, "owner"),
			Journey:  Journey(at, at.Add(30*24*time.Hour)).Draw(t, "journey"),
		}
		if c.Source == lead.ChannelEvent {
			c.EventKind = rapid.SampledFrom(lead.EventKinds()).Draw(t, "event kind")
		}
		if rapid.Bool().Draw(t, "has time frame") {
			c.BuyBy = Time(at, 180*24*time.Hour).Draw(t, "buy by")
		}
		return c
	})
}

// Command generates ladder commands for a lead last changed at or before
// now, legal or not from its stage: any action but convert, with a reason
// and a revisit date after now (so nurture and disqualify pass their rules
// when the ladder allows them), at now.
func Command(now time.Time) *rapid.Generator[lead.Command] {
	return rapid.Custom(func(t *rapid.T) lead.Command {
		return lead.Command{
			Cmd: crmkit.Cmd{
				By:     rapid.SampledFrom([]string{"marketing", "rep-1", "rep-2"}).Draw(t, "actor"),
				At:     now,
				Reason: rapid.SampledFrom(reasons).Draw(t, "reason"),
			},
			Action:     rapid.SampledFrom(lead.Actions()[:5]).Draw(t, "action"),
			RevisitAt:  Time(now.Add(time.Hour), 365*24*time.Hour).Draw(t, "revisit"),
			NurturedBy: rapid.SampledFrom([]lead.Side{0, lead.SideMarketing, lead.SideSales}).Draw(t, "side"),
		}
	})
}

// Leads generates up to max leads, often with duplicate identities.
func Leads(max int) *rapid.Generator[[]lead.Lead] {
	return rapid.SliceOfN(Lead(), 0, max)
}

// EventSequence generates the legal event history of one lead: its
// LeadCaptured event, then up to 20 events, each a legal ladder transition
// (with From, To and, where the ladder needs one, a Reason) or a
// TouchpointRecorded event, in version order with non-decreasing times.
// Event IDs are drawn, so the sequence is reproducible.
func EventSequence() *rapid.Generator[[]crmkit.Event] {
	return rapid.Custom(func(t *rapid.T) []crmkit.Event {
		table, err := lead.CompileTable(lead.LadderEvents())
		if err != nil {
			t.Fatalf("leadtest: the ladder definition does not compile: %v", err)
		}
		id := ID().Draw(t, "lead id")
		at := Time(Epoch, Window).Draw(t, "created")
		actor := rapid.SampledFrom([]string{"marketing", "rep-1", "rep-2", "import"}).Draw(t, "actor")
		events := []crmkit.Event{{
			ID: ID().Draw(t, "event id"), AggregateID: id, AggregateKind: lead.LeadKind,
			Type: lead.EventLeadCaptured, Actor: actor, At: at, Version: 1, To: lead.StageSuspect.String(),
		}}
		stage := lead.StageSuspect
		n := rapid.IntRange(0, 20).Draw(t, "events")
		for v := int64(2); v <= int64(n)+1; v++ {
			at = at.Add(time.Duration(rapid.IntRange(0, 14*24*3600).Draw(t, "gap seconds")) * time.Second)
			ev := crmkit.Event{ID: ID().Draw(t, "event id"), AggregateID: id, AggregateKind: lead.LeadKind, Actor: actor, At: at, Version: v}
			var legal []lead.Action
			for _, a := range lead.Actions() {
				if _, ok := table.Next(stage, a); ok {
					legal = append(legal, a)
				}
			}
			if len(legal) == 0 || rapid.IntRange(0, 3).Draw(t, "touch or move") == 0 {
				ev.Type = lead.EventTouchpointRecorded
				tp := Touchpoint(events[0].At, at).Draw(t, "touch")
				if ev.Payload, err = json.Marshal(tp); err != nil {
					t.Fatalf("leadtest: encode touchpoint: %v", err)
				}
				events = append(events, ev)
				continue
			}
			a := rapid.SampledFrom(legal).Draw(t, "action")
			next, _ := table.Next(stage, a)
			ev.Type, ev.From, ev.To = a.EventType(), stage.String(), next.String()
			if a == lead.ActionNurture || a == lead.ActionDisqualify {
				ev.Reason = rapid.SampledFrom(reasons).Draw(t, "reason")
			}
			stage = next
			events = append(events, ev)
		}
		return events
	})
}
