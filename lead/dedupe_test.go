package lead_test

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Ada@Example.COM", "ada@example.com"},
		{"  ada+news@example.com ", "ada@example.com"},
		{"a.d.a@gmail.com", "ada@gmail.com"},
		{"A.Da+x@GoogleMail.com", "ada@gmail.com"},
		{"a.da@outlook.com", "a.da@outlook.com"},
		{"ada@mail.example.org.", "ada@mail.example.org"},
	}
	for _, c := range cases {
		got, ok := lead.NormalizeEmail(c.in)
		assert.True(t, ok, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"", "ada", "ada@", "@example.com", "ada@example", "a b@example.com", "a@b@example.com", "ada@example..com"} {
		_, ok := lead.NormalizeEmail(bad)
		assert.False(t, ok, bad)
	}
}

func TestNormalizeDomainAndPhone(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.Acme.com/about?x=1": "acme.com",
		"acme.com":                       "acme.com",
		"http://shop.acme.co.uk:8080":    "shop.acme.co.uk",
		"WWW.ACME.COM.":                  "acme.com",
	} {
		got, ok := lead.NormalizeDomain(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "localhost", "http://", "acme..com", "ac me.com"} {
		_, ok := lead.NormalizeDomain(bad)
		assert.False(t, ok, bad)
	}
	// International and national forms of a Budapest number share a key.
	for _, in := range []string{"+36 1 234 5678", "0036-1-234-5678", "06 (1) 234 5678", "1 234 5678"} {
		got, ok := lead.NormalizePhone(in)
		assert.True(t, ok, in)
		assert.Equal(t, "612345678"[1:], got[len(got)-8:], in)
	}
	got, _ := lead.NormalizePhone("+36 1 234 5678")
	assert.Equal(t, "612345678", got)
	_, ok := lead.NormalizePhone("12-34")
	assert.False(t, ok)
}

func TestKeysFreeMailVersusCompanyDomain(t *testing.T) {
	m := lead.Matcher{}
	assert.Equal(t, []lead.Key{{Kind: lead.KeyEmail, Value: "ada@gmail.com"}},
		m.Keys(lead.Person{Email: "A.da@gmail.com"}))
	assert.Equal(t, []lead.Key{
		{Kind: lead.KeyEmail, Value: "ada@acme.com"},
		{Kind: lead.KeyDomain, Value: "acme.com"},
		{Kind: lead.KeyPhone, Value: "612345678"},
	}, m.Keys(lead.Person{Email: "ada@acme.com", Website: "https://www.acme.com", Phone: "+36 1 234 5678"}))
	// A custom free-mail list replaces the default one.
	custom := lead.Matcher{FreeMail: []string{"acme.com"}}
	assert.Equal(t, []lead.Key{{Kind: lead.KeyEmail, Value: "ada@acme.com"}, {Kind: lead.KeyDomain, Value: "gmail.com"}},
		custom.Keys(lead.Person{Email: "ada@acme.com", Website: "gmail.com"}))
	assert.Equal(t, "domain:acme.com", lead.Key{Kind: lead.KeyDomain, Value: "acme.com"}.String())
}

func TestFindDuplicates(t *testing.T) {
	mk := func(p lead.Person) lead.Lead { return lead.Lead{Who: p} }
	leads := []lead.Lead{
		mk(lead.Person{Email: "ada@gmail.com"}),                           // 0
		mk(lead.Person{Email: "bob@acme.com"}),                            // 1
		mk(lead.Person{Email: "Ada+crm@GMAIL.com"}),                       // 2: same address as 0
		mk(lead.Person{Email: "eve@gmail.com"}),                           // 3: same free-mail domain only: no match
		mk(lead.Person{Email: "carol@acme.com", Phone: "+1 555 0100 99"}), // 4: same company domain as 1
		mk(lead.Person{Name: "Dan", Phone: "555-0100-99"}),                // 5: same phone as 4
		mk(lead.Person{Name: "Zed"}),                                      // 6: no keys
	}
	groups := lead.Matcher{}.FindDuplicates(leads)
	require.Len(t, groups, 2)
	assert.Equal(t, []int{0, 2}, groups[0].Indices)
	assert.Equal(t, []lead.Key{{Kind: lead.KeyEmail, Value: "ada@gmail.com"}}, groups[0].Keys)
	assert.Equal(t, []int{1, 4, 5}, groups[1].Indices)
	assert.Equal(t, []lead.Key{{Kind: lead.KeyDomain, Value: "acme.com"}, {Kind: lead.KeyPhone, Value: "555010099"}}, groups[1].Keys)
	assert.Empty(t, lead.Matcher{}.FindDuplicates(nil))
}

