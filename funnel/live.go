package funnel

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"maps"
	"math/bits"
	"slices"
	"sync/atomic"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
)

// LiveKey is the group of a LiveSummary: the entities with one
// reached set, current stage, status, owner, source, origin month and
// currency of their amount.
type LiveKey struct {
	// Reached, Stage and Status are the Opportunity's.
	Reached uint64
	Stage   int
	Status  Status
	// Owner and Source are the Opportunity's Dims.Owner and Dims.Source.
	Owner, Source string
	// Month is the start of the calendar month, in UTC, of the origin.
	Month time.Time
	// Currency is the currency of the amount (zero when unknown).
	Currency crmkit.Currency
}

// LiveKeyOf returns the group of o; a nil o has the key of an
// opportunity in no stage.
func LiveKeyOf(o *Opportunity) LiveKey {
	if o == nil {
		return LiveKey{Stage: -1, Month: utcMonth(time.Time{})}
	}
	return LiveKey{Reached: o.Reached, Stage: o.Stage, Status: o.Status, Owner: o.Dims.Owner, Source: o.Dims.Source,
		Month: utcMonth(o.Origin), Currency: o.Amount.Currency()}
}

// LiveGroup is one group of a LiveSummary: how many entities it holds
// and the sum of their amounts (in Key.Currency; the zero Money when the
// currency is zero).
type LiveGroup struct {
	Key    LiveKey
	Count  int64
	Amount crmkit.Money
}

// LiveSummary is a live funnel summary: the count and amount of the
// entities in each group of (reached stages, current stage, status, owner,
// source, origin month, currency), kept up to date one state change at a
// time (Apply) instead of being recomputed from every history. Reading it
// (Rows, Report) costs O(groups), whatever the number of entities: a
// dashboard's read. Beside the groups it keeps their margins by owner, by
// source and by origin month, so a Report splitting by at most one of
// them, matching nothing, reads O(stages x statuses x values) rows
// instead of the groups' cross product. Clone is O(1): clones share the
// groups until one of them changes. Stores keep one beside their deals
// (see storage.Projections).
//
// Report gives the Report Summarize computes over the entities' current
// states, for the splits the groups allow, without the durations (cycle
// lengths and stage ages depend on each entity's times).
//
// The zero LiveSummary is empty and ready to use. A LiveSummary is not safe
// for concurrent use.
type LiveSummary struct {
	s *liveState // shared with clones until one of them changes
}

// liveState is what a LiveSummary holds. Clone shares it and marks it
// shared; a shared state is never changed again (every holder copies it
// before a change), so clones read it from any goroutine without a lock.
// Copying a shared state copies only its part pointers, marking each part
// shared in turn: a change then copies only the parts it touches (see
// liveMap), not every group.
type liveState struct {
	rows liveMap[LiveKey]
	// margins holds the same entities by (one dimension's value, reached
	// set, stage, status, currency): [0] without a dimension (the total),
	// then by owner, source and origin month. Report reads the one it
	// needs when it splits by at most one dimension and matches nothing:
	// O(stages x statuses x values) rows instead of the cross product.
	margins [numMargins]liveMap[liveMargin]
	// marginBad is set once a margin's sum went beyond int64: Report
	// then reads rows, which report the overflow.
	marginBad bool
	shared    atomic.Bool
}

// liveParts is the number of parts a liveMap is split into: a change
// after a Clone copies one part of each map it touches, about 1/liveParts
// of the groups.
const liveParts = 32

// liveSeed seeds the hashes that place keys in parts.
var liveSeed = maphash.MakeSeed()

// liveMapKey is a key of a liveMap: comparable, and placed in a part by
// a hash of its value (equal keys in the same part).
type liveMapKey interface {
	comparable
	part() int
}

// liveMap is a map of groups split into liveParts parts by a hash of the
// key, each part copied on write on its own: a part marked shared is
// never changed again, so the holder of a liveMap copies a shared part
// (and only that part) before changing it. A nil part is empty.
type liveMap[K liveMapKey] struct {
	parts [liveParts]*livePart[K]
	n     int // number of keys in all parts
}

// livePart is one part of a liveMap.
type livePart[K liveMapKey] struct {
	m      map[K]LiveGroup
	shared atomic.Bool
}

// get returns the group of k.
func (lm *liveMap[K]) get(k K) (LiveGroup, bool) {
	pt := lm.parts[k.part()]
	if pt == nil {
		return LiveGroup{}, false
	}
	g, ok := pt.m[k]
	return g, ok
}

