package deal

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

// Successor is a rep who takes over deals in a hand-over, with the number
// of deals the rep can take (0: no limit, weighing like the whole book).
type Successor struct {
	Rep      string
	Capacity int
}

// HandoverRequest asks to hand everything rep From owns to one or several
// successors.
type HandoverRequest struct {
	// From is the leaving rep.
	From string
	// To are the successors. With several, deals are spread in proportion
	// to capacity, and all deals of one account go to one successor while
	// that successor has room.
	To []Successor
	// IncludeClosed hands over won and lost deals too. By default they
	// stay with From: a closed deal's owner and splits are the record of
	// who earned it. Terminated deals always stay.
	IncludeClosed bool
	// VisitWithin marks open deals expected to close within this time of
	// Cmd.At for an in-person visit by the successor (zero: 30 days).
	VisitWithin time.Duration
	// DryRun computes the plan and the notices without changing anything.
	DryRun bool
	// Cmd is who hands over, when and why (the reason goes into every
	// DealTransferred event).
	Cmd Cmd
}

// Assignment is one deal of a hand-over plan.
type Assignment struct {
	DealID    uuid.UUID
	Name      string
	AccountID uuid.UUID
	ContactID uuid.UUID
	From, To  string
	Status    Status
	Stage     int
	Amount    crmkit.Money
	CloseDate time.Time
	// Visit marks a deal about to close: the successor should visit the
	// customer in person.
	Visit bool
}

// Notice is one customer contact to tell who takes over: the account, the
// contact (nil when the deals have none), the new owner and the deals
// concerned, in hand-over order.
type Notice struct {
	AccountID uuid.UUID
	ContactID uuid.UUID
	NewOwner  string
	Deals     []uuid.UUID
}

// HandoverResult is the outcome of Handover. Plan and Notices are the same
// for a dry run and for the real run on the same input; Deals (the changed
// deals, in Plan order) and Events (one DealTransferred per deal) are nil
// for a dry run. Kept lists From's deals that stay (terminated, and closed
// unless IncludeClosed).
type HandoverResult struct {
	Plan    []Assignment
	Notices []Notice
	Kept    []uuid.UUID
	Deals   []Deal
	Events  []crmkit.Event
}

// Handover hands over the deals among deals owned by req.From: deals
// closest to closing first (open deals by expected close date, those
// without one last, then suspended deals, then closed ones if included),
// each assigned to the successor it fills least in proportion to capacity,
// keeping an account's deals together. It returns the plan, the customer
// contacts to notify and, unless DryRun, the transferred deals and their
// events. It is pure: persisting the result atomically is the storage
// layer's job.
//
// Errors (nothing is changed): a bad request (no From or successors, an
// empty or repeated successor, From among them, a negative capacity, no
// By or At) or more deals than the successors can take is ErrInvalid, as
// are duplicate deal IDs and a deal changed after Cmd.At.
func Handover(deals []Deal, req HandoverRequest) (HandoverResult, error) {
	if err := req.check(); err != nil {
		return HandoverResult{}, err
	}
	var (
		move []int // indexes into deals
		kept []uuid.UUID
		seen = make(map[uuid.UUID]struct{})
	)
	for i := range deals {
		d := &deals[i]
		if d.Owner != req.From {
			continue
		}
		if _, dup := seen[d.ID]; dup {
			return HandoverResult{}, crmkit.Invalid("deals", "deal %s appears twice", d.ID)
		}
		seen[d.ID] = struct{}{}
		if d.Status == Terminated || (d.Status.Closed() && !req.IncludeClosed) {
			kept = append(kept, d.ID)
			continue
		}
		if err := req.Cmd.check(d); err != nil {
			return HandoverResult{}, err
		}
		move = append(move, i)
	}
	move = sortClosestFirst(deals, move)

	capa := req.capacities(len(move))
	total := int64(0)
	for _, c := range capa {
		total += c
	}
	if total < int64(len(move)) {
		return HandoverResult{}, crmkit.Invalid("to", "successors can take %d deals, %s hands over %d", total, req.From, len(move))
	}

	visitWithin := req.VisitWithin
	if visitWithin == 0 {
		visitWithin = 30 * 24 * time.Hour
	}
	res := HandoverResult{Plan: make([]Assignment, len(move)), Kept: kept}
	load := make([]int64, len(req.To))
	byAccount := make(map[uuid.UUID]int)
	type noticeKey struct {
		account, contact uuid.UUID
		owner            int
	}
	notices := make(map[noticeKey]int)
	for k, i := range move {
		d := &deals[i]
		s, ok := byAccount[d.AccountID]
		if !ok || load[s] >= capa[s] {
			s = pickSuccessor(load, capa)
			byAccount[d.AccountID] = s
		}
		load[s]++
		res.Plan[k] = Assignment{
			DealID: d.ID, Name: d.Name, AccountID: d.AccountID, ContactID: d.ContactID,
			From: d.Owner, To: req.To[s].Rep, Status: d.Status, Stage: d.Stage,
			Amount: d.Amount, CloseDate: d.CloseDate,
			Visit: d.Status == Open && !d.CloseDate.IsZero() && d.CloseDate.Sub(req.Cmd.At) <= visitWithin,
		}
		key := noticeKey{d.AccountID, d.ContactID, s}
		n, ok := notices[key]
		if !ok {
			n = len(res.Notices)
			notices[key] = n
			res.Notices = append(res.Notices, Notice{AccountID: d.AccountID, ContactID: d.ContactID, NewOwner: req.To[s].Rep})
		}
		res.Notices[n].Deals = append(res.Notices[n].Deals, d.ID)
	}
	if req.DryRun {
		return res, nil
	}
	res.Deals = make([]Deal, len(move))
	res.Events = make([]crmkit.Event, len(move))
	for k, i := range move {
		out := deals[i].applyTransfer(res.Plan[k].To, req.Cmd)
		res.Deals[k] = out
		res.Events[k] = out.transitionEvent(EventDealTransferred, req.Cmd, req.From, res.Plan[k].To)
	}
	return res, nil
}

