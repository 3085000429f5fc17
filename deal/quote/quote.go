package quote

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Status is where a Quote stands:
//
//	Draft -> PendingApproval -> Approved | Rejected   (Submit; Approve, Reject)
//	Draft -> Approved                                   (Submit when the policy asks for no approval)
//	Approved -> Sent -> Accepted | Declined | Expired   (Send; Accept, Decline, Expire)
//
// Accepted is final. From every other status except Draft, Revise starts
// the next version as a Draft. The zero value is not a status.
type Status uint8

// The quote statuses.
const (
	_ Status = iota
	// Draft is being edited: lines and validity may change.
	Draft
	// PendingApproval waits for its approval chain.
	PendingApproval
	// Approved may be sent to the customer.
	Approved
	// Rejected was refused by an approver; revise it.
	Rejected
	// Sent is with the customer.
	Sent
	// Accepted was accepted by the customer (final).
	Accepted
	// Declined was declined by the customer.
	Declined
	// Expired was sent but not accepted before ValidUntil.
	Expired
)

// ParseStatus parses the form String returns.
func ParseStatus(s string) (Status, error) {
	v, err := statusNames.Parse(s)
	if err == nil && !statusNames.Valid(v) {
		return 0, crmkit.Invalid("quote status", "%q is not a quote status", s)
	}
	return v, err
}

// QuoteKind is the AggregateKind of quote events.
const QuoteKind = "quote"

// Event types of the "quote" aggregate. Every quote command returns one
// of them, one event per command; a command that also changes the quote's
// approval request (Submit, Approve, Reject, Revise) folds the request's
// own "approval" event into its payload (the Approval field of
// SubmittedPayload, ApprovalPayload or ContentPayload),
// and the quote's state holds the request (Quote.Approval).
const (
	// EventQuoteCreated opens a quote; payload ContentPayload.
	EventQuoteCreated = "QuoteCreated"
	// EventQuoteLinesChanged replaces a draft's lines; payload ContentPayload.
	EventQuoteLinesChanged = "QuoteLinesChanged"
	// EventQuoteValidityChanged moves a draft's ValidUntil; payload ContentPayload.
	EventQuoteValidityChanged = "QuoteValidityChanged"
	// EventQuoteSubmitted sends a draft for approval; payload SubmittedPayload.
	EventQuoteSubmitted = "QuoteSubmitted"
	// EventQuoteApproved makes a quote sendable; payload SubmittedPayload.
	EventQuoteApproved = "QuoteApproved"
	// EventQuoteRejected records an approver's refusal; payload
	// ApprovalPayload.
	EventQuoteRejected = "QuoteRejected"
	// EventQuoteStepApproved records the approval of one step of a
	// chain that needs more (the quote stays pending); payload
	// ApprovalPayload.
	EventQuoteStepApproved = "QuoteStepApproved"
	// EventQuoteSent records that the quote went to the customer.
	EventQuoteSent = "QuoteSent"
	// EventQuoteAccepted records the customer's acceptance.
	EventQuoteAccepted = "QuoteAccepted"
	// EventQuoteDeclined records the customer's refusal.
	EventQuoteDeclined = "QuoteDeclined"
	// EventQuoteExpired records that a sent quote reached ValidUntil.
	EventQuoteExpired = "QuoteExpired"
	// EventQuoteRevised starts the next version as a draft; payload ContentPayload.
	EventQuoteRevised = "QuoteRevised"
)

// Line is one item of a quote: Quantity units of Product at UnitPrice
// each, less the share Discount.
//
//   - Product is the host application's product key, required.
//   - Quantity is positive, at most 10^12, with at most 6 decimal places
//     (hours, kilograms and licences alike).
//   - UnitPrice is zero or positive, in the quote's currency.
//   - Discount is a fraction in [0, 1] (0.15 is 15 %; crmkit.CheckFraction)
//     with at most 6 decimal places; the zero value is no discount.
type Line struct {
	Product   string          `json:"product"`
	Quantity  decimal.Decimal `json:"quantity"`
	UnitPrice crmkit.Money    `json:"unit_price"`
	Discount  decimal.Decimal `json:"discount"`
}

// Limits on a quote line's numbers; see Line.
const (
	maxQuantityPlaces = 6
	maxDiscountPlaces = 6
)

// maxQuantity is the largest quantity of a line, 10^12.
const maxQuantity = 1_000_000_000_000

var one = decimal.NewFromInt(1)

// validate checks the line against cur; field prefixes the error's field.
func (l Line) validate(cur crmkit.Currency, field string) error {
	switch {
	case strings.TrimSpace(l.Product) == "":
		return crmkit.Invalid(field+".product", "empty product")
	case l.UnitPrice.Currency().IsZero():
		return crmkit.Invalid(field+".unit_price", "price of %q has no currency", l.Product)
	case l.UnitPrice.Currency() != cur:
		return fmt.Errorf("%s: price of %q is in %s, the quote in %s: %w", field, l.Product, l.UnitPrice.Currency(), cur, crmkit.ErrCurrencyMismatch)
	case l.UnitPrice.Sign() < 0:
		return crmkit.Invalid(field+".unit_price", "negative price %s for %q", l.UnitPrice, l.Product)
	}
	if _, err := crmkit.CheckDecimal(field+".quantity", l.Quantity, maxQuantityPlaces, maxQuantity); err != nil {
		return fmt.Errorf("product %q: %w", l.Product, err)
	}
	if l.Quantity.Sign() <= 0 {
		return crmkit.Invalid(field+".quantity", "quantity %s of %q is not positive", l.Quantity, l.Product)
	}
	if err := checkDiscount(field+".discount", l.Discount); err != nil {
		return fmt.Errorf("product %q: %w", l.Product, err)
	}
	return nil
}

// checkDiscount accepts a discount rate: a fraction in [0, 1] with at most
// maxDiscountPlaces decimal places.
func checkDiscount(field string, d decimal.Decimal) error {
	_, err := crmkit.CheckDecimal(field, d, maxDiscountPlaces, 1)
	return err
}