// share marks every part of lm shared, for a copy of lm that shares
// them. A part already shared is left as it is (no write to it: clones
// read it from other goroutines).
func (lm *liveMap[K]) share() {
	for _, pt := range lm.parts {
		if pt != nil && !pt.shared.Load() {
			pt.shared.Store(true)
		}
	}
}

// mutablePart returns the map of part i for a change, copying the part
// first when it is shared, making it when there is none.
func (lm *liveMap[K]) mutablePart(i int) map[K]LiveGroup {
	pt := lm.parts[i]
	switch {
	case pt == nil:
		pt = &livePart[K]{m: make(map[K]LiveGroup)}
		lm.parts[i] = pt
	case pt.shared.Load():
		pt = &livePart[K]{m: maps.Clone(pt.m)}
		if pt.m == nil {
			pt.m = make(map[K]LiveGroup)
		}
		lm.parts[i] = pt
	}
	return pt.m
}

// all yields every group of lm, part by part (in no order).
func (lm *liveMap[K]) all(yield func(K, LiveGroup) bool) {
	for _, pt := range lm.parts {
		if pt == nil {
			continue
		}
		for k, g := range pt.m {
			if !yield(k, g) {
				return
			}
		}
	}
}

// keyHash hashes the fields of a group key; equal fields give equal
// hashes (the currency is left out: a key's part need only be the same
// for equal keys).
func keyHash(a, b string, month time.Time, reached uint64, stage int, status Status) int {
	h := maphash.String(liveSeed, a) ^ bits.RotateLeft64(maphash.String(liveSeed, b), 23)
	h ^= (reached + uint64(stage)<<32 + uint64(status)<<56) * 0x9e3779b97f4a7c15
	h ^= uint64(month.Unix()) * 0xc2b2ae3d27d4eb4f
	h ^= h >> 29
	return int(h % liveParts)
}

// part places k in a part of a liveMap.
func (k LiveKey) part() int {
	return keyHash(k.Owner, k.Source, k.Month, k.Reached, k.Stage, k.Status)
}

// part places g in a part of a liveMap.
func (g liveMargin) part() int {
	return keyHash(g.text, "", g.month, g.reached, g.stage, g.status)
}

// The margins of a liveState.
const (
	marginTotal = iota
	marginOwner
	marginSource
	marginMonth
	numMargins
)

// liveMargin is the key of a margin: text is the owner or source, month
// the origin month, the rest the LiveKey's.
type liveMargin struct {
	text     string
	month    time.Time
	reached  uint64
	stage    int
	status   Status
	currency crmkit.Currency
}

// marginOf returns the key of k in margin m.
func marginOf(m int, k *LiveKey) liveMargin {
	g := liveMargin{reached: k.Reached, stage: k.Stage, status: k.Status, currency: k.Currency}
	switch m {
	case marginOwner:
		g.text = k.Owner
	case marginSource:
		g.text = k.Source
	case marginMonth:
		g.month = k.Month
	}
	return g
}

// get returns the group of k in p.
func (p *LiveSummary) get(k LiveKey) (LiveGroup, bool) {
	if p.s == nil {
		return LiveGroup{}, false
	}
	return p.s.rows.get(k)
}

// mutable returns p's state for a change, copying it first when a clone
// shares it: the copy shares every part of every map, marked shared, so
// that a change copies only the parts it touches.
func (p *LiveSummary) mutable() *liveState {
	switch {
	case p.s == nil:
		p.s = new(liveState)
	case p.s.shared.Load():
		c := &liveState{rows: p.s.rows, margins: p.s.margins, marginBad: p.s.marginBad}
		c.rows.share()
		for i := range c.margins {
			c.margins[i].share()
		}
		p.s = c
	}
	return p.s
}