func TestMergeByHand(t *testing.T) {
	clock := crmkit.NewFakeClock(t0.Add(48 * time.Hour))
	a := lead.Lead{
		ID: uuid.MustParse("01900000-0000-7000-8000-00000000000a"), Version: 3,
		Who:    lead.Person{Name: "Ada", Email: "ada@acme.com", Attributes: map[string]string{"segment": "smb"}},
		Source: lead.ChannelEmail, Stage: lead.StageSuspect, StageAt: t0, CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
		Temperature: lead.TemperatureCold,
		Journey: []lead.Touchpoint{
			{Channel: lead.ChannelEmail, Kind: lead.TouchEmailOpen, At: t0},
			{Channel: lead.ChannelSocial, Kind: lead.TouchLike, At: t0.Add(time.Hour)},
		},
	}
	b := lead.Lead{
		ID: uuid.MustParse("01900000-0000-7000-8000-00000000000b"), Version: 5,
		Who:    lead.Person{Name: "Ada L.", Phone: "+36 1 234 5678", Company: "Acme", Attributes: map[string]string{"segment": "mid", "language": "hu"}},
		Source: lead.ChannelLiveChat, Owner: "rep-2", Stage: lead.StageMQL, StageAt: t0.Add(3 * time.Hour), Reason: "asked for a demo",
		CreatedAt: t0.Add(2 * time.Hour), UpdatedAt: t0.Add(4 * time.Hour), Temperature: lead.TemperatureWarm, BuyBy: t0.AddDate(0, 1, 0),
		Journey: []lead.Touchpoint{
			{Channel: lead.ChannelSocial, Kind: lead.TouchLike, At: t0.Add(time.Hour)}, // same as a's
			{Channel: lead.ChannelLiveChat, Kind: lead.TouchChat, At: t0.Add(2 * time.Hour)},
		},
	}
	m, ev, changed, err := lead.Merge(crmkit.Cmd{By: "dedupe-job", At: clock.Now()}, b, a)
	require.NoError(t, err)
	require.True(t, changed)
	assert.Equal(t, a.ID, m.ID, "earliest creation survives")
	assert.Equal(t, t0, m.CreatedAt)
	assert.Equal(t, lead.ChannelEmail, m.Source)
	assert.Equal(t, "Ada", m.Who.Name, "survivor's fields win")
	assert.Equal(t, "+36 1 234 5678", m.Who.Phone, "empty fields filled")
	assert.Equal(t, "Acme", m.Who.Company)
	assert.Equal(t, map[string]string{"segment": "smb", "language": "hu"}, m.Who.Attributes)
	assert.Equal(t, "rep-2", m.Owner)
	assert.Equal(t, lead.StageMQL, m.Stage, "furthest stage")
	assert.Equal(t, "asked for a demo", m.Reason)
	assert.Equal(t, t0.Add(3*time.Hour), m.StageAt)
	assert.Equal(t, lead.TemperatureWarm, m.Temperature)
	assert.Equal(t, t0.AddDate(0, 1, 0), m.BuyBy)
	require.Len(t, m.Journey, 3)
	assert.Equal(t, []lead.TouchKind{lead.TouchEmailOpen, lead.TouchLike, lead.TouchChat},
		[]lead.TouchKind{m.Journey[0].Kind, m.Journey[1].Kind, m.Journey[2].Kind})
	assert.Equal(t, []uuid.UUID{b.ID}, m.MergedFrom)
	assert.Equal(t, int64(4), m.Version)
	assert.Equal(t, clock.Now(), m.UpdatedAt)
	assert.Equal(t, lead.EventLeadsMerged, ev.Type)
	assert.Equal(t, "suspect", ev.From)
	assert.Equal(t, "mql", ev.To)
	assert.Equal(t, int64(4), ev.Version)
	var p lead.MergePayload
	require.NoError(t, ev.DecodePayload(&p))
	assert.Equal(t, []uuid.UUID{b.ID}, p.Merged)
	// The inputs are untouched.
	assert.Equal(t, map[string]string{"segment": "smb"}, a.Who.Attributes)
	assert.Len(t, a.Journey, 2)

	// Merging again changes nothing.
	again, ev2, changed, err := lead.Merge(crmkit.Cmd{By: "dedupe-job", At: clock.Now()}, m, b)
	require.NoError(t, err)
	assert.False(t, changed)
	assert.Equal(t, crmkit.Event{}, ev2)
	assert.Equal(t, m, again)
}

func TestMergeRejections(t *testing.T) {
	clock := crmkit.NewFakeClock(t0.Add(time.Hour))
	_, _, _, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, _, err = lead.Merge(crmkit.Cmd{By: "x"}, lead.Lead{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, lead.Lead{Stage: lead.StageMQL, Version: 1})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "nil id")

	c1 := lead.Lead{ID: crmkit.NewID(), Stage: lead.StageConverted, Version: 2, CreatedAt: t0, UpdatedAt: t0,
		Conversion: lead.ConversionRef{AccountID: crmkit.NewID(), ContactID: crmkit.NewID(), OpportunityID: crmkit.NewID()}}
	c2 := c1
	c2.ID = crmkit.NewID()
	c2.Conversion.OpportunityID = crmkit.NewID()
	_, _, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, c1, c2)
	assert.ErrorIs(t, err, crmkit.ErrConflict)

	diverged := c1
	diverged.Owner = "someone else"
	_, _, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, c1, diverged)
	assert.ErrorIs(t, err, crmkit.ErrConflict)

	late := c1
	late.ID = crmkit.NewID()
	late.Stage = lead.StageSuspect
	late.Conversion = lead.ConversionRef{}
	late.UpdatedAt = t0.Add(2 * time.Hour) // after the clock
	_, _, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, c1, late)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// mergeable draws 1-4 leads of which at most one is converted (two separate