// Totals returns the line's gross and net amounts in minor units:
//
//	gross = round(Quantity × UnitPrice)
//	net   = round(Quantity × UnitPrice × (1 − Discount))
//
// each computed exactly and rounded once to the currency's minor unit with
// crmkit.RoundHalfEven (banker's rounding). The line's discount amount is
// gross − net. Errors: ErrInvalid for a bad line (see Line),
// ErrOverflow if an amount does not fit int64 minor units.
func (l Line) Totals() (gross, net crmkit.Money, err error) {
	cur := l.UnitPrice.Currency()
	if err := l.validate(cur, "line"); err != nil {
		return crmkit.Money{}, crmkit.Money{}, err
	}
	g, n, err := lineTotals(l)
	if err != nil {
		return crmkit.Money{}, crmkit.Money{}, err
	}
	gross, _ = crmkit.NewMoney(g, cur)
	net, _ = crmkit.NewMoney(n, cur)
	return gross, net, nil
}

// lineTotals computes a line's gross and net minor units: in integers when
// the line fits (no allocation), else with exact decimals after validating
// the line, so that no hand-built line can make the decimal path build huge
// numbers.
func lineTotals(l Line) (gross, net int64, err error) {
	if g, n, ok := lineTotalsFast(l); ok {
		return g, n, nil
	}
	if err := l.validate(l.UnitPrice.Currency(), "line"); err != nil {
		return 0, 0, err
	}
	g, err := l.UnitPrice.Mul(l.Quantity, crmkit.RoundHalfEven)
	if err != nil {
		return 0, 0, fmt.Errorf("line %q: %w", l.Product, err)
	}
	rate := l.Quantity.Mul(one.Sub(l.Discount))
	n, err := l.UnitPrice.Mul(rate, crmkit.RoundHalfEven)
	if err != nil {
		return 0, 0, fmt.Errorf("line %q: %w", l.Product, err)
	}
	return g.Minor(), n.Minor(), nil
}

var pow10u64 = [...]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// lineTotalsFast computes Totals in 128-bit integer arithmetic without
// allocating, for the usual lines: quantity and discount coefficients in
// int64 and the product price × quantity in 64 bits. ok is false when the
// line does not fit; the caller then takes the decimal path.
//
// With Quantity = qc·10^qe and (1 − Discount) = kc·10^ke (ke ≤ 0):
// gross = p·qc / 10^(−qe), net = p·qc·kc / 10^(−qe − ke).
func lineTotalsFast(l Line) (gross, net int64, ok bool) {
	p := l.UnitPrice.Minor()
	if p < 0 || l.Quantity.NumDigits() > 18 || l.Discount.NumDigits() > 18 {
		return 0, 0, false
	}
	qc, qe := l.Quantity.CoefficientInt64(), l.Quantity.Exponent()
	if qc <= 0 {
		return 0, 0, false
	}
	for ; qe > 0; qe-- {
		hi, lo := bits.Mul64(uint64(qc), 10)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, 0, false
		}
		qc = int64(lo)
	}
	dc, de := l.Discount.CoefficientInt64(), l.Discount.Exponent()
	var kc uint64
	var ke int32
	if dc < 0 {
		return 0, 0, false
	}
	if de >= 0 {
		if de > 1 || uint64(dc)*pow10u64[de] > 1 {
			return 0, 0, false
		}
		kc = 1 - uint64(dc)*pow10u64[de]
	} else {
		if de < -18 || uint64(dc) > pow10u64[-de] {
			return 0, 0, false
		}
		kc = pow10u64[-de] - uint64(dc)
		ke = de
	}
	hi, pq := bits.Mul64(uint64(p), uint64(qc))
	if hi != 0 {
		return 0, 0, false
	}
	gross, ok = roundHalfEven(0, pq, -qe)
	if !ok {
		return 0, 0, false
	}
	hi, lo := bits.Mul64(pq, kc)
	net, ok = roundHalfEven(hi, lo, -qe-ke)
	return gross, net, ok
}