// Apply moves one entity from state before to state after: nil before for
// a new entity, nil after for one removed. Each state's amount must not be
// negative, and its status and stage must be known; before must be a state
// the projection holds (applied before and not yet moved). A refused
// change leaves the projection as it was: ErrInvalid for a bad state, a
// before the projection does not hold, ErrOverflow for sums beyond int64.
func (p *LiveSummary) Apply(before, after *Opportunity) error {
	if p == nil {
		return crmkit.Invalid("live summary", "nil LiveSummary")
	}
	for _, o := range []*Opportunity{before, after} {
		if o == nil {
			continue
		}
		switch {
		case o.Status >= numStatuses:
			return crmkit.Invalid("status", "entity %s: unknown status %d", o.Entity, o.Status)
		case o.Stage < -1:
			return crmkit.Invalid("stage", "entity %s: unknown stage index %d", o.Entity, o.Stage)
		case o.Amount.Minor() < 0:
			return crmkit.Invalid("amount", "entity %s: negative amount %s", o.Entity, o.Amount)
		}
	}
	var out, in LiveGroup
	if before != nil {
		out = LiveGroup{Key: LiveKeyOf(before), Count: 1, Amount: before.Amount}
		r, ok := p.get(out.Key)
		if !ok || r.Count < 1 || r.Amount.Minor() < out.Amount.Minor() {
			return crmkit.Invalid("before", "entity %s: the projection holds no entity in its group %v", before.Entity, out.Key)
		}
	}
	if after != nil {
		in = LiveGroup{Key: LiveKeyOf(after), Count: 1, Amount: after.Amount}
		if r, ok := p.get(in.Key); ok {
			if _, err := r.Amount.Add(in.Amount); err != nil {
				return fmt.Errorf("entity %s: projection group amount: %w", after.Entity, crmkit.ErrOverflow)
			}
		}
	}
	if before != nil {
		out.Count = -1
		out.Amount, _ = out.Amount.Neg() // not negative: cannot overflow
		p.add(&out)
	}
	if after != nil {
		p.add(&in)
	}
	return nil
}

// Add adds a row to the projection, as stores do when they read the
// groups they keep: to the group's count and amount, or as a new group.
// A row with a negative count or amount, an amount in another currency
// than its key's, or an unknown status or stage is ErrInvalid; sums
// beyond int64 are ErrOverflow. A row of no entity (count 0) adds no
// group, and must have no amount. A refused row changes nothing.
func (p *LiveSummary) Add(r LiveGroup) error {
	if p == nil {
		return crmkit.Invalid("live summary", "nil LiveSummary")
	}
	if none, err := checkRow(&r); none || err != nil {
		return err // a row of no entity adds no group
	}
	if r.Amount.Currency().IsZero() && !r.Key.Currency.IsZero() {
		r.Amount, _ = crmkit.NewMoney(0, r.Key.Currency)
	}
	r.Key.Month = utcMonth(r.Key.Month)
	if old, ok := p.get(r.Key); ok {
		c := old.Count + r.Count
		if c < old.Count {
			return fmt.Errorf("projection group count: %w", crmkit.ErrOverflow)
		}
		if _, err := old.Amount.Add(r.Amount); err != nil {
			return fmt.Errorf("projection group amount: %w", crmkit.ErrOverflow)
		}
	}
	p.add(&r)
	return nil
}

// Sub takes a row out of the projection: the inverse of Add, as a store
// does when it re-reads a group it read before (Sub of the value read
// then, Add of the value read now). The row is checked as Add checks it,
// and the projection must hold at least its count and amount in its
// group, else ErrInvalid. A row of no entity (count 0, no amount) takes
// nothing. A refused row changes nothing.
func (p *LiveSummary) Sub(r LiveGroup) error {
	if p == nil {
		return crmkit.Invalid("live summary", "nil LiveSummary")
	}
	if none, err := checkRow(&r); none || err != nil {
		return err
	}
	r.Key.Month = utcMonth(r.Key.Month)
	old, ok := p.get(r.Key)
	if !ok || old.Count < r.Count || old.Amount.Minor() < r.Amount.Minor() || old.Count == r.Count && old.Amount.Minor() != r.Amount.Minor() {
		return crmkit.Invalid("row", "the projection holds less than %d entities and %s in group %v", r.Count, r.Amount, r.Key)
	}
	r.Count = -r.Count
	r.Amount, _ = r.Amount.Neg() // not negative: cannot overflow
	p.add(&r)
	return nil
}

