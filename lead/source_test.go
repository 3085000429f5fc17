package lead_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseChannel(t *testing.T) {
	for in, want := range map[string]lead.Channel{
		"referral":            lead.ChannelReferral,
		"  Live Chat ":        lead.ChannelLiveChat,
		"chatbot":             lead.ChannelLiveChat,
		"E-mail":              lead.ChannelEmail,
		"LinkedIn":            lead.ChannelSocial,
		"purchased-list":      lead.ChannelPurchasedList,
		"Third party meeting": lead.ChannelThirdPartyMeeting,
		"closed lost":         lead.ChannelReopenedDeal,
		"customer_feedback":   lead.ChannelCustomerFeedback,
		"LOCAL ADVERTISING":   lead.ChannelLocalAdvertising,
	} {
		got, err := lead.ParseChannel(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "   ", "carrier pigeon", "e‑mail", "live\tchat!", strings.Repeat("x", 65)} {
		_, err := lead.ParseChannel(bad)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%q", bad)
	}
	assert.Len(t, lead.Channels(), 13)
	for _, c := range lead.Channels() {
		assert.True(t, c.IsBuiltin())
		got, err := lead.ParseChannel(c.String())
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
}

func TestCustomSources(t *testing.T) {
	s, err := lead.NewSources("Partner portal", "podcast")
	require.NoError(t, err)
	assert.Equal(t, []lead.Channel{"partner_portal", "podcast"}, s.Custom())
	assert.Len(t, s.All(), 15)
	got, err := s.Parse("PARTNER-PORTAL")
	require.NoError(t, err)
	assert.Equal(t, lead.Channel("partner_portal"), got)
	assert.NoError(t, s.Validate("podcast"))
	assert.NoError(t, s.Validate(lead.ChannelReferral))
	assert.ErrorIs(t, lead.Sources{}.Validate("podcast"), crmkit.ErrInvalid)
	_, err = lead.ParseChannel("podcast")
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "custom channels need the Sources that define them")

	// A lead from a custom source needs the Sources.
	clock := crmkit.NewFakeClock(t0)
	_, _, err = lead.New(lead.Capture{Who: lead.Person{Name: "A"}, Source: "podcast"}, crmkit.Cmd{By: "rep", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	l, _, err := lead.New(lead.Capture{Who: lead.Person{Name: "A"}, Source: "podcast", Sources: s}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, lead.Channel("podcast"), l.Source)

	for name, bad := range map[string][]string{
		"empty":     {""},
		"builtin":   {"Referral"},
		"alias":     {"chatbot"},
		"repeat":    {"podcast", "Podcast"},
		"bad chars": {"pod*cast"},
	} {
		_, err := lead.NewSources(bad...)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

func TestParseEventAndTouchKinds(t *testing.T) {
	for in, want := range map[string]lead.EventKind{
		"Webinar": lead.EventWebinar, "trade show": lead.EventTradeShow, "Trade-Show": lead.EventTradeShow,
		"lunch": lead.EventLunch, "peer-to-peer meeting": lead.EventPeerMeeting, "sponsored": lead.EventSponsored,
		"sponsored event": lead.EventSponsored,
	} {
		got, err := lead.ParseEventKind(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := lead.ParseEventKind("rave")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Len(t, lead.EventKinds(), 5)

	got, err := lead.ParseTouchKind("Email open")
	require.NoError(t, err)
	assert.Equal(t, lead.TouchEmailOpen, got)
	_, err = lead.ParseTouchKind("wink")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	for _, k := range lead.TouchKinds() {
		got, err := lead.ParseTouchKind(string(k))
		require.NoError(t, err)
		assert.Equal(t, k, got)
	}
}

func TestParseStage(t *testing.T) {
	for in, want := range map[string]lead.Stage{
		"suspect": lead.StageSuspect, "MQL": lead.StageMQL, " sql ": lead.StageSQL,
		"Marketing Qualified Lead": lead.StageMQL, "sales-qualified-lead": lead.StageSQL,
		"converted": lead.StageConverted, "Nurture": lead.StageNurture, "disqualified": lead.StageDisqualified,
	} {
		got, err := lead.ParseStage(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "lead", "Stage(0)", "0", "opportunity"} {
		_, err := lead.ParseStage(bad)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, bad)
	}
	for _, s := range lead.Stages() {
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back lead.Stage
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
	}
	// The zero Stage is the explicit unset: it has a text form, but is no
	// stage, and ParseStage (which parses stages) refuses it.
	b, err := lead.Stage(0).MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "unset", string(b))
	assert.False(t, lead.Stage(0).Valid())
	_, err = lead.ParseStage("unset")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = lead.Stage(7).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "Stage(7)", lead.Stage(7).String())
	assert.True(t, lead.StageConverted.Final())
	assert.True(t, lead.StageDisqualified.Final())
	assert.False(t, lead.StageNurture.Final())
}

// FuzzParseChannel: parsing an external name never panics; what it accepts
// is a built-in channel in canonical form, parsing is idempotent, and
// errors match ErrInvalid.
func FuzzParseChannel(f *testing.F) {
	for _, s := range []string{"referral", "Live Chat", "e-mail", "", " ", "__", "a.b/c-d", "\xff", "chatbot", strings.Repeat("a", 70)} {
		f.Add(s)
	}
	custom, err := lead.NewSources("Partner portal")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, s := range []lead.Sources{{}, custom} {
			c, err := s.Parse(name)
			if err != nil {
				if !errorsIsInvalid(err) {
					t.Fatalf("error %v does not match ErrInvalid", err)
				}
				continue
			}
			if !s.Contains(c) || !utf8.ValidString(string(c)) || strings.ContainsAny(string(c), " -./") {
				t.Fatalf("%q parsed to non-canonical %q", name, c)
			}
			again, err := s.Parse(string(c))
			if err != nil || again != c {
				t.Fatalf("reparse of %q: %q, %v", c, again, err)
			}
		}
	})
}

// FuzzParseStage: ParseStage never panics, accepts only valid stages, and
// round-trips through String.
func FuzzParseStage(f *testing.F) {
	for _, s := range []string{"suspect", "MQL", "sales qualified lead", "", "Stage(9)", "\x00", "nurture "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		s, err := lead.ParseStage(name)
		if err != nil {
			if !errorsIsInvalid(err) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if !s.Valid() {
			t.Fatalf("%q parsed to invalid %d", name, s)
		}
		back, err := lead.ParseStage(s.String())
		if err != nil || back != s {
			t.Fatalf("round trip of %s: %s, %v", s, back, err)
		}
	})
}

// FuzzParseNames covers the other external names: event kinds, touch
// kinds, temperatures and actions.
func FuzzParseNames(f *testing.F) {
	for _, s := range []string{"webinar", "Trade show", "email open", "hot", "qualify", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if k, err := lead.ParseEventKind(name); err == nil {
			if back, err := lead.ParseEventKind(string(k)); err != nil || back != k {
				t.Fatalf("event kind %q does not round-trip", k)
			}
		} else if !errorsIsInvalid(err) {
			t.Fatal(err)
		}
		if k, err := lead.ParseTouchKind(name); err == nil {
			if back, err := lead.ParseTouchKind(string(k)); err != nil || back != k {
				t.Fatalf("touch kind %q does not round-trip", k)
			}
		} else if !errorsIsInvalid(err) {
			t.Fatal(err)
		}
		if tc, err := lead.ParseTemperature(name); err == nil {
			if !tc.Valid() {
				t.Fatalf("invalid temperature %d", tc)
			}
		} else if !errorsIsInvalid(err) {
			t.Fatal(err)
		}
		if a, err := lead.ParseAction(name); err == nil {
			if !a.Valid() {
				t.Fatalf("invalid action %d", a)
			}
		} else if !errorsIsInvalid(err) {
			t.Fatal(err)
		}
	})
}

func TestChannelAreas(t *testing.T) {
	want := map[lead.Channel]lead.MarketingArea{
		lead.ChannelReferral: lead.AreaSales, lead.ChannelAdvertising: lead.AreaLeadGeneration,
		lead.ChannelEvent: lead.AreaEvents, lead.ChannelPurchasedList: lead.AreaLeadGeneration,
		lead.ChannelInboundContent: lead.AreaLeadGeneration, lead.ChannelEmail: lead.AreaLeadGeneration,
		lead.ChannelSocial: lead.AreaSocialMedia, lead.ChannelNetworking: lead.AreaSales,
		lead.ChannelLocalAdvertising: lead.AreaLeadGeneration, lead.ChannelLiveChat: lead.AreaLeadGeneration,
		lead.ChannelReopenedDeal: lead.AreaSales, lead.ChannelThirdPartyMeeting: lead.AreaSales,
		lead.ChannelCustomerFeedback: lead.AreaSales,
	}
	require.Len(t, want, len(lead.Channels()))
	for _, c := range lead.Channels() {
		assert.Equal(t, want[c], c.Area(), c.String())
	}
	assert.Equal(t, lead.AreaOther, lead.Channel("podcast").Area())
}
