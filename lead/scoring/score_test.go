package scoring_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/scoring"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// scAt is the time the scoring tests score at.
var scAt = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

const scDay = 24 * time.Hour

func ptr(v float64) *float64 { return &v }

// scModel is the model of the hand-computed cases: a 30-day half-life.
func scModel() scoring.Model {
	return scoring.Model{
		Name: "icp",
		Fit: []scoring.FitRule{
			{Name: "software", Field: "industry", Op: scoring.OpEquals, Values: []string{"software", "saas"}, Points: 10},
			{Name: "mid-size", Field: "company_size", Op: scoring.OpBetween, Min: ptr(50), Max: ptr(1000), Points: 15},
			{Name: "senior", Field: "title", Op: scoring.OpContains, Values: []string{"vp", "head of"}, Points: 5},
		},
		Engagement: []scoring.EngagementRule{
			{Name: "form", Kind: lead.TouchForm, Points: 10},
			{Name: "visit", Kind: lead.TouchVisit, Points: 2},
			{Name: "event", Channel: lead.ChannelEvent, Points: 5},
		},
		HalfLife: 30 * scDay,
		MQL:      20,
		SQL:      40,
	}
}

func scLead() lead.Lead {
	return lead.Lead{
		Source: lead.ChannelReferral,
		Who:    lead.Person{Name: "Grace", Industry: " Software ", Title: "VP Sales", CompanySize: 200},
		Journey: []lead.Touchpoint{
			{Channel: lead.ChannelEmail, Kind: lead.TouchVisit, At: scAt.Add(-60 * scDay)},
			{Channel: lead.ChannelInboundContent, Kind: lead.TouchForm, At: scAt.Add(-30 * scDay)},
			{Channel: lead.ChannelEvent, Kind: lead.TouchAttend, At: scAt.Add(-30 * scDay)},
			{Channel: lead.ChannelInboundContent, Kind: lead.TouchVisit, At: scAt},
			{Channel: lead.ChannelInboundContent, Kind: lead.TouchForm, At: scAt.Add(scDay)}, // after at: not yet
		},
	}
}

func TestScoreHandComputed(t *testing.T) {
	s, err := scoring.NewScorer(scModel())
	require.NoError(t, err)
	sc, err := s.Score(scLead(), scAt)
	require.NoError(t, err)
	// Fit: software 10 + mid-size 15 + senior 5.
	assert.Equal(t, 30.0, sc.Fit)
	// Engagement: form 30 days old 10·½ = 5; visits 2·¼ + 2·1 = 2.5;
	// event attendance 30 days old 5·½ = 2.5; the form after at is not
	// counted.
	assert.InDelta(t, 10.0, sc.Engagement, 1e-9)
	assert.InDelta(t, 40.0, sc.Total, 1e-9)
	assert.Equal(t, scAt, sc.At)
	want := []scoring.Reason{
		{Rule: "software", Part: scoring.PartFit, Points: 10},
		{Rule: "mid-size", Part: scoring.PartFit, Points: 15},
		{Rule: "senior", Part: scoring.PartFit, Points: 5},
		{Rule: "form", Part: scoring.PartEngagement, Points: 5, Touches: 1},
		{Rule: "visit", Part: scoring.PartEngagement, Points: 2.5, Touches: 2},
		{Rule: "event", Part: scoring.PartEngagement, Points: 2.5, Touches: 1},
	}
	require.Len(t, sc.Reasons, len(want))
	for i, w := range want {
		got := sc.Reasons[i]
		assert.Equal(t, w.Rule, got.Rule)
		assert.Equal(t, w.Part, got.Part)
		assert.Equal(t, w.Touches, got.Touches, w.Rule)
		assert.InDelta(t, w.Points, got.Points, 1e-9, w.Rule)
	}
	// 40 reaches the SQL threshold (40) only if the decay is exact enough:
	// check the thresholds on exact totals instead.
	assert.Equal(t, lead.StageSQL, s.Worthy(40))
	assert.Equal(t, lead.StageMQL, s.Worthy(39.999))
	assert.Equal(t, lead.StageMQL, s.Worthy(20))
	assert.Equal(t, lead.StageSuspect, s.Worthy(19.999))
	assert.Equal(t, lead.StageSuspect, s.Worthy(0))
	assert.Equal(t, 30.0, s.MaxFit())

	l := scLead()
	total, err := s.Total(&l, scAt)
	require.NoError(t, err)
	assert.Equal(t, sc.Total, total)
	assert.Equal(t, 30.0, must(s.FitOf(&l)))
}