// checkRow checks a row Add or Sub takes: a count and amount not
// negative, the amount in its key's currency (or a zero amount of no
// currency), a known status and stage, no amount without an entity.
// none reports a valid row of no entity, which changes nothing.
func checkRow(r *LiveGroup) (none bool, err error) {
	switch {
	case r.Count < 0 || r.Amount.Minor() < 0:
		return false, crmkit.Invalid("row", "negative count %d or amount %s", r.Count, r.Amount)
	case r.Amount.Currency() != r.Key.Currency && !(r.Amount.IsZero() && r.Amount.Currency().IsZero()):
		return false, crmkit.Invalid("row", "amount %s in a group in %q", r.Amount, r.Key.Currency)
	case r.Key.Status >= numStatuses || r.Key.Stage < -1:
		return false, crmkit.Invalid("row", "unknown status %d or stage %d", r.Key.Status, r.Key.Stage)
	case r.Count == 0 && !r.Amount.IsZero():
		return false, crmkit.Invalid("row", "amount %s of no entity", r.Amount)
	}
	return r.Count == 0, nil
}

// add adds r (checked) to its group and to its margins, dropping a group
// left empty. It cannot fail: a refused change is refused before it.
func (p *LiveSummary) add(r *LiveGroup) {
	st := p.mutable()
	c := *r
	if c.Amount.Currency().IsZero() && !c.Key.Currency.IsZero() {
		c.Amount, _ = crmkit.NewMoney(0, c.Key.Currency)
	}
	addGroup(&st.rows, c.Key, &c, nil)
	for m := range st.margins {
		addGroup(&st.margins[m], marginOf(m, &c.Key), &c, &st.marginBad)
	}
}

// addGroup adds r to group k of rows, dropping a group left empty; it
// copies k's part first when it is shared. The caller checked the sums of
// rows' own groups (bad nil); a margin's sum beyond int64 sets *bad
// instead.
func addGroup[K liveMapKey](rows *liveMap[K], k K, r *LiveGroup, bad *bool) {
	m := rows.mutablePart(k.part())
	old, ok := m[k]
	if !ok {
		m[k] = *r
		rows.n++
		return
	}
	n := old.Count + r.Count
	amt, err := old.Amount.Add(r.Amount)
	if bad != nil && (err != nil || (r.Count > 0) != (n > old.Count)) {
		*bad = true
	}
	old.Count, old.Amount = n, amt
	if old.Count == 0 {
		delete(m, k)
		rows.n--
		return
	}
	m[k] = old
}

// Clone returns a copy of p that shares nothing with it that either can
// change: in O(1), the two sharing their groups until one of them
// changes (which then copies only the parts of the groups it changes,
// about 1/32 of them, and the part pointers of the rest). Clones of one summary
// may be read (Len, Rows, Report) from several goroutines at once, while
// the summary they came from changes.
func (p *LiveSummary) Clone() *LiveSummary {
	if p == nil || p.s == nil {
		return new(LiveSummary)
	}
	p.s.shared.Store(true)
	return &LiveSummary{s: p.s}
}

// Len returns the number of groups.
func (p *LiveSummary) Len() int {
	if p == nil || p.s == nil {
		return 0
	}
	return p.s.rows.n
}

// Rows returns the groups, sorted by key (status, stage, reached set,
// owner, source, month, currency).
func (p *LiveSummary) Rows() []LiveGroup {
	if p == nil {
		return nil
	}
	var rows liveMap[LiveKey]
	if p.s != nil {
		rows = p.s.rows
	}
	out := make([]LiveGroup, 0, rows.n)
	for _, g := range rows.all {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b LiveGroup) int { return compareLiveKeys(a.Key, b.Key) })
	return out
}

func compareLiveKeys(a, b LiveKey) int {
	return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(a.Stage, b.Stage), cmp.Compare(a.Reached, b.Reached),
		cmp.Compare(a.Owner, b.Owner), cmp.Compare(a.Source, b.Source), a.Month.Compare(b.Month),
		cmp.Compare(a.Currency.Code(), b.Currency.Code()))
}

