package lead

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
)

// Channel names where a lead came from or where a touchpoint happened: a
// referral, an advertising response, an event, a purchased list, ... The
// built-in channels are the constants below; a company adds its own with
// NewSources. A Channel is stored in its canonical form: lower case ASCII
// letters, digits and underscores, such as "live_chat".
type Channel string

// The built-in channels, from the sales-lead literature the library follows.
const (
	// ChannelReferral is a recommendation by an existing customer, or by
	// someone who has not bought (see Lead.ReferredBy).
	ChannelReferral Channel = "referral"
	// ChannelAdvertising is a response to advertising.
	ChannelAdvertising Channel = "advertising"
	// ChannelEvent is an event: a webinar, lunch, trade show, peer meeting or
	// sponsored event (see EventKind).
	ChannelEvent Channel = "event"
	// ChannelPurchasedList is a contact from a bought list, typically used for
	// e-mail campaigns.
	ChannelPurchasedList Channel = "purchased_list"
	// ChannelInboundContent is content the lead found and engaged with: a
	// blog post, an infographic, a video (views, likes, reactions).
	ChannelInboundContent Channel = "inbound_content"
	// ChannelEmail is an e-mail campaign or an e-mail the lead sent.
	ChannelEmail Channel = "email"
	// ChannelSocial is social media, such as LinkedIn.
	ChannelSocial Channel = "social"
	// ChannelNetworking is networking, such as a chamber of commerce.
	ChannelNetworking Channel = "networking"
	// ChannelLocalAdvertising is local advertising.
	ChannelLocalAdvertising Channel = "local_advertising"
	// ChannelLiveChat is the website's live chat or chatbot.
	ChannelLiveChat Channel = "live_chat"
	// ChannelReopenedDeal is a closed-lost opportunity re-opened as a lead.
	ChannelReopenedDeal Channel = "reopened_deal"
	// ChannelThirdPartyMeeting is a meeting arranged by a third party.
	ChannelThirdPartyMeeting Channel = "third_party_meeting"
	// ChannelCustomerFeedback is feedback from a customer that reveals a need.
	ChannelCustomerFeedback Channel = "customer_feedback"
)

// builtinChannels lists the built-in channels in a stable order.
var builtinChannels = [...]Channel{
	ChannelReferral, ChannelAdvertising, ChannelEvent, ChannelPurchasedList,
	ChannelInboundContent, ChannelEmail, ChannelSocial, ChannelNetworking,
	ChannelLocalAdvertising, ChannelLiveChat, ChannelReopenedDeal,
	ChannelThirdPartyMeeting, ChannelCustomerFeedback,
}

// channelAliases maps other spellings found in imports to the built-in
// channels. Keys are in canonical form (see canonicalName).
var channelAliases = map[string]Channel{
	"e_mail":             ChannelEmail,
	"mail":               ChannelEmail,
	"chatbot":            ChannelLiveChat,
	"chat":               ChannelLiveChat,
	"social_media":       ChannelSocial,
	"linkedin":           ChannelSocial,
	"ads":                ChannelAdvertising,
	"ad":                 ChannelAdvertising,
	"advert":             ChannelAdvertising,
	"content":            ChannelInboundContent,
	"inbound":            ChannelInboundContent,
	"list":               ChannelPurchasedList,
	"events":             ChannelEvent,
	"referrals":          ChannelReferral,
	"reopened":           ChannelReopenedDeal,
	"closed_lost":        ChannelReopenedDeal,
	"reopened_lost_deal": ChannelReopenedDeal,
	"feedback":           ChannelCustomerFeedback,
}

// Channels returns the built-in channels in a stable order.
func Channels() []Channel { return slices.Clone(builtinChannels[:]) }

// IsBuiltin reports whether c is one of the built-in channel constants.
func (c Channel) IsBuiltin() bool { return slices.Contains(builtinChannels[:], c) }

// String returns the channel's canonical name.
func (c Channel) String() string { return string(c) }

// canonicalName lower-cases s, trims it and turns spaces, hyphens, dots and
// slashes into single underscores: "Live Chat" -> "live_chat". It reports
// false when the result is empty or holds a character other than ASCII
// letters, digits and underscores.
func canonicalName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return "", false
	}
	var b strings.Builder
	b.Grow(len(s))
	under := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if under && b.Len() > 0 {
				b.WriteByte('_')
			}
			under = false
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '_' || c == '.' || c == '/':
			under = true
		default:
			return "", false
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