func TestScoreDecayHalvesPerHalfLife(t *testing.T) {
	s, err := scoring.NewScorer(scoring.Model{
		Engagement: []scoring.EngagementRule{{Name: "call", Kind: lead.TouchCall, Points: 8}},
		HalfLife:   7 * scDay, MQL: 1, SQL: 1,
	})
	require.NoError(t, err)
	l := lead.Lead{Journey: []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchCall, At: scAt}}}
	for _, c := range []struct {
		after time.Duration
		want  float64
	}{{0, 8}, {7 * scDay, 4}, {14 * scDay, 2}, {21 * scDay, 1}, {7 * scDay / 2, 8 / math.Sqrt2}} {
		sc, err := s.Score(l, scAt.Add(c.after))
		require.NoError(t, err)
		assert.InDelta(t, c.want, sc.Total, 1e-9, c.after)
	}
	// Before the touch happened it is worth nothing.
	sc, err := s.Score(l, scAt.Add(-time.Second))
	require.NoError(t, err)
	assert.Equal(t, 0.0, sc.Total)
	assert.Empty(t, sc.Reasons)
	assert.Equal(t, lead.StageSuspect, sc.Worthy)
}

func TestScoreMatchesIgnoringCase(t *testing.T) {
	s, err := scoring.NewScorer(scoring.Model{
		Fit: []scoring.FitRule{
			{Name: "de", Field: "Country", Op: scoring.OpEquals, Values: []string{"DE"}, Points: 1},
			{Name: "corp mail", Field: "email_domain", Op: scoring.OpEquals, Values: []string{"acme.com"}, Points: 2},
			{Name: "phone", Field: "phone", Op: scoring.OpPresent, Points: 4},
			{Name: "segment", Field: "attr.segment", Op: scoring.OpContains, Values: []string{"enterprise"}, Points: 8},
			{Name: "budget", Field: "attr.budget", Op: scoring.OpBetween, Min: ptr(10000), Points: 16},
		},
		HalfLife: scDay, MQL: 1, SQL: 2,
	})
	require.NoError(t, err)
	cases := []struct {
		who  lead.Person
		want float64
	}{
		{lead.Person{Country: "de", Email: "Bob@ACME.com", Phone: "+49 1", Attributes: map[string]string{"segment": "Large Enterprise", "budget": " 25000 "}}, 31},
		{lead.Person{Country: "DE ", Email: "bob@acme.co", Phone: "  ", Attributes: map[string]string{"budget": "9999.5"}}, 1},
		{lead.Person{Country: "AT", Email: "acme.com", Attributes: map[string]string{"budget": "lots", "segment": "enterpris"}}, 0},
		{lead.Person{Attributes: map[string]string{"budget": "NaN"}}, 0},
		{lead.Person{Attributes: map[string]string{"budget": "+Inf"}}, 0},
	}
	for i, c := range cases {
		l := lead.Lead{Who: c.who}
		assert.Equal(t, c.want, must(s.FitOf(&l)), "case %d", i)
	}
}