// Report builds the funnel report of the projected entities against the
// stages of pipeline pl in O(groups): the counts and amounts Summarize
// computes over the same entities' current states, split by owner, source
// and origin month (q.By among ByOwner, BySource and ByPeriod, with the
// default calendar months) and selected by q.Match's Owner and Source.
// The durations (Cycle, LossCycle, OpenStay, Stay) are empty: they depend
// on each entity's times, which the projection does not keep. q.AsOf
// stamps the report. A query the groups cannot answer (other dimensions,
// a Bucket, From or To, other Match fields, Where, or a reporting
// currency) is ErrInvalid; so are groups beyond pl's stages; amounts in
// two currencies are ErrCurrencyMismatch.
func (p *LiveSummary) Report(pl *deal.Pipeline, q Query) (Report, error) {
	if p == nil {
		return Report{}, crmkit.Invalid("live summary", "nil LiveSummary")
	}
	stages, err := stagesOf(pl)
	if err != nil {
		return Report{}, err
	}
	if err := q.validate(); err != nil {
		return Report{}, err
	}
	for i, d := range q.By {
		if d != ByOwner && d != BySource && d != ByPeriod {
			return Report{}, crmkit.Invalid(fmt.Sprintf("by[%d]", i), "a projection splits by owner, source and period, not by %s", d)
		}
	}
	m := q.Match
	m.Owner, m.Source = "", ""
	switch {
	case q.Bucket != nil:
		return Report{}, crmkit.Invalid("bucket", "a projection keeps calendar months only")
	case !q.From.IsZero() || !q.To.IsZero():
		return Report{}, crmkit.Invalid("from", "a projection keeps origin months, not times")
	case m != (Dims{}):
		return Report{}, crmkit.Invalid("match", "a projection matches owner and source only")
	case q.Where != nil:
		return Report{}, crmkit.Invalid("where", "a projection keeps groups, not entities")
	case !q.Reporting.Currency.IsZero():
		return Report{}, crmkit.Invalid("reporting currency", "a projection keeps no close dates to convert at")
	}
	n := stages.Len()
	if p.s != nil && !p.s.marginBad && len(q.By) <= 1 && q.Match.Owner == "" && q.Match.Source == "" {
		return p.reportMargins(stages, q)
	}
	total := newAcc(n, q.Quantiles, q.AsOf)
	groups := make(map[Key]*acc)
	// With one dimension the group is found by that value alone (cheaper
	// to hash than a Key), the last one found remembered.
	var (
		byText  map[string]*acc
		byMonth map[time.Time]*acc
		last    *acc
		lastKey LiveKey
	)
	switch {
	case len(q.By) == 1 && q.By[0] == ByPeriod:
		byMonth = make(map[time.Time]*acc)
	case len(q.By) == 1:
		byText = make(map[string]*acc)
	}
	group := func(k Key) *acc {
		g := groups[k]
		if g == nil {
			g = newAcc(n, q.Quantiles, q.AsOf)
			groups[k] = g
		}
		return g
	}
	var rows liveMap[LiveKey]
	if p.s != nil {
		rows = p.s.rows
	}
	for _, r := range rows.all {
		if q.Match.Owner != "" && r.Key.Owner != q.Match.Owner || q.Match.Source != "" && r.Key.Source != q.Match.Source {
			continue
		}
		o := Opportunity{Reached: r.Key.Reached, Stage: r.Key.Stage, Status: r.Key.Status}
		if err := o.validate(n); err != nil {
			return Report{}, fmt.Errorf("projection group %v: %w", r.Key, err)
		}
		if err := total.addRow(&r); err != nil {
			return Report{}, err
		}
		var g *acc
		switch {
		case len(q.By) == 0:
			continue
		case byMonth != nil:
			if g = byMonth[r.Key.Month]; g == nil {
				g = group(Key{Period: r.Key.Month})
				byMonth[r.Key.Month] = g
			}
		case byText != nil:
			v := r.Key.Owner
			if q.By[0] == BySource {
				v = r.Key.Source
			}
			if last != nil && (q.By[0] == BySource && v == lastKey.Source || q.By[0] == ByOwner && v == lastKey.Owner) {
				g = last
				break
			}
			if g = byText[v]; g == nil {
				var k Key
				k.set(q.By[0], v)
				g = group(k)
				byText[v] = g
			}
			last, lastKey = g, r.Key
		default:
			var k Key
			for _, d := range q.By {
				switch d {
				case ByOwner:
					k.Owner = r.Key.Owner
				case BySource:
					k.Source = r.Key.Source
				case ByPeriod:
					k.Period = r.Key.Month
				}
			}
			g = group(k)
		}
		if err := g.addRow(&r); err != nil {
			return Report{}, err
		}
	}
	s, err := total.summary(stages)
	if err != nil {
		return Report{}, err
	}
	rep := Report{AsOf: q.AsOf, By: slices.Clone(q.By), Total: s}
	for k, a := range groups {
		s, err := a.summary(stages)
		if err != nil {
			return Report{}, fmt.Errorf("group %s: %w", k, err)
		}
		rep.Groups = append(rep.Groups, Group{Key: k, Summary: s})
	}
	slices.SortFunc(rep.Groups, func(a, b Group) int { return compareKeys(a.Key, b.Key) })
	return rep, nil
}