func (req *HandoverRequest) check() error {
	if err := req.Cmd.Validate(); err != nil {
		return fmt.Errorf("hand-over of %s: %w", req.From, err)
	}
	switch {
	case strings.TrimSpace(req.From) == "":
		return crmkit.Invalid("from", "no leaving rep")
	case len(req.To) == 0:
		return crmkit.Invalid("to", "no successor for %s", req.From)
	case req.VisitWithin < 0:
		return crmkit.Invalid("visit_within", "negative duration %s", req.VisitWithin)
	}
	for i, s := range req.To {
		f := fmt.Sprintf("to[%d]", i)
		switch {
		case strings.TrimSpace(s.Rep) == "":
			return crmkit.Invalid(f+".rep", "empty successor")
		case s.Rep == req.From:
			return crmkit.Invalid(f+".rep", "%s cannot succeed themself", s.Rep)
		case s.Capacity < 0:
			return crmkit.Invalid(f+".capacity", "negative capacity %d of %s", s.Capacity, s.Rep)
		}
		for j := range i {
			if req.To[j].Rep == s.Rep {
				return crmkit.Invalid(f+".rep", "successor %s is also to[%d]", s.Rep, j)
			}
		}
	}
	return nil
}

// capacities returns each successor's capacity, with "no limit" as n.
func (req *HandoverRequest) capacities(n int) []int64 {
	out := make([]int64, len(req.To))
	for i, s := range req.To {
		out[i] = int64(s.Capacity)
		if s.Capacity == 0 {
			out[i] = int64(max(n, 1))
		}
	}
	return out
}

// pickSuccessor returns the successor with room whose share of capacity
// after one more deal, (load+1)/capacity, is smallest; ties go to the
// earlier successor. The caller made sure some successor has room.
func pickSuccessor(load, capa []int64) int {
	best := -1
	for i := range load {
		if load[i] >= capa[i] {
			continue
		}
		// (load[i]+1)/cap[i] < (load[best]+1)/cap[best], cross-multiplied;
		// loads and capacities are deal counts, far from overflow.
		if best < 0 || (load[i]+1)*capa[best] < (load[best]+1)*capa[i] {
			best = i
		}
	}
	return best
}

// closingKey is a deal's position in the hand-over order, precomputed so
// that sorting compares small values, not whole deals.
type closingKey struct {
	rank   int8 // open, suspended, closed
	noDate bool // unknown close dates last
	sec    int64
	nsec   int32
	stage  int // later stages first
	id     uuid.UUID
	index  int
}

// sortClosestFirst returns the indexes of deals in move sorted closest to
// closing first: open before suspended before closed; then by expected
// close date, unknown dates last; then by stage, later first; then by ID
// for a total order (IDs are unique).
func sortClosestFirst(deals []Deal, move []int) []int {
	keys := make([]closingKey, len(move))
	for k, i := range move {
		d := &deals[i]
		key := closingKey{rank: 2, noDate: d.CloseDate.IsZero(), stage: d.Stage, id: d.ID, index: i}
		switch d.Status {
		case Open:
			key.rank = 0
		case Suspended:
			key.rank = 1
		}
		if !key.noDate {
			key.sec, key.nsec = d.CloseDate.Unix(), int32(d.CloseDate.Nanosecond())
		}
		keys[k] = key
	}
	slices.SortFunc(keys, func(a, b closingKey) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if a.noDate != b.noDate {
			if a.noDate {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
			return c
		}
		if c := cmp.Compare(b.stage, a.stage); c != 0 {
			return c
		}
		return bytes.Compare(a.id[:], b.id[:])
	})
	out := move[:0]
	for _, k := range keys {
		out = append(out, k.index)
	}
	return out
}