func TestScoreSizeBands(t *testing.T) {
	// company_size as text is a band.
	for size, band := range map[int]string{0: "", 1: "1-10", 10: "1-10", 11: "11-50", 200: "51-200", 201: "201-500", 1000: "501-1000", 5000: "1001-5000", 10000: "5001-10000", 10001: "10001+"} {
		m := scoring.Model{HalfLife: scDay, MQL: 1, SQL: 1}
		if band == "" {
			m.Fit = []scoring.FitRule{{Name: "known", Field: "company_size", Op: scoring.OpPresent, Points: 1}}
		} else {
			m.Fit = []scoring.FitRule{{Name: "band", Field: "company_size", Op: scoring.OpEquals, Values: []string{band}, Points: 1}}
		}
		s, err := scoring.NewScorer(m)
		require.NoError(t, err)
		l := lead.Lead{Who: lead.Person{CompanySize: size}}
		want := 1.0
		if band == "" {
			want = 0
		}
		assert.Equal(t, want, must(s.FitOf(&l)), "size %d", size)
	}
}

func TestScoreRejectsZeroTime(t *testing.T) {
	s, err := scoring.NewScorer(scModel())
	require.NoError(t, err)
	_, err = s.Score(scLead(), time.Time{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	l := scLead()
	_, err = s.Total(&l, time.Time{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestModelValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*scoring.Model)
		want   string
	}{
		{"negative fit points", func(m *scoring.Model) { m.Fit[0].Points = -1 }, "negative points"},
		{"negative engagement points", func(m *scoring.Model) { m.Engagement[1].Points = -0.5 }, "negative points"},
		{"NaN points", func(m *scoring.Model) { m.Fit[1].Points = math.NaN() }, "not a finite number"},
		{"infinite points", func(m *scoring.Model) { m.Engagement[0].Points = math.Inf(1) }, "not a finite number"},
		{"huge points", func(m *scoring.Model) { m.Fit[0].Points = 1e300 }, "above the maximum"},
		{"zero half-life", func(m *scoring.Model) { m.HalfLife = 0 }, "half life"},
		{"negative half-life", func(m *scoring.Model) { m.HalfLife = -time.Hour }, "not positive"},
		{"zero mql", func(m *scoring.Model) { m.MQL = 0 }, "mql"},
		{"NaN mql", func(m *scoring.Model) { m.MQL = math.NaN() }, "mql"},
		{"infinite sql", func(m *scoring.Model) { m.SQL = math.Inf(1) }, "sql"},
		{"sql below mql", func(m *scoring.Model) { m.SQL = 19 }, "below the mql threshold"},
		{"unnamed rule", func(m *scoring.Model) { m.Fit[0].Name = " " }, "without a name"},
		{"repeated name", func(m *scoring.Model) { m.Engagement[0].Name = "software" }, "already used"},
		{"unknown field", func(m *scoring.Model) { m.Fit[0].Field = "shoe_size" }, "unknown field"},
		{"empty attribute", func(m *scoring.Model) { m.Fit[0].Field = "attr." }, "unknown field"},
		{"unknown op", func(m *scoring.Model) { m.Fit[0].Op = "like" }, "unknown op"},
		{"equals without values", func(m *scoring.Model) { m.Fit[0].Values = nil }, "at least one value"},
		{"empty value", func(m *scoring.Model) { m.Fit[2].Values = []string{"vp", " "} }, "values[1] is empty"},
		{"present with values", func(m *scoring.Model) { m.Fit[0].Op = scoring.OpPresent }, "no values"},
		{"between on text", func(m *scoring.Model) { m.Fit[1].Field = "industry" }, "numeric field"},
		{"between without bounds", func(m *scoring.Model) { m.Fit[1].Min, m.Fit[1].Max = nil, nil }, "min or a max"},
		{"between min above max", func(m *scoring.Model) { m.Fit[1].Min = ptr(2000) }, "above max"},
		{"between NaN bound", func(m *scoring.Model) { m.Fit[1].Max = ptr(math.NaN()) }, "not a finite number"},
		{"bounds on equals", func(m *scoring.Model) { m.Fit[0].Min = ptr(1) }, "belong to between"},
		{"malformed touch kind", func(m *scoring.Model) { m.Engagement[0].Kind = "tele:pathy" }, "not a touch kind name"},
		{"bad channel", func(m *scoring.Model) { m.Engagement[2].Channel = "ev@nt" }, "not a channel name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := scModel()
			c.change(&m)
			before := fmt.Sprintf("%#v", m)
			err := m.Validate()
			require.Error(t, err)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			var ve *crmkit.ValidationError
			assert.True(t, errors.As(err, &ve), "a *crmkit.ValidationError: %v", err)
			assert.Contains(t, err.Error(), c.want)
			s, err := scoring.NewScorer(m)
			assert.Nil(t, s)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			assert.Equal(t, before, fmt.Sprintf("%#v", m), "validation changed the model")
		})
	}
	require.NoError(t, scModel().Validate())
}

func TestModelCustomChannelAndAliases(t *testing.T) {
	m := scModel()
	m.Engagement[2].Channel = "Partner Portal" // a company's own channel
	m.Engagement[1].Channel = "chatbot"        // alias of live_chat
	m.Engagement[0].Kind = "Trial Signup"      // a company's own kind
	s, err := scoring.NewScorer(m)
	require.NoError(t, err)
	got := s.Model()
	assert.Equal(t, lead.Channel("partner_portal"), got.Engagement[2].Channel)
	assert.Equal(t, lead.TouchKind("trial_signup"), got.Engagement[0].Kind)
	assert.Equal(t, lead.Channel("Partner Portal"), m.Engagement[2].Channel, "the caller's model is not changed")
	l := lead.Lead{Journey: []lead.Touchpoint{
		{Channel: "partner_portal", Kind: lead.TouchDownload, At: scAt},
		{Channel: lead.ChannelLiveChat, Kind: lead.TouchVisit, At: scAt},
		{Channel: lead.ChannelEmail, Kind: lead.TouchVisit, At: scAt},
		{Channel: lead.ChannelEmail, Kind: "trial_signup", At: scAt},
	}}
	total, err := s.Total(&l, scAt)
	require.NoError(t, err)
	assert.Equal(t, 5.0+2.0+10.0, total)
}

func TestScorerKeepsItsOwnModel(t *testing.T) {
	m := scModel()
	s, err := scoring.NewScorer(m)
	require.NoError(t, err)
	m.Fit[0].Values[0] = "retail"
	*m.Fit[1].Min = 5000
	m.Engagement[0].Points = 1000
	sc, err := s.Score(scLead(), scAt)
	require.NoError(t, err)
	assert.InDelta(t, 40.0, sc.Total, 1e-9)
	got := s.Model()
	got.Fit[0].Values[0] = "mining"
	assert.Equal(t, "software", s.Model().Fit[0].Values[0])
}

func TestModelJSON(t *testing.T) {
	const text = `{
	  "name": "icp",
	  "fit": [
	    {"name": "software", "field": "industry", "op": "equals", "values": ["software", "saas"], "points": 10},
	    {"name": "mid-size", "field": "company_size", "op": "between", "min": 50, "max": 1000, "points": 15},
	    {"name": "senior", "field": "title", "op": "contains", "values": ["vp", "head of"], "points": 5}
	  ],
	  "engagement": [
	    {"name": "form", "kind": "form", "points": 10},
	    {"name": "visit", "kind": "visit", "points": 2},
	    {"name": "event", "channel": "event", "points": 5}
	  ],
	  "half_life": "720h",
	  "mql": 20,
	  "sql": 40
	}`
	m, err := scoring.ParseModel([]byte(text))
	require.NoError(t, err)
	assert.Equal(t, scModel(), m)

	b, err := json.Marshal(scModel())
	require.NoError(t, err)
	assert.Contains(t, string(b), `"half_life":"720h0m0s"`)
	back, err := scoring.ParseModel(b)
	require.NoError(t, err)
	assert.Equal(t, scModel(), back)

	for name, bad := range map[string]string{
		"not json":         `{"fit": [`,
		"unknown field":    `{"half_life": "1h", "mql": 1, "sql": 1, "color": "red"}`,
		"bad half-life":    `{"half_life": "a fortnight", "mql": 1, "sql": 1}`,
		"missing half":     `{"mql": 1, "sql": 1}`,
		"negative points":  `{"half_life": "1h", "mql": 1, "sql": 1, "fit": [{"name": "x", "field": "country", "op": "present", "points": -3}]}`,
		"wrong value type": `{"half_life": "1h", "mql": "high", "sql": 1}`,
	} {
		_, err := scoring.ParseModel([]byte(bad))
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

func TestQualityBySource(t *testing.T) {
	s, err := scoring.NewScorer(scModel())
	require.NoError(t, err)
	leads := []lead.Lead{
		{Source: lead.ChannelReferral, Who: lead.Person{Industry: "software", CompanySize: 100, Title: "VP"}}, // 30
		{Source: lead.ChannelReferral, Who: lead.Person{Industry: "saas"}},                                    // 10
		{Source: lead.ChannelReferral, Who: lead.Person{Industry: "mining"}},                                  // 0
		{Source: lead.ChannelAdvertising, Who: lead.Person{Industry: "retail", CompanySize: 5}},               // 0
		{Source: lead.ChannelEvent, Who: lead.Person{CompanySize: 60, Title: "Head of IT"}},                   // 20
	}
	q, err := s.QualityBySource(slices.Values(leads))
	require.NoError(t, err)
	require.Len(t, q, 3)
	// Sorted by source: advertising, event, referral.
	assert.Equal(t, lead.ChannelAdvertising, q[0].Source)
	assert.Equal(t, 1, q[0].Leads)
	assert.True(t, q[0].MeanFit.IsZero())
	assert.True(t, q[0].Quality.IsZero())
	assert.Equal(t, 0, q[0].MQLWorthy)

	assert.Equal(t, lead.ChannelEvent, q[1].Source)
	assert.True(t, q[1].MeanFit.Equal(decimal.NewFromInt(20)), q[1].MeanFit.String())
	assert.True(t, q[1].Quality.Equal(decimal.RequireFromString("0.6666666666666667")), q[1].Quality.String()) // 20/30 = 0.666..., 16 places, last rounded up
	assert.Equal(t, 1, q[1].MQLWorthy)                                                                         // 20 >= 20

	assert.Equal(t, lead.ChannelReferral, q[2].Source)
	assert.Equal(t, 3, q[2].Leads)
	assert.True(t, q[2].MeanFit.Equal(decimal.RequireFromString("13.3333333333333333")), q[2].MeanFit.String()) // 40/3 = 13.333..., 16 places
	assert.True(t, q[2].Quality.Equal(decimal.RequireFromString("0.4444444444444444")), q[2].Quality.String())  // 40/90 = 0.444..., 16 places
	assert.Equal(t, 1, q[2].MQLWorthy)

	empty, err := s.QualityBySource(slices.Values([]lead.Lead(nil)))
	require.NoError(t, err)
	assert.Empty(t, empty)

	noFit, err := scoring.NewScorer(scoring.Model{HalfLife: scDay, MQL: 1, SQL: 1})
	require.NoError(t, err)
	_, err = noFit.QualityBySource(slices.Values(leads))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// Generators for the scoring properties.

var scKinds = []lead.TouchKind{lead.TouchView, lead.TouchLike, lead.TouchForm, lead.TouchVisit, lead.TouchCall}
var scChannels = []lead.Channel{lead.ChannelEmail, lead.ChannelEvent, lead.ChannelSocial}

func scPoints(t *rapid.T, label string) float64 {
	return rapid.OneOf(rapid.Just(0.0), rapid.Float64Range(0, 100), rapid.Float64Range(0, 1e6)).Draw(t, label)
}

func scGenModel(t *rapid.T) scoring.Model {
	m := scoring.Model{
		HalfLife: time.Duration(rapid.Int64Range(1, int64(365*scDay)).Draw(t, "halfLife")),
		MQL:      rapid.Float64Range(1e-9, 50).Draw(t, "mql"),
	}
	m.SQL = m.MQL + rapid.Float64Range(0, 50).Draw(t, "sqlGap")
	for i := range rapid.IntRange(0, 3).Draw(t, "fitRules") {
		m.Fit = append(m.Fit, scoring.FitRule{
			Name: "fit" + string(rune('a'+i)), Field: "country", Op: scoring.OpEquals,
			Values: []string{rapid.SampledFrom([]string{"DE", "FR", "US"}).Draw(t, "country")},
			Points: scPoints(t, "fitPoints"),
		})
	}
	for i := range rapid.IntRange(0, 4).Draw(t, "touchRules") {
		r := scoring.EngagementRule{Name: "eng" + string(rune('a'+i)), Points: scPoints(t, "touchPoints")}
		if rapid.Bool().Draw(t, "byKind") {
			r.Kind = rapid.SampledFrom(scKinds).Draw(t, "kind")
		}
		if rapid.Bool().Draw(t, "byChannel") {
			r.Channel = rapid.SampledFrom(scChannels).Draw(t, "channel")
		}
		m.Engagement = append(m.Engagement, r)
	}
	return m
}

func scGenTouch(t *rapid.T, label string) lead.Touchpoint {
	return lead.Touchpoint{
		Channel: rapid.SampledFrom(scChannels).Draw(t, label+"Channel"),
		Kind:    rapid.SampledFrom(scKinds).Draw(t, label+"Kind"),
		// Mostly in the past of scAt, sometimes after it.
		At: scAt.Add(-time.Duration(rapid.Int64Range(-int64(10*scDay), int64(3*365*scDay)).Draw(t, label+"Age"))),
	}
}

func scGenLead(t *rapid.T) lead.Lead {
	l := lead.Lead{
		Source: rapid.SampledFrom(scChannels).Draw(t, "source"),
		Who:    lead.Person{Name: "x", Country: rapid.SampledFrom([]string{"DE", "FR", "US", ""}).Draw(t, "leadCountry")},
	}
	for i := range rapid.IntRange(0, 12).Draw(t, "touches") {
		_ = i
		l.Journey = append(l.Journey, scGenTouch(t, "touch"))
	}
	slices.SortFunc(l.Journey, func(a, b lead.Touchpoint) int { return a.At.Compare(b.At) })
	return l
}

func TestPropertyScoreMonotoneInEngagement(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, err := scoring.NewScorer(scGenModel(t))
		require.NoError(t, err)
		l := scGenLead(t)
		before, err := s.Score(l, scAt)
		require.NoError(t, err)

		more := l.Clone()
		tp := scGenTouch(t, "added")
		at := slices.IndexFunc(more.Journey, func(x lead.Touchpoint) bool { return x.At.After(tp.At) })
		if at < 0 {
			at = len(more.Journey)
		}
		more.Journey = slices.Insert(more.Journey, at, tp)
		after, err := s.Score(more, scAt)
		require.NoError(t, err)

		if after.Total < before.Total || after.Engagement < before.Engagement {
			t.Fatalf("adding %+v lowered the score: %v -> %v (engagement %v -> %v)", tp, before.Total, after.Total, before.Engagement, after.Engagement)
		}
		assert.Equal(t, before.Fit, after.Fit)
		if after.Worthy < before.Worthy {
			t.Fatalf("adding a touch lowered the stage: %s -> %s", before.Worthy, after.Worthy)
		}
	})
}

func TestPropertyScoreInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := scGenModel(t)
		s, err := scoring.NewScorer(m)
		require.NoError(t, err)
		l := scGenLead(t)
		sc, err := s.Score(l, scAt)
		require.NoError(t, err)
		// The parts add up, and the bulk path gives the same numbers.
		assert.Equal(t, sc.Fit+sc.Engagement, sc.Total)
		total, err := s.Total(&l, scAt)
		require.NoError(t, err)
		assert.Equal(t, sc.Total, total)
		assert.Equal(t, sc.Fit, must(s.FitOf(&l)))
		// The reasons explain the score.
		var fit, eng float64
		for _, r := range sc.Reasons {
			if r.Part == scoring.PartFit {
				fit += r.Points
			} else {
				eng += r.Points
				assert.Positive(t, r.Touches)
			}
		}
		assert.Equal(t, sc.Fit, fit)
		assert.InDelta(t, sc.Engagement, eng, 1e-9*math.Max(1, sc.Engagement))
		// Every touch is worth at most its full points and no less than 0.
		var full float64
		for _, tp := range l.Journey {
			if tp.At.After(scAt) {
				continue
			}
			for _, r := range m.Engagement {
				if (r.Kind == "" || r.Kind == tp.Kind) && (r.Channel == "" || r.Channel == tp.Channel) {
					full += r.Points
				}
			}
		}
		assert.GreaterOrEqual(t, sc.Engagement, 0.0)
		assert.LessOrEqual(t, sc.Engagement, full*(1+1e-12))
		// The stage follows the thresholds.
		switch {
		case sc.Total >= m.SQL:
			assert.Equal(t, lead.StageSQL, sc.Worthy)
		case sc.Total >= m.MQL:
			assert.Equal(t, lead.StageMQL, sc.Worthy)
		default:
			assert.Equal(t, lead.StageSuspect, sc.Worthy)
		}
		// Waiting longer without new touches never raises the score.
		later, err := s.Score(l, scAt.Add(time.Duration(rapid.Int64Range(0, int64(400*scDay)).Draw(t, "wait"))))
		require.NoError(t, err)
		// Touches after scAt may start counting later; compare only if none.
		if !slices.ContainsFunc(l.Journey, func(tp lead.Touchpoint) bool { return tp.At.After(scAt) }) {
			assert.LessOrEqual(t, later.Total, sc.Total)
		}
	})
}

func TestPropertyModelJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := scGenModel(t)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		back, err := scoring.ParseModel(b)
		require.NoError(t, err)
		assert.Equal(t, m, back)
	})
}

func TestScoreNamesRuleInError(t *testing.T) {
	m := scModel()
	m.Fit[2].Points = -5
	err := m.Validate()
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "fit[2] (senior)"), err.Error())
}

func FuzzParseScoringModel(f *testing.F) {
	b, err := json.Marshal(scModel())
	require.NoError(f, err)
	f.Add(b)
	f.Add([]byte(`{"half_life": "1h", "mql": 1, "sql": 2, "fit": [{"name": "x", "field": "attr.y", "op": "between", "min": -1e308, "points": 0}]}`))
	f.Add([]byte(`{"half_life": "-1h", "mql": 1, "sql": 1}`))
	f.Add([]byte(`{"half_life": "1h", "mql": 1e999, "sql": 1}`))
	f.Add([]byte(`{"engagement": [{"name": "a", "kind": "VIEW", "channel": "Live Chat", "points": 1}], "half_life": "1ns", "mql": 1, "sql": 1}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"nAme":"","fit":[],"hAlf_life":"1s","mql":10,"sql":10}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := scoring.ParseModel(data)
		if err != nil {
			require.ErrorIs(t, err, crmkit.ErrInvalid)
			return
		}
		// An accepted model is valid, scores within its bounds and
		// survives a JSON round trip.
		require.NoError(t, m.Validate())
		s, err := scoring.NewScorer(m)
		require.NoError(t, err)
		sc, err := s.Score(scLead(), scAt)
		require.NoError(t, err)
		require.False(t, math.IsNaN(sc.Total) || math.IsInf(sc.Total, 0) || sc.Total < 0, "score %v", sc.Total)
		out, err := json.Marshal(s.Model())
		require.NoError(t, err)
		back, err := scoring.ParseModel(out)
		require.NoError(t, err)
		again, err := json.Marshal(back)
		require.NoError(t, err)
		require.JSONEq(t, string(out), string(again)) // [] and null both read as no rules
	})
}