// ParseChannel parses the external name of a built-in channel, as found in
// an import or a form: case, surrounding spaces and the separators " ", "-",
// "." and "/" do not matter, and common aliases are understood ("E-mail",
// "chatbot", "LinkedIn", "Closed lost"). An unknown name is an error that
// matches crmkit.ErrInvalid; to accept a company's own channels use
// Sources.Parse.
func ParseChannel(name string) (Channel, error) {
	return Sources{}.Parse(name)
}

// Sources is the set of channels a company accepts: the built-in ones plus
// its own. The zero Sources accepts the built-in channels only. A Sources
// is immutable after NewSources and safe for concurrent use.
type Sources struct {
	custom map[Channel]string // canonical channel -> display name
}

// NewSources returns the built-in channels plus the custom ones named, for
// example "Partner portal" (stored as "partner_portal"). A name that is
// empty, holds characters other than letters, digits, spaces, "-", "_",
// "." and "/", is longer than 64 bytes, repeats another custom name, or
// collides with a built-in channel or alias is an error matching
// crmkit.ErrInvalid.
func NewSources(custom ...string) (Sources, error) {
	s := Sources{custom: make(map[Channel]string, len(custom))}
	for i, name := range custom {
		field := fmt.Sprintf("sources[%d]", i)
		c, ok := canonicalName(name)
		if !ok {
			return Sources{}, crmkit.Invalid(field, "%q is not a channel name (letters, digits, spaces, '-', '_', '.', '/'; at most 64 bytes)", name)
		}
		if Channel(c).IsBuiltin() || channelAliases[c] != "" {
			return Sources{}, crmkit.Invalid(field, "%q is a built-in channel", name)
		}
		if _, dup := s.custom[Channel(c)]; dup {
			return Sources{}, crmkit.Invalid(field, "%q repeats channel %q", name, c)
		}
		s.custom[Channel(c)] = strings.TrimSpace(name)
	}
	return s, nil
}

// Custom returns the company's own channels, sorted.
func (s Sources) Custom() []Channel {
	return slices.Sorted(maps.Keys(s.custom))
}

// All returns the built-in channels followed by the custom ones, sorted.
func (s Sources) All() []Channel {
	return append(Channels(), s.Custom()...)
}

// Contains reports whether c is a built-in channel or one of s's custom
// channels (in canonical form).
func (s Sources) Contains(c Channel) bool {
	if c.IsBuiltin() {
		return true
	}
	_, ok := s.custom[c]
	return ok
}

// Validate returns nil when c is accepted by s, and otherwise an error
// matching crmkit.ErrInvalid that names the channel.
func (s Sources) Validate(c Channel) error {
	if s.Contains(c) {
		return nil
	}
	return crmkit.Invalid("source", "unknown channel %q", string(c))
}

// Parse parses an external channel name like ParseChannel, also accepting
// s's custom channels by their display name or canonical form.
func (s Sources) Parse(name string) (Channel, error) {
	c, ok := canonicalName(name)
	if !ok {
		return "", crmkit.Invalid("source", "%q is not a channel name", name)
	}
	if Channel(c).IsBuiltin() {
		return Channel(c), nil
	}
	if a, ok := channelAliases[c]; ok {
		return a, nil
	}
	if _, ok := s.custom[Channel(c)]; ok {
		return Channel(c), nil
	}
	return "", crmkit.Invalid("source", "unknown channel %q", name)
}

// EventKind says what kind of event a ChannelEvent lead came from.
type EventKind string

// The kinds of events named by the sales-lead literature.
const (
	EventWebinar     EventKind = "webinar"
	EventLunch       EventKind = "lunch"
	EventTradeShow   EventKind = "trade_show"
	EventPeerMeeting EventKind = "peer_meeting"
	EventSponsored   EventKind = "sponsored_event"
)

var eventKinds = [...]EventKind{EventWebinar, EventLunch, EventTradeShow, EventPeerMeeting, EventSponsored}

// EventKinds returns the known event kinds in a stable order.
func EventKinds() []EventKind { return slices.Clone(eventKinds[:]) }