// roundHalfEven returns (hi·2^64 + lo) / 10^s rounded half to even, or
// ok=false if s is beyond 19 or the result does not fit int64.
func roundHalfEven(hi, lo uint64, s int32) (int64, bool) {
	if s < 0 || s > 19 {
		return 0, false
	}
	div := pow10u64[s]
	if hi >= div {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, div)
	if rest := div - r; r > rest || (r == rest && q%2 == 1) {
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	return int64(q), true
}

// Totals are the exact totals of a quote in its currency: Gross is
// the sum of the lines' gross amounts, Net the sum of their net amounts
// (what the customer pays, before tax), Discount = Gross − Net. Each line is
// rounded once (see Line.Totals); the sums are exact.
type Totals struct {
	Gross    crmkit.Money `json:"gross"`
	Discount crmkit.Money `json:"discount"`
	Net      crmkit.Money `json:"net"`
	// MaxLineDiscount is the largest Discount of any line, a fraction.
	MaxLineDiscount decimal.Decimal `json:"max_line_discount"`
}

// DiscountRate returns the overall discount (Gross − Net) / Gross, a
// fraction in [0, 1], rounded half-even to places decimal places (0 to
// 18); zero when Gross is zero.
func (t Totals) DiscountRate(places int32) decimal.Decimal {
	places = min(max(places, 0), 18)
	if t.Gross.Minor() <= 0 {
		return decimal.Zero
	}
	g := decimal.NewFromInt(t.Gross.Minor())
	// q is the quotient truncated at places digits, r the exact rest.
	q, r := decimal.NewFromInt(t.Discount.Minor()).QuoRem(g, places)
	if r.IsZero() {
		return q
	}
	unit := decimal.New(1, -places)
	c := r.Abs().Mul(decimal.NewFromInt(2)).Cmp(g.Mul(unit))
	odd := q.Shift(places).Mod(decimal.NewFromInt(2)).Sign() != 0
	if c > 0 || (c == 0 && odd) {
		if r.Sign() < 0 {
			return q.Sub(unit)
		}
		return q.Add(unit)
	}
	return q
}

// discountAbove reports whether the overall discount is strictly above
// rate, exactly: Gross − Net > rate·Gross.
func (t Totals) discountAbove(rate decimal.Decimal) bool {
	if t.Gross.IsZero() {
		return false
	}
	return decimal.NewFromInt(t.Discount.Minor()).GreaterThan(rate.Mul(decimal.NewFromInt(t.Gross.Minor())))
}

// LinesTotals adds up lines in cur exactly (see Totals). It validates
// every line first: an empty product, a non-positive quantity, a negative
// price, a discount outside [0, 1] are ErrInvalid, a price in another
// currency ErrCurrencyMismatch, a sum beyond int64 minor units ErrOverflow.
func LinesTotals(cur crmkit.Currency, lines []Line) (Totals, error) {
	if cur.IsZero() {
		return Totals{}, crmkit.Invalid("currency", "missing currency")
	}
	for i, l := range lines {
		if err := l.validate(cur, fmt.Sprintf("lines[%d]", i)); err != nil {
			return Totals{}, err
		}
	}
	return linesTotals(cur, lines)
}

func linesTotals(cur crmkit.Currency, lines []Line) (Totals, error) {
	var gross, net int64
	var maxDisc decimal.Decimal
	for i, l := range lines {
		if l.UnitPrice.Currency() != cur {
			return Totals{}, fmt.Errorf("lines[%d]: price of %q is in %s, the quote in %s: %w", i, l.Product, l.UnitPrice.Currency(), cur, crmkit.ErrCurrencyMismatch)
		}
		g, n, err := lineTotals(l)
		if err != nil {
			return Totals{}, fmt.Errorf("lines[%d]: %w", i, err)
		}
		var overflow bool
		if gross, overflow = addInt64(gross, g); overflow {
			return Totals{}, fmt.Errorf("gross total in %s at lines[%d]: %w", cur, i, crmkit.ErrOverflow)
		}
		if net, overflow = addInt64(net, n); overflow {
			return Totals{}, fmt.Errorf("net total in %s at lines[%d]: %w", cur, i, crmkit.ErrOverflow)
		}
		if i == 0 || l.Discount.GreaterThan(maxDisc) {
			maxDisc = l.Discount
		}
	}
	t := Totals{MaxLineDiscount: maxDisc}
	t.Gross, _ = crmkit.NewMoney(gross, cur)
	t.Net, _ = crmkit.NewMoney(net, cur)
	// 0 <= net <= gross for valid lines, so the difference fits.
	t.Discount, _ = crmkit.NewMoney(gross-net, cur)
	return t, nil
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) != (b > 0)
}

// DiscountBasis says which discount a ApprovalRule looks at.
type DiscountBasis uint8

// The discount bases.
const (
	_ DiscountBasis = iota
	// MaxLineDiscount is the largest Discount of any line.
	MaxLineDiscount
	// OverallDiscount is (Gross − Net) / Gross of the whole quote,
	// compared exactly (never rounded).
	OverallDiscount
)

// ApprovalRule says that a quote whose discount (on Basis) is strictly
// above Above, a fraction in [0, 1) (0.15 is 15 %), needs the approval of
// somebody holding Role.
type ApprovalRule struct {
	Basis DiscountBasis   `json:"basis"`
	Above decimal.Decimal `json:"above"`
	Role  string          `json:"role"`
}

// ApprovalPolicy decides which approvals a quote needs before it may
// be sent. It is data: build it in code or load it from JSON, then
// Validate it.
//
// Every rule whose threshold the quote exceeds adds its role; the roles
// form one approval chain ordered by threshold, lowest first (a manager
// before a director), each role once. With HighestOnly, only the role of
// the highest exceeded threshold is asked. A quote that exceeds no rule
// needs no approval: Submit approves it at once.
//
// The approval request expires at the quote's ValidUntil, or earlier after
// TTL if TTL is positive; zero for both means it never expires.
type ApprovalPolicy struct {
	Rules       []ApprovalRule `json:"rules"`
	HighestOnly bool           `json:"highest_only,omitempty"`
	TTL         time.Duration  `json:"ttl,omitempty"`
}

// DefaultApprovalPolicy is the usual discount ladder: a line discount
// above 15% needs a "manager", above 30% also a "director".
func DefaultApprovalPolicy() ApprovalPolicy {
	return ApprovalPolicy{Rules: []ApprovalRule{
		{Basis: MaxLineDiscount, Above: decimal.New(15, -2), Role: "manager"},
		{Basis: MaxLineDiscount, Above: decimal.New(30, -2), Role: "director"},
	}}
}

// Validate reports the first malformed rule: an unknown basis, an empty
// role, a threshold outside [0, 1) or with more than 6 decimal places; or
// a negative TTL.
func (p ApprovalPolicy) Validate() error {
	if p.TTL < 0 {
		return crmkit.Invalid("ttl", "negative approval ttl %s", p.TTL)
	}
	for i, r := range p.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		switch {
		case !r.Basis.Valid():
			return crmkit.Invalid(field+".basis", "%s is not a discount basis", r.Basis)
		case strings.TrimSpace(r.Role) == "":
			return crmkit.Invalid(field+".role", "empty role")
		}
		if err := checkDiscount(field+".above", r.Above); err != nil {
			return err
		}
		if r.Above.Equal(one) {
			return crmkit.Invalid(field+".above", "threshold 1 is outside [0, 1): no discount is above it")
		}
	}
	return nil
}