// conversions cannot merge) and a clock after all of them.
func mergeable(t *rapid.T) ([]lead.Lead, *crmkit.FakeClock) {
	ls := rapid.SliceOfN(leadtest.Lead(), 1, 4).Draw(t, "leads")
	converted := false
	for i := range ls {
		if ls[i].Stage == lead.StageConverted {
			if converted {
				ls[i].Stage, ls[i].Conversion = lead.StageSQL, lead.ConversionRef{}
			}
			converted = true
		}
	}
	return ls, crmkit.NewFakeClock(leadtest.Epoch.Add(leadtest.Window + 365*24*time.Hour))
}

func TestMergeIsOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		perm := rapid.Permutation(ls).Draw(t, "order")
		m1, e1, c1, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		m2, e2, c2, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, perm...)
		require.NoError(t, err)
		require.Equal(t, c1, c2)
		if !reflect.DeepEqual(m1, m2) {
			t.Fatalf("order changed the result:\n%#v\n%#v", m1, m2)
		}
		e1.ID, e2.ID = uuid.Nil, uuid.Nil
		require.Equal(t, e1, e2)
	})
}

func TestMergeIsIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		m, _, _, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		// Merging the result with itself, or with any of its inputs,
		// changes nothing.
		again, ev, changed, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, append([]lead.Lead{m}, ls...)...)
		require.NoError(t, err)
		require.False(t, changed)
		require.Equal(t, crmkit.Event{}, ev)
		require.True(t, reflect.DeepEqual(m, again))
		self, _, changed, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, m)
		require.NoError(t, err)
		require.False(t, changed)
		require.True(t, reflect.DeepEqual(m, self))
	})
}

func TestMergeKeepsEarliestAndEveryTouch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		m, _, _, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		for _, l := range ls {
			require.False(t, l.CreatedAt.Before(m.CreatedAt), "a lead was created before the survivor")
			for _, tp := range l.Journey {
				require.True(t, slices.Contains(m.Journey, tp), "lost touch %v", tp)
			}
			if l.ID != m.ID {
				require.Contains(t, m.MergedFrom, l.ID)
			}
		}
		require.True(t, slices.IsSortedFunc(m.Journey, func(a, b lead.Touchpoint) int { return a.At.Compare(b.At) }))
		for i := 1; i < len(m.Journey); i++ {
			require.NotEqual(t, m.Journey[i-1], m.Journey[i], "repeated touch")
		}
	})
}

// BenchmarkFindDuplicates groups 100,000 leads drawn from 20,000
// identities (e-mail, company domain or phone).
func BenchmarkFindDuplicates(b *testing.B) {
	const n = 100_000
	leads := make([]lead.Lead, n)
	for i := range leads {
		k := i % 20_000
		switch i % 3 {
		case 0:
			leads[i].Who.Email = fmt.Sprintf("user%d@gmail.com", k)
		case 1:
			leads[i].Who.Email = fmt.Sprintf("buyer@company%d.example", k)
		default:
			leads[i].Who.Phone = fmt.Sprintf("+36 30 %07d", k)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		groups := lead.Matcher{}.FindDuplicates(leads)
		if len(groups) == 0 {
			b.Fatal("no duplicates")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/lead")
}

// FindDuplicates agrees with a brute-force pairwise comparison: two leads
// are in one group exactly when a chain of shared keys links them.
func TestFindDuplicatesMatchesBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls := leadtest.Leads(10).Draw(t, "leads")
		m := lead.Matcher{}
		n := len(ls)
		// Transitive closure of "shares a key", by hand.
		linked := make([][]bool, n)
		for i := range linked {
			linked[i] = make([]bool, n)
			linked[i][i] = true
		}
		for i := range n {
			for j := range n {
				for _, k := range m.Keys(ls[i].Who) {
					if slices.Contains(m.Keys(ls[j].Who), k) {
						linked[i][j] = true
					}
				}
			}
		}
		for k := range n {
			for i := range n {
				for j := range n {
					if linked[i][k] && linked[k][j] {
						linked[i][j] = true
					}
				}
			}
		}
		groupOf := make([]int, n)
		for i := range groupOf {
			groupOf[i] = -1
		}
		prevFirst := -1
		for gi, g := range m.FindDuplicates(ls) {
			require.GreaterOrEqual(t, len(g.Indices), 2)
			require.True(t, slices.IsSorted(g.Indices))
			require.Greater(t, g.Indices[0], prevFirst, "groups ordered by first index")
			prevFirst = g.Indices[0]
			require.NotEmpty(t, g.Keys)
			for _, i := range g.Indices {
				groupOf[i] = gi
			}
		}
		for i := range n {
			for j := range n {
				if i == j {
					continue
				}
				same := groupOf[i] >= 0 && groupOf[i] == groupOf[j]
				require.Equal(t, linked[i][j], same, "leads %d and %d", i, j)
			}
		}
	})
}