// ParseEventKind parses an external event-kind name such as "Trade show",
// "trade-show" or "sponsored". An unknown name matches crmkit.ErrInvalid.
func ParseEventKind(name string) (EventKind, error) {
	c, ok := canonicalName(name)
	if ok {
		if c == "sponsored" {
			return EventSponsored, nil
		}
		if c == "peer_to_peer_meeting" || c == "p2p_meeting" {
			return EventPeerMeeting, nil
		}
		if slices.Contains(eventKinds[:], EventKind(c)) {
			return EventKind(c), nil
		}
	}
	return "", crmkit.Invalid("event kind", "unknown event kind %q", name)
}

// TouchKind says what the lead did at a touchpoint.
type TouchKind string

// The touchpoint kinds. Scoring gives each kind its own points.
const (
	TouchView      TouchKind = "view"       // viewed content (a page, a video)
	TouchLike      TouchKind = "like"       // liked a post or video
	TouchReaction  TouchKind = "reaction"   // commented or reacted
	TouchForm      TouchKind = "form"       // filled in a form
	TouchVisit     TouchKind = "visit"      // visited the website or a stand
	TouchCall      TouchKind = "call"       // phone call
	TouchEmailOpen TouchKind = "email_open" // opened an e-mail
	TouchClick     TouchKind = "click"      // clicked a link in an e-mail or ad
	TouchChat      TouchKind = "chat"       // live chat or chatbot conversation
	TouchMeeting   TouchKind = "meeting"    // met in person or online
	TouchAttend    TouchKind = "attend"     // attended an event
	TouchDownload  TouchKind = "download"   // downloaded content
	TouchReply     TouchKind = "reply"      // replied to an e-mail
)

var touchKinds = [...]TouchKind{
	TouchView, TouchLike, TouchReaction, TouchForm, TouchVisit, TouchCall,
	TouchEmailOpen, TouchClick, TouchChat, TouchMeeting, TouchAttend,
	TouchDownload, TouchReply,
}

// TouchKinds returns the known touchpoint kinds in a stable order.
func TouchKinds() []TouchKind { return slices.Clone(touchKinds[:]) }

// ParseTouchKind parses an external touchpoint-kind name such as "Email
// open" or "VIEW". An unknown name matches crmkit.ErrInvalid.
func ParseTouchKind(name string) (TouchKind, error) {
	c, ok := canonicalName(name)
	if ok && slices.Contains(touchKinds[:], TouchKind(c)) {
		return TouchKind(c), nil
	}
	return "", crmkit.Invalid("touch kind", "unknown touchpoint kind %q", name)
}

// MarketingArea is the part of operational marketing (or of sales) that
// runs a channel, so that each area gets its own lead KPIs [KPI]:
// operational marketing (lead generation, events, social media) is
// measured by the leads it produces, beside strategic marketing, whose
// KPIs are not lead counts.
type MarketingArea string

// The areas of the built-in channels.
const (
	// AreaLeadGeneration: advertising, local advertising, purchased lists,
	// inbound content, e-mail and live chat.
	AreaLeadGeneration MarketingArea = "lead_generation"
	// AreaEvents: events of every kind.
	AreaEvents MarketingArea = "events"
	// AreaSocialMedia: social media.
	AreaSocialMedia MarketingArea = "social_media"
	// AreaSales: channels that sales relationships produce: referrals,
	// networking, re-opened deals, third-party meetings, customer feedback.
	AreaSales MarketingArea = "sales"
	// AreaOther: channels of the company's own.
	AreaOther MarketingArea = "other"
)

// Area returns the marketing area that runs c; custom channels are
// AreaOther.
func (c Channel) Area() MarketingArea {
	switch c {
	case ChannelAdvertising, ChannelLocalAdvertising, ChannelPurchasedList, ChannelInboundContent, ChannelEmail, ChannelLiveChat:
		return AreaLeadGeneration
	case ChannelEvent:
		return AreaEvents
	case ChannelSocial:
		return AreaSocialMedia
	case ChannelReferral, ChannelNetworking, ChannelReopenedDeal, ChannelThirdPartyMeeting, ChannelCustomerFeedback:
		return AreaSales
	}
	return AreaOther
}