// RequiredRoles returns the approval chain the policy asks for a quote
// with totals t (empty: no approval needed). The policy must be valid.
func (p ApprovalPolicy) RequiredRoles(t Totals) []string {
	var hit []ApprovalRule
	for _, r := range p.Rules {
		var above bool
		switch r.Basis {
		case MaxLineDiscount:
			above = t.MaxLineDiscount.GreaterThan(r.Above)
		case OverallDiscount:
			above = t.discountAbove(r.Above)
		}
		if above {
			hit = append(hit, r)
		}
	}
	slices.SortStableFunc(hit, func(a, b ApprovalRule) int { return a.Above.Cmp(b.Above) })
	if p.HighestOnly && len(hit) > 0 {
		hit = hit[len(hit)-1:]
	}
	var roles []string
	for _, r := range hit {
		if !slices.Contains(roles, r.Role) {
			roles = append(roles, r.Role)
		}
	}
	return roles
}

// Quote is a priced offer on a deal, in one currency. Its totals are exact
// (Totals). It moves through Status by the methods below, each of
// which returns a new Quote and the events that record the change and never
// changes its receiver; a rejected call returns an error and nothing else.
//
// Version is the revision the customer sees (1, 2, ...): Revise starts the
// next one as a Draft under the same ID, and the caller keeps the old
// value (or its events) as history. Seq counts the quote's events so far
// and is the Version of its latest event; storage uses it for optimistic
// concurrency.
//
// A quote that needs approval (ApprovalPolicy) cannot be sent before
// its Approval is granted: Send only leaves Approved, and checks the grant
// against the policy again at the time of sending, so neither a hand-built
// value nor an approval that ran out gets through. Replay rebuilds a
// quote from its events.
type Quote struct {
	ID       uuid.UUID       `json:"id"`
	DealID   uuid.UUID       `json:"deal_id"`
	Version  int             `json:"version"`
	Currency crmkit.Currency `json:"currency"`
	Lines    []Line          `json:"lines"`
	Status   Status          `json:"status"`
	// Approval is the approval request of this version, nil while a
	// draft or when the policy asked for none.
	Approval *approval.Request `json:"approval,omitempty"`
	// ValidUntil is the end of the offer (exclusive); zero for open-ended.
	ValidUntil time.Time `json:"valid_until,omitzero"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	// SentAt is when this version was sent (zero if not).
	SentAt time.Time `json:"sent_at,omitzero"`
	Seq    int64     `json:"seq"`
}

// ContentPayload is the payload of EventQuoteCreated,
// EventQuoteLinesChanged, EventQuoteValidityChanged and EventQuoteRevised:
// the content of the draft after the event.
type ContentPayload struct {
	DealID     uuid.UUID       `json:"deal_id"`
	Version    int             `json:"version"`
	Currency   crmkit.Currency `json:"currency"`
	Lines      []Line          `json:"lines"`
	ValidUntil time.Time       `json:"valid_until,omitzero"`
	// Approval is, on EventQuoteRevised of a quote pending approval, the
	// event that cancelled (or expired) its request.
	Approval *crmkit.Event `json:"approval,omitempty"`
}

// ApprovalPayload is the payload of EventQuoteStepApproved and
// EventQuoteRejected: the approval request's own event of the decision.
type ApprovalPayload struct {
	Approval crmkit.Event `json:"approval"`
}

// SubmittedPayload is the payload of EventQuoteSubmitted and
// EventQuoteApproved: the version, its totals and the approval asked for
// (no roles and a nil request when none was needed).
type SubmittedPayload struct {
	Version    int       `json:"version"`
	Totals     Totals    `json:"totals"`
	Roles      []string  `json:"roles,omitempty"`
	ApprovalID uuid.UUID `json:"approval_id,omitzero"`
	// Approval is the approval request's own event: its creation on
	// EventQuoteSubmitted, the last step on EventQuoteApproved after a
	// chain (nil when no approval was needed).
	Approval *crmkit.Event `json:"approval,omitempty"`
}

// New creates version 1 of a quote on deal dealID in cur, as a Draft
// with lines (possibly none yet), valid until validUntil (zero for
// open-ended), created by c.By at c.At.
//
// Errors: ErrInvalid for a nil deal ID, a missing currency, a command
// crmkit.Cmd.Validate refuses, validUntil not after c.At, or a bad line (see Line);
// ErrCurrencyMismatch for a line priced in another currency; ErrOverflow
// for totals beyond int64 minor units.
func New(dealID uuid.UUID, cur crmkit.Currency, lines []Line, validUntil time.Time, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	by, at := c.By, c.At
	if err := c.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("new quote on deal %s: %w", dealID, err)
	}
	switch {
	case dealID == uuid.Nil:
		return Quote{}, crmkit.Event{}, crmkit.Invalid("deal id", "nil UUID")
	case cur.IsZero():
		return Quote{}, crmkit.Event{}, crmkit.Invalid("currency", "missing currency")
	case !validUntil.IsZero() && !validUntil.After(at):
		return Quote{}, crmkit.Event{}, crmkit.Invalid("valid until", "%s is not after the creation time %s", validUntil.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	if _, err := LinesTotals(cur, lines); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("new quote on deal %s: %w", dealID, err)
	}
	q := Quote{
		ID: c.NewID(), DealID: dealID, Version: 1, Currency: cur,
		Lines: slices.Clone(lines), Status: Draft, ValidUntil: validUntil,
		CreatedBy: by, CreatedAt: at, UpdatedAt: at, Seq: 1,
	}
	e, err := q.event(EventQuoteCreated, c, q.content())
	if err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	return q, e, nil
}

// Clone returns a deep copy of q: lines and approval are not shared.
func (q Quote) Clone() Quote {
	q.Lines = slices.Clone(q.Lines)
	if q.Approval != nil {
		a := q.Approval.Clone()
		q.Approval = &a
	}
	return q
}

// Totals returns the exact totals of the quote's lines (see Totals).
func (q Quote) Totals() (Totals, error) {
	if q.Currency.IsZero() {
		return Totals{}, crmkit.Invalid("currency", "quote %s has no currency", q.ID)
	}
	return linesTotals(q.Currency, q.Lines)
}

// ExpiredAt reports whether the quote has a ValidUntil and at is at or
// after it.
func (q Quote) ExpiredAt(at time.Time) bool {
	return !q.ValidUntil.IsZero() && !at.Before(q.ValidUntil)
}

// SetLines replaces the lines of a Draft (EventQuoteLinesChanged). Errors
// as New for the lines; ErrIllegalTransition unless a Draft.
func (q Quote) SetLines(lines []Line, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("change the lines of", c, Draft); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if _, err := LinesTotals(q.Currency, lines); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	out := q.Clone()
	out.Lines = slices.Clone(lines)
	return out.emit(EventQuoteLinesChanged, q.Status, c, out.content())
}

// SetValidUntil moves the end of a Draft's offer (EventQuoteValidityChanged);
// zero makes it open-ended. ErrInvalid if it is not after c.At,
// ErrIllegalTransition unless a Draft.
func (q Quote) SetValidUntil(validUntil time.Time, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("change the validity of", c, Draft); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if !validUntil.IsZero() && !validUntil.After(c.At) {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("valid until", "%s is not after %s for quote %s", validUntil.Format(time.RFC3339), c.At.Format(time.RFC3339), q.ID)
	}
	out := q.Clone()
	out.ValidUntil = validUntil
	return out.emit(EventQuoteValidityChanged, q.Status, c, out.content())
}

// Submit asks for the approvals policy requires of the Draft's totals. If
// it requires any, the quote becomes PendingApproval with a new
// approval.Request requested by c.By (EventQuoteSubmitted, the request's
// approval.EventApprovalRequested in its payload); otherwise it becomes Approved
// at once (EventQuoteApproved, no request).
//
// Errors: ErrIllegalTransition unless a Draft; ErrInvalid for no lines,
// an invalid policy, a quote already past ValidUntil, a command
// crmkit.Cmd.Validate refuses or a time before the last change.
func (q Quote) Submit(policy ApprovalPolicy, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	by, at := c.By, c.At
	if err := q.checkCommand("submit", c, Draft); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if len(q.Lines) == 0 {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("lines", "quote %s v%d has no lines", q.ID, q.Version)
	}
	if q.ExpiredAt(at) {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("valid until", "quote %s v%d was valid until %s, before %s", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	if err := policy.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote approval policy: %w", err)
	}
	t, err := q.Totals()
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	roles := policy.RequiredRoles(t)
	payload := SubmittedPayload{Version: q.Version, Totals: t, Roles: roles}
	out := q.Clone()
	if len(roles) == 0 {
		out.Status = Approved
		nc := c
		nc.Reason = "no approval required"
		return out.emit(EventQuoteApproved, q.Status, nc, payload)
	}
	expires := q.ValidUntil
	if policy.TTL > 0 && (expires.IsZero() || at.Add(policy.TTL).Before(expires)) {
		expires = at.Add(policy.TTL)
	}
	a, ae, err := approval.New(ApprovalSubject(q.ID, q.Version), roles, expires, crmkit.Cmd{By: by, At: at, IDs: c.IDs})
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	payload.ApprovalID, payload.Approval = a.ID, &ae
	out.Approval = &a
	out.Status = PendingApproval
	return out.emit(EventQuoteSubmitted, q.Status, c, payload)
}

// Approve records the approval of the current step of the quote's
// approval chain by c.By holding roles (see approval.Request.Approve for
// who may), c.Reason its comment. When it completes the chain the quote
// becomes Approved (EventQuoteApproved); otherwise it stays pending
// (EventQuoteStepApproved). Either way the approval's own event is in the
// payload and the request in the quote's Approval.
//
// Errors: ErrIllegalTransition unless PendingApproval (or when the
// approval expired); ErrForbidden from the separation-of-duties rules;
// ErrInvalid for a command crmkit.Cmd.Validate refuses or a time before
// the last change.
func (q Quote) Approve(roles []string, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	return q.decide(roles, c, true)
}

// Reject records the rejection of the quote's approval by c.By holding
// roles, c.Reason its comment: the quote becomes Rejected
// (EventQuoteRejected, the approval's approval.EventApprovalRejected in its
// payload). Revise it to try again. Errors as Approve.
func (q Quote) Reject(roles []string, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	return q.decide(roles, c, false)
}

func (q Quote) decide(roles []string, c crmkit.Cmd, approve bool) (Quote, crmkit.Event, error) {
	verb := "approve"
	if !approve {
		verb = "reject"
	}
	if err := q.checkCommand(verb, c, PendingApproval); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if q.Approval == nil {
		return Quote{}, crmkit.Event{}, crmkit.Invalid("approval", "quote %s v%d is pending approval without a request", q.ID, q.Version)
	}
	by := approval.Cmd{Cmd: c, Roles: roles}
	var (
		a   approval.Request
		ae  crmkit.Event
		err error
	)
	if approve {
		a, ae, err = q.Approval.Approve(by)
	} else {
		a, ae, err = q.Approval.Reject(by)
	}
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	out := q.Clone()
	out.Approval = &a
	switch a.Status {
	case approval.Approved:
		t, err := q.Totals()
		if err != nil {
			return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
		}
		out.Status = Approved
		return out.emit(EventQuoteApproved, q.Status, c, SubmittedPayload{Version: q.Version, Totals: t, Roles: a.Roles(), ApprovalID: a.ID, Approval: &ae})
	case approval.Rejected:
		out.Status = Rejected
		return out.emit(EventQuoteRejected, q.Status, c, ApprovalPayload{Approval: ae})
	default:
		// An intermediate step: the quote stays pending.
		return out.emit(EventQuoteStepApproved, q.Status, c, ApprovalPayload{Approval: ae})
	}
}

// Send records that the Approved quote went to the customer
// (EventQuoteSent). The approval is checked again against policy (the one
// Submit used, or today's): if policy requires roles for the quote's
// totals, its Approval must be for this quote version, valid, granted at
// at and have a step for each required role. An Approval the quote carries
// must be granted at at even if policy no longer asks for it.
//
// Errors: ErrForbidden while the approval is pending or rejected, or when
// it is missing, expired or does not cover policy; ErrIllegalTransition
// from any other status but Approved, or at or after ValidUntil;
// ErrInvalid for an invalid policy, a command crmkit.Cmd.Validate refuses
// or a time before the last change.
func (q Quote) Send(policy ApprovalPolicy, c crmkit.Cmd) (Quote, crmkit.Event, error) {
	at := c.At
	switch q.Status {
	case PendingApproval, Rejected:
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d is %s: cannot send without approval: %w", q.ID, q.Version, q.Status, crmkit.ErrForbidden)
	}
	if err := q.checkCommand("send", c, Approved); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if q.ExpiredAt(at) {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d was valid until %s: cannot send: %w", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	if err := policy.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote approval policy: %w", err)
	}
	t, err := q.Totals()
	if err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
	}
	if err := q.checkApproval(policy.RequiredRoles(t), at); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	out := q.Clone()
	out.Status, out.SentAt = Sent, at
	return out.emit(EventQuoteSent, q.Status, c, nil)
}

// checkApproval returns ErrForbidden unless q's approval (if any, and
// required when roles is not empty) is this version's, granted at at, and
// has a distinct step for every role in roles.
func (q Quote) checkApproval(roles []string, at time.Time) error {
	a := q.Approval
	switch {
	case a == nil && len(roles) == 0:
		return nil
	case a == nil:
		return fmt.Errorf("quote %s v%d needs an approval by %s: %w", q.ID, q.Version, strings.Join(roles, ", "), crmkit.ErrForbidden)
	case a.Subject != ApprovalSubject(q.ID, q.Version):
		return fmt.Errorf("quote %s v%d: approval %s is for %q: %w", q.ID, q.Version, a.ID, a.Subject, crmkit.ErrForbidden)
	case !a.Granted(at):
		return fmt.Errorf("quote %s v%d: approval %s is %s, not granted at %s: %w", q.ID, q.Version, a.ID, a.StatusAt(at), at.Format(time.RFC3339), crmkit.ErrForbidden)
	}
	if !a.Covers(roles) {
		return fmt.Errorf("quote %s v%d: approval %s by %s does not cover the roles %s: %w", q.ID, q.Version, a.ID,
			strings.Join(a.Roles(), ", "), strings.Join(roles, ", "), crmkit.ErrForbidden)
	}
	return nil
}

// ApprovalSubject is the Subject of the approval request of version
// version of quote id.
func ApprovalSubject(id uuid.UUID, version int) string {
	return fmt.Sprintf("quote %s v%d", id, version)
}

// Accept records the customer's acceptance of the Sent quote
// (EventQuoteAccepted); c.By is who recorded it. ErrIllegalTransition
// unless Sent and before ValidUntil.
func (q Quote) Accept(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("accept", c, Sent); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	if q.ExpiredAt(c.At) {
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d expired at %s: cannot accept: %w", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	out := q.Clone()
	out.Status = Accepted
	return out.emit(EventQuoteAccepted, q.Status, c, nil)
}

// Decline records the customer's refusal of the Sent quote, with the
// reason c.Reason (EventQuoteDeclined). ErrIllegalTransition unless Sent.
func (q Quote) Decline(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("decline", c, Sent); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	out := q.Clone()
	out.Status = Declined
	return out.emit(EventQuoteDeclined, q.Status, c, nil)
}

// Expire records that a Sent quote reached its ValidUntil
// (EventQuoteExpired), as found by c.By (usually a system job) at c.At.
// The quote and the event carry ValidUntil itself as the time it expired.
// ErrInvalid for a command crmkit.Cmd.Validate refuses;
// ErrIllegalTransition unless Sent and expired at c.At.
func (q Quote) Expire(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := c.Validate(); err != nil {
		return Quote{}, crmkit.Event{}, fmt.Errorf("expire quote %s: %w", q.ID, err)
	}
	switch {
	case q.Status != Sent:
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d is %s: cannot expire: %w", q.ID, q.Version, q.Status, crmkit.ErrIllegalTransition)
	case !q.ExpiredAt(c.At):
		return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d is valid until %s, not expired at %s: %w", q.ID, q.Version, q.ValidUntil.Format(time.RFC3339), c.At.Format(time.RFC3339), crmkit.ErrIllegalTransition)
	}
	out := q.Clone()
	out.Status = Expired
	return out.emit(EventQuoteExpired, q.Status, crmkit.Cmd{By: c.By, At: q.ValidUntil, Reason: c.Reason, IDs: c.IDs}, nil)
}

// Revise starts the next version of the quote as a Draft with the same
// lines and validity (EventQuoteRevised, c.Reason its reason): Version+1,
// no approval, not sent. The caller keeps the old value as history. A
// pending approval is cancelled (or recorded as expired, if it has), and
// the request's event goes into the payload (ContentPayload.Approval).
//
// Errors: ErrIllegalTransition from Draft (edit it instead) or Accepted
// (final); ErrInvalid for a command crmkit.Cmd.Validate refuses or a time
// before the last change.
func (q Quote) Revise(c crmkit.Cmd) (Quote, crmkit.Event, error) {
	if err := q.checkCommand("revise", c, PendingApproval, Approved, Rejected, Sent, Declined, Expired); err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	var cancelled *crmkit.Event
	if q.Status == PendingApproval && q.Approval != nil {
		var (
			ae  crmkit.Event
			err error
		)
		ac := crmkit.Cmd{By: c.By, At: c.At, Reason: fmt.Sprintf("quote %s revised to v%d", q.ID, q.Version+1), IDs: c.IDs}
		if q.Approval.ExpiredAt(c.At) {
			_, ae, err = q.Approval.Expire(ac)
		} else {
			_, ae, err = q.Approval.Cancel(ac)
		}
		if err != nil {
			return Quote{}, crmkit.Event{}, fmt.Errorf("quote %s v%d: %w", q.ID, q.Version, err)
		}
		cancelled = &ae
	}
	out := q.Clone()
	out.Version++
	out.Status = Draft
	out.Approval = nil
	out.SentAt = time.Time{}
	payload := out.content()
	payload.Approval = cancelled
	return out.emit(EventQuoteRevised, q.Status, c, payload)
}

// checkCommand rejects a command unless crmkit.Cmd.Validate accepts it,
// its time is not before the last change and the quote is in one of the
// allowed statuses.
func (q Quote) checkCommand(verb string, c crmkit.Cmd, allowed ...Status) error {
	at := c.At
	if err := c.Validate(); err != nil {
		return fmt.Errorf("%s quote %s: %w", verb, q.ID, err)
	}
	switch {
	case !slices.Contains(allowed, q.Status):
		return fmt.Errorf("quote %s v%d is %s: cannot %s it: %w", q.ID, q.Version, q.Status, verb, crmkit.ErrIllegalTransition)
	case at.Before(q.UpdatedAt):
		return crmkit.Invalid("at", "%s is before the last change of quote %s at %s", at.Format(time.RFC3339), q.ID, q.UpdatedAt.Format(time.RFC3339))
	}
	return nil
}

func (q Quote) content() ContentPayload {
	return ContentPayload{DealID: q.DealID, Version: q.Version, Currency: q.Currency, Lines: q.Lines, ValidUntil: q.ValidUntil}
}

// emit finishes a change of q (already applied) from status from by
// command c: it bumps Seq and UpdatedAt and returns q with the event.
func (q Quote) emit(typ string, from Status, c crmkit.Cmd, payload any) (Quote, crmkit.Event, error) {
	q.Seq++
	if c.At.After(q.UpdatedAt) {
		q.UpdatedAt = c.At
	}
	e, err := q.event(typ, c, payload)
	if err != nil {
		return Quote{}, crmkit.Event{}, err
	}
	e.From = from.String()
	return q, e, nil
}

func (q Quote) event(typ string, c crmkit.Cmd, payload any) (crmkit.Event, error) {
	e, err := c.NewEvent(QuoteKind, q.ID, typ, q.Seq, payload)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("quote %s: %w", q.ID, err)
	}
	e.To = q.Status.String()
	e.Reason = c.Reason
	return e, nil
}

// TotalsByCurrency adds up the net totals of quotes per currency, exactly
// (for example everything quoted on one deal, or everything accepted in a
// quarter). ErrOverflow if a sum does not fit int64 minor units.
func TotalsByCurrency(quotes []Quote) (map[crmkit.Currency]crmkit.Money, error) {
	out := make(map[crmkit.Currency]crmkit.Money)
	for i, q := range quotes {
		t, err := q.Totals()
		if err != nil {
			return nil, fmt.Errorf("quotes[%d] (%s): %w", i, q.ID, err)
		}
		s, err := out[q.Currency].Add(t.Net)
		if err != nil {
			return nil, fmt.Errorf("quotes[%d] (%s): %w", i, q.ID, err)
		}
		out[q.Currency] = s
	}
	return out, nil
}

// Replay rebuilds a quote from its history: the events its methods
// returned, in order (one per command; the approval request's events come
// inside their payloads). The first must be EventQuoteCreated; every later
// one must carry the next version and be legal where it occurs. The
// result equals the quote the methods produced, up to the representation
// of decimals (compare them with Equal).
func Replay(events []crmkit.Event) (Quote, error) {
	if len(events) == 0 {
		return Quote{}, crmkit.Invalid("events", "no events to replay")
	}
	q, err := quoteCreated(events[0])
	if err != nil {
		return Quote{}, fmt.Errorf("replay events[0]: %w", err)
	}
	for i, e := range events[1:] {
		if q, err = q.apply(e); err != nil {
			return Quote{}, fmt.Errorf("replay events[%d]: %w", i+1, err)
		}
	}
	return q, nil
}

// quoteCreated rebuilds version 1 from its EventQuoteCreated.
func quoteCreated(e crmkit.Event) (Quote, error) {
	if e.Type != EventQuoteCreated || e.AggregateKind != QuoteKind {
		return Quote{}, crmkit.Invalid("event", "%s %s is not %s", e.AggregateKind, e.Type, EventQuoteCreated)
	}
	if e.Version != 1 {
		return Quote{}, crmkit.Invalid("event", "%s with version %d, want 1", e.Type, e.Version)
	}
	var c ContentPayload
	if err := e.DecodePayload(&c); err != nil {
		return Quote{}, err
	}
	if c.Version != 1 {
		return Quote{}, crmkit.Invalid("event", "%s of quote version %d, want 1", e.Type, c.Version)
	}
	q, _, err := New(c.DealID, c.Currency, c.Lines, c.ValidUntil, crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason})
	if err != nil {
		return Quote{}, err
	}
	q.ID = e.AggregateID
	return q, nil
}

func (q Quote) applySubmitted(e crmkit.Event) (Quote, error) {
	if err := q.checkNext(e, Draft); err != nil {
		return Quote{}, err
	}
	var p SubmittedPayload
	if err := e.DecodePayload(&p); err != nil {
		return Quote{}, err
	}
	if p.Approval == nil {
		return Quote{}, crmkit.Invalid("event", "%s of quote %s v%d without its %s", e.Type, q.ID, q.Version, approval.EventApprovalRequested)
	}
	a, err := approval.FromRequested(*p.Approval)
	if err != nil {
		return Quote{}, err
	}
	if a.ID != p.ApprovalID || a.Subject != ApprovalSubject(q.ID, q.Version) || len(q.Lines) == 0 {
		return Quote{}, crmkit.Invalid("event", "approval %s (%s) does not fit the submission of quote %s v%d", a.ID, a.Subject, q.ID, q.Version)
	}
	out := q.Clone()
	out.Status, out.Approval = PendingApproval, &a
	return out.advance(e), nil
}

// applyApproval returns q with ae, an event of its approval request,
// applied to the request.
func (q Quote) applyApproval(ae *crmkit.Event, typ string) (Quote, error) {
	if ae == nil {
		return Quote{}, crmkit.Invalid("event", "%s of quote %s v%d without its approval event", typ, q.ID, q.Version)
	}
	if q.Approval == nil {
		return Quote{}, crmkit.Invalid("event", "%s with approval %s, but quote %s v%d has none", typ, ae.AggregateID, q.ID, q.Version)
	}
	a, err := q.Approval.Apply(*ae)
	if err != nil {
		return Quote{}, err
	}
	q.Approval = &a
	return q, nil
}

// apply returns q after the quote event e.
func (q Quote) apply(e crmkit.Event) (Quote, error) {
	if e.Type == EventQuoteSubmitted {
		return q.applySubmitted(e)
	}
	out := q.Clone()
	var err error
	switch e.Type {
	case EventQuoteLinesChanged, EventQuoteValidityChanged:
		if err = q.checkNext(e, Draft); err == nil {
			err = out.applyContent(e, q.Version)
		}
	case EventQuoteApproved:
		if err = q.checkNext(e, Draft, PendingApproval); err == nil && q.Status == PendingApproval {
			var p SubmittedPayload
			if err = e.DecodePayload(&p); err == nil {
				out, err = out.applyApproval(p.Approval, e.Type)
			}
		}
		if err == nil && ((q.Status == Draft) != (out.Approval == nil) || (out.Approval != nil && out.Approval.Status != approval.Approved) || len(q.Lines) == 0) {
			err = crmkit.Invalid("event", "%s of quote %s v%d without a granted approval", e.Type, q.ID, q.Version)
		}
		out.Status = Approved
	case EventQuoteRejected, EventQuoteStepApproved:
		if err = q.checkNext(e, PendingApproval); err == nil {
			var p ApprovalPayload
			if err = e.DecodePayload(&p); err == nil {
				out, err = out.applyApproval(&p.Approval, e.Type)
			}
		}
		want := approval.Rejected
		if e.Type == EventQuoteStepApproved {
			want = approval.Pending
		}
		if err == nil && out.Approval.Status != want {
			err = crmkit.Invalid("event", "%s of quote %s v%d whose approval is %s", e.Type, q.ID, q.Version, out.Approval.Status)
		}
		if e.Type == EventQuoteRejected {
			out.Status = Rejected
		}
	case EventQuoteSent:
		err = q.checkNext(e, Approved)
		out.Status, out.SentAt = Sent, e.At
	case EventQuoteAccepted:
		err = q.checkNext(e, Sent)
		out.Status = Accepted
	case EventQuoteDeclined:
		err = q.checkNext(e, Sent)
		out.Status = Declined
	case EventQuoteExpired:
		if err = q.checkNext(e, Sent); err == nil && (q.ValidUntil.IsZero() || !e.At.Equal(q.ValidUntil)) {
			err = crmkit.Invalid("event", "%s at %s, but quote %s is valid until %s", e.Type, e.At.Format(time.RFC3339), q.ID, q.ValidUntil.Format(time.RFC3339))
		}
		out.Status = Expired
	case EventQuoteRevised:
		if err = q.checkNext(e, PendingApproval, Approved, Rejected, Sent, Declined, Expired); err == nil {
			if q.Approval != nil && q.Approval.Status == approval.Pending {
				var c ContentPayload
				if err = e.DecodePayload(&c); err == nil {
					out, err = out.applyApproval(c.Approval, e.Type)
				}
				if err == nil && out.Approval.Status == approval.Pending {
					err = crmkit.Invalid("event", "%s of quote %s v%d with approval %s still pending", e.Type, q.ID, q.Version, q.Approval.ID)
				}
				if err != nil {
					break
				}
			}
			err = out.applyContent(e, q.Version+1)
			out.Status, out.Approval, out.SentAt = Draft, nil, time.Time{}
		}
	default:
		err = crmkit.Invalid("event", "unknown quote event type %q", e.Type)
	}
	if err != nil {
		return Quote{}, err
	}
	return out.advance(e), nil
}

// checkNext checks that e is q's next event and q is in an allowed status.
func (q Quote) checkNext(e crmkit.Event, allowed ...Status) error {
	switch {
	case e.AggregateID != q.ID || e.AggregateKind != QuoteKind:
		return crmkit.Invalid("event", "%s belongs to %s %s, not quote %s", e.Type, e.AggregateKind, e.AggregateID, q.ID)
	case e.Version != q.Seq+1:
		return crmkit.Invalid("event", "%s with version %d after version %d of quote %s", e.Type, e.Version, q.Seq, q.ID)
	case !slices.Contains(allowed, q.Status):
		return fmt.Errorf("quote %s v%d is %s: no %s: %w", q.ID, q.Version, q.Status, e.Type, crmkit.ErrIllegalTransition)
	case e.At.Before(q.UpdatedAt) && e.Type != EventQuoteExpired:
		return crmkit.Invalid("event", "%s at %s is before the last change of quote %s", e.Type, e.At.Format(time.RFC3339), q.ID)
	}
	return nil
}

// applyContent takes lines and validity from a content payload of quote
// version version.
func (q *Quote) applyContent(e crmkit.Event, version int) error {
	var c ContentPayload
	if err := e.DecodePayload(&c); err != nil {
		return err
	}
	if c.DealID != q.DealID || c.Currency != q.Currency || c.Version != version {
		return crmkit.Invalid("event", "%s of deal %s in %s v%d does not fit quote %s v%d", e.Type, c.DealID, c.Currency, c.Version, q.ID, version)
	}
	if _, err := LinesTotals(q.Currency, c.Lines); err != nil {
		return err
	}
	q.Lines, q.ValidUntil, q.Version = c.Lines, c.ValidUntil, version
	return nil
}

// advance counts e as q's latest event.
func (q Quote) advance(e crmkit.Event) Quote {
	q.Seq = e.Version
	if e.At.After(q.UpdatedAt) {
		q.UpdatedAt = e.At
	}
	return q
}