// reportMargins is Report (q checked) of a query splitting by at most one
// dimension and matching nothing, from the margins: the total's, and the
// dimension's.
func (p *LiveSummary) reportMargins(stages stageList, q Query) (Report, error) {
	n := stages.Len()
	total := newAcc(n, q.Quantiles, q.AsOf)
	for _, r := range p.s.margins[marginTotal].all {
		o := Opportunity{Reached: r.Key.Reached, Stage: r.Key.Stage, Status: r.Key.Status}
		if err := o.validate(n); err != nil {
			return Report{}, fmt.Errorf("projection group %v: %w", r.Key, err)
		}
		if err := total.addRow(&r); err != nil {
			return Report{}, err
		}
	}
	s, err := total.summary(stages)
	if err != nil {
		return Report{}, err
	}
	rep := Report{AsOf: q.AsOf, By: slices.Clone(q.By), Total: s}
	if len(q.By) == 0 {
		return rep, nil
	}
	m := marginOwner
	switch q.By[0] {
	case BySource:
		m = marginSource
	case ByPeriod:
		m = marginMonth
	}
	groups := make(map[liveMargin]*acc) // by the margin's key without the state
	for k, r := range p.s.margins[m].all {
		v := liveMargin{text: k.text, month: k.month}
		g := groups[v]
		if g == nil {
			g = newAcc(n, q.Quantiles, q.AsOf)
			groups[v] = g
		}
		if err := g.addRow(&r); err != nil {
			return Report{}, err
		}
	}
	for v, a := range groups {
		var k Key
		if m == marginMonth {
			k.Period = v.month
		} else {
			k.set(q.By[0], v.text)
		}
		s, err := a.summary(stages)
		if err != nil {
			return Report{}, fmt.Errorf("group %s: %w", k, err)
		}
		rep.Groups = append(rep.Groups, Group{Key: k, Summary: s})
	}
	slices.SortFunc(rep.Groups, func(a, b Group) int { return compareKeys(a.Key, b.Key) })
	return rep, nil
}

// addRow counts a group of r.Count entities of one state with r.Amount in
// all: acc.add, with counts and sums instead of one entity. Rows are
// few, so it takes the general O(stages) path always.
func (a *acc) addRow(r *LiveGroup) error {
	if c := r.Amount.Currency(); !c.IsZero() {
		if a.cur.IsZero() {
			a.cur = c
		} else if c != a.cur {
			return fmt.Errorf("projection group %v: amount %s in a report in %s: %w", r.Key, r.Amount, a.cur, crmkit.ErrCurrencyMismatch)
		}
	}
	n, amt := r.Count, r.Amount.Minor()
	over := func() error { return fmt.Errorf("projection group %v: sum of amounts: %w", r.Key, crmkit.ErrOverflow) }
	a.entities += n
	won := r.Key.Status == ClosedWon
	if reached := r.Key.Reached; reached != 0 {
		f := bits.Len64(reached) - 1
		for i := 0; i <= f; i++ {
			if reached&(1<<uint(i)) == 0 {
				continue
			}
			s := &a.st[i]
			s.reached += n
			if !addAmount(&s.amount, amt) {
				return over()
			}
			if i < f || won {
				s.advanced += n
			}
			if won {
				s.won += n
				if !addAmount(&s.wonAmount, amt) {
					return over()
				}
			}
		}
	} else {
		a.noStage += n
	}
	switch r.Key.Status {
	case Open, Paused:
		if r.Key.Status == Open {
			a.open += n
		} else {
			a.paused += n
		}
		if !addAmount(&a.openAmount, amt) {
			return over()
		}
		if r.Key.Stage >= 0 {
			s := &a.st[r.Key.Stage]
			s.open += n
			if !addAmount(&s.openAmount, amt) {
				return over()
			}
		}
	case ClosedWon:
		a.won += n
		if !addAmount(&a.wonAmount, amt) {
			return over()
		}
	case ClosedLost:
		a.lost += n
		if !addAmount(&a.lostAmount, amt) {
			return over()
		}
		if r.Key.Stage >= 0 {
			a.st[r.Key.Stage].dropped += n
		}
	case Dead:
		a.dead += n
		if r.Key.Stage >= 0 {
			a.st[r.Key.Stage].dropped += n
		}
	}
	return nil
}
