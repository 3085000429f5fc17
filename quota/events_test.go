package quota_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/quotatest"
)

// TestPlanEvents follows one plan through every kind of change and checks
// each event by hand: kind, type, aggregate, the next version, who, when
// and why, and a payload that repeats the revision.
func TestPlanEvents(t *testing.T) {
	cfo := crmkit.Cmd{By: "cfo", At: t0, Reason: "FY2025 targets"}
	p, created, err := quota.NewPlan(quota.PlanSpec{Name: "FY2025", FiscalYear: 2025, Calendar: quota.Fiscal(time.January, ""),
		Target: quota.Amount(crmkit.MustMoney("1000.00", "EUR")), Rounding: crmkit.RoundHalfEven}, cfo)
	require.NoError(t, err)
	check := func(e crmkit.Event, p quota.Plan, typ string, c crmkit.Cmd) {
		t.Helper()
		require.NoError(t, e.Validate())
		assert.Equal(t, quota.PlanKind, e.AggregateKind)
		assert.Equal(t, p.ID, e.AggregateID)
		assert.Equal(t, typ, e.Type)
		assert.Equal(t, p.Version, e.Version)
		assert.Equal(t, c.By, e.Actor)
		assert.True(t, c.At.Equal(e.At))
		assert.Equal(t, c.Reason, e.Reason)
		last := p.History[len(p.History)-1]
		assert.Equal(t, c.By, last.By)
		assert.Equal(t, c.Reason, last.Reason)
		var payload quota.RevisionPayload
		require.NoError(t, e.DecodePayload(&payload))
		assert.Equal(t, last.Action, payload.Action)
		assert.Equal(t, len(last.Changes), len(payload.Changes))
	}
	check(created, p, quota.EventPlanCreated, cfo)
	assert.Equal(t, int64(1), created.Version)
	var header quota.PlanCreatedPayload
	require.NoError(t, created.DecodePayload(&header))
	assert.Equal(t, "FY2025", header.Name)
	assert.Equal(t, 2025, header.FiscalYear)
	assert.Equal(t, quota.MoneyUnit(crmkit.MustCurrency("EUR")), header.Unit)
	// 1000.00 EUR created at the root, stored as 100000 cents.
	require.Len(t, header.Changes, 1)
	assert.Equal(t, quota.Change{Key: "", Created: true, Before: quota.Amount(eurs("0.00")), After: quota.Amount(eurs("1000.00"))}, header.Changes[0])
	assert.Contains(t, string(created.Payload), `"after":"100000"`, "the stored form of amounts")

	vp := crmkit.Cmd{By: "vp", At: t0.Add(time.Hour), Reason: "regions"}
	p, e, err := p.Split(vp, quota.Split{Dim: "region", Members: []string{"EMEA", "APAC"}, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	check(e, p, quota.EventPlanSplit, vp)
	assert.Equal(t, int64(2), e.Version)

	p, e, err = p.Adjust(vp, quota.ByAmount("region=EMEA", quota.Amount(eurs("10.00")), quota.KeepTotal))
	require.NoError(t, err)
	check(e, p, quota.EventPlanAdjusted, vp)
	var adj quota.RevisionPayload
	require.NoError(t, e.DecodePayload(&adj))
	// Equal halves of 1000.00 are 500.00 each; +10.00 on EMEA kept in the
	// total takes 10.00 from APAC.
	assert.Equal(t, []quota.Change{
		{Key: "region=EMEA", Before: quota.Amount(eurs("500.00")), After: quota.Amount(eurs("510.00"))},
		{Key: "region=APAC", Before: quota.Amount(eurs("500.00")), After: quota.Amount(eurs("490.00"))}}, adj.Changes)

	p, e, err = p.SetTarget(vp, "region=APAC", quota.Amount(eurs("500.00")), quota.KeepTotal)
	require.NoError(t, err)
	check(e, p, quota.EventPlanAdjusted, vp)

	p, e, err = p.Lock(vp, true, "region=APAC")
	require.NoError(t, err)
	check(e, p, quota.EventCellsLocked, vp)
	p, e, err = p.Lock(vp, false, "region=APAC")
	require.NoError(t, err)
	check(e, p, quota.EventCellsUnlocked, vp)

	p, e, err = p.SetRisk(vp, "region=EMEA", d("1.1"))
	require.NoError(t, err)
	check(e, p, quota.EventRiskCoefficientSet, vp)
	assert.Equal(t, int64(7), p.Version)
}

// TestPlanCmdInvalid: every change refuses a command without actor or
// time with crmkit.ErrInvalid and returns no plan and no event.
func TestPlanCmdInvalid(t *testing.T) {
	p := newPlan(t, "1000")
	for name, c := range map[string]crmkit.Cmd{"no actor": {At: t0}, "blank actor": {By: " ", At: t0},
		"control character": {By: "a\x01", At: t0}, "no time": {By: "ana"}} {
		_, e, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Target: quota.Amount(crmkit.MustMoney("1", "EUR")), Rounding: crmkit.RoundHalfEven}, c)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Zero(t, e, name)
		for op, call := range map[string]func() (quota.Plan, crmkit.Event, error){
			"split": func() (quota.Plan, crmkit.Event, error) {
				return p.Split(c, quota.Split{Grain: quota.Halves, Weights: quota.EqualWeights()})
			},
			"adjust": func() (quota.Plan, crmkit.Event, error) {
				return p.Adjust(c, quota.ByAmount("", quota.Amount(eurs("0.01")), quota.ChangeTotal))
			},
			"set": func() (quota.Plan, crmkit.Event, error) {
				return p.SetTarget(c, "", quota.Amount(eurs("0.01")), quota.ChangeTotal)
			},
			"lock": func() (quota.Plan, crmkit.Event, error) { return p.Lock(c, true, "") },
			"risk": func() (quota.Plan, crmkit.Event, error) { return p.SetRisk(c, "", d("1.1")) },
		} {
			q, e, err := call()
			assert.ErrorIs(t, err, crmkit.ErrInvalid, name+" "+op)
			assert.Zero(t, e, name+" "+op)
			assert.Equal(t, quota.Plan{}.Version, q.Version, name+" "+op)
		}
	}
	assert.Equal(t, int64(1), p.Version)
}

// TestPlanChangeEventsProperty: on random plans and random changes, a
// change that succeeds returns the plan at the next version with an event
// of that version, the plan's ID and kind, the command's actor, time and
// reason and the revision's changes; a change that fails returns no event
// and leaves the plan it was called on unchanged (its JSON encoding byte
// for byte).
func TestPlanChangeEventsProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		before, err := json.Marshal(p)
		require.NoError(t, err)
		keys := []string{"nope=x"}
		for c := range p.Cells() {
			keys = append(keys, c.Key)
		}
		key := rapid.SampledFrom(keys).Draw(t, "key")
		c := crmkit.Cmd{By: rapid.SampledFrom([]string{"ana", "ben", "", " "}).Draw(t, "by"),
			At: p.History[len(p.History)-1].At.Add(time.Hour), Reason: rapid.StringN(0, 10, -1).Draw(t, "reason")}
		var (
			q   quota.Plan
			e   crmkit.Event
			typ string
		)
		switch op := rapid.IntRange(0, 4).Draw(t, "op"); op {
		case 0:
			q, e, err = p.Adjust(c, quotatest.Adjustment(p).Draw(t, "adjustment"))
			typ = quota.EventPlanAdjusted
		case 1:
			locked := rapid.Bool().Draw(t, "locked")
			q, e, err = p.Lock(c, locked, key)
			typ = map[bool]string{true: quota.EventCellsLocked, false: quota.EventCellsUnlocked}[locked]
		case 2:
			q, e, err = p.SetRisk(c, key, decimal.New(rapid.Int64Range(-10, 200).Draw(t, "risk"), -2))
			typ = quota.EventRiskCoefficientSet
		case 3:
			n := rapid.Int64Range(-5, 1e10).Draw(t, "target")
			total := quota.TotalPolicy(rapid.IntRange(0, 2).Draw(t, "total"))
			if p.Unit.IsMoney() {
				m, _ := crmkit.NewMoney(n, p.Unit.Currency)
				q, e, err = p.SetTarget(c, key, quota.Amount(m), total)
			} else {
				q, e, err = p.SetTarget(c, key, quota.Count(n, p.Unit.Count), total)
			}
			typ = quota.EventPlanAdjusted
		default:
			leaves := slices.Collect(p.Leaves())
			leaf := rapid.SampledFrom(leaves).Draw(t, "leaf")
			q, e, err = p.Split(c, quota.Split{Key: leaf.Key, Dim: "zz", Members: []string{"a", "b", "c"}, Weights: quota.EqualWeights()})
			typ = quota.EventPlanSplit
		}
		after, merr := json.Marshal(p)
		require.NoError(t, merr)
		require.Equal(t, string(before), string(after), "the plan a change is called on never changes")
		if err != nil {
			require.Zero(t, e)
			require.Zero(t, q.Version)
			return
		}
		require.NoError(t, q.Validate())
		require.Equal(t, p.Version+1, q.Version)
		require.Equal(t, q.Version, e.Version)
		require.Equal(t, p.ID, e.AggregateID)
		require.Equal(t, quota.PlanKind, e.AggregateKind)
		require.Equal(t, typ, e.Type)
		require.Equal(t, c.By, e.Actor)
		require.True(t, c.At.Equal(e.At))
		require.Equal(t, c.Reason, e.Reason)
		last := q.History[len(q.History)-1]
		var payload quota.RevisionPayload
		require.NoError(t, e.DecodePayload(&payload))
		require.Equal(t, last.Action, payload.Action)
		require.Equal(t, len(last.Changes), len(payload.Changes))
		for i := range last.Changes {
			require.Equal(t, last.Changes[i].Key, payload.Changes[i].Key)
			require.Equal(t, last.Changes[i].After, payload.Changes[i].After)
		}
	})
}

// TestRevisionPayloadEncoding: the payload of a change event decodes to
// the same revision as the Revision's own encoding/json form, for random
// plans and changes (keys with characters JSON escapes included).
func TestRevisionPayloadEncoding(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		member := rapid.SampledFrom([]string{"a", `q"uote`, `back\slash`, "<&>", "ünï", "tab"}).Draw(t, "member")
		leaf := rapid.SampledFrom(slices.Collect(p.Leaves())).Draw(t, "leaf")
		q, e, err := p.Split(quotatest.Cmd(), quota.Split{Key: leaf.Key, Dim: "zz", Members: []string{member, "b"}, Weights: quota.EqualWeights()})
		require.NoError(t, err)
		if rapid.Bool().Draw(t, "risk") {
			q, e, err = q.SetRisk(quotatest.Cmd(), quota.ChildKey(leaf.Key, "zz", member), d("1.25"))
			require.NoError(t, err)
		}
		last := q.History[len(q.History)-1]
		want, err := json.Marshal(quota.RevisionPayload{Action: last.Action, Changes: last.Changes, Unit: q.Unit})
		require.NoError(t, err)
		var a, b any
		require.NoError(t, json.Unmarshal(want, &a))
		require.NoError(t, json.Unmarshal(e.Payload, &b))
		require.Equal(t, a, b)
	})
}

// TestSplitEventExactProperty: a split of a cell of a random plan (money
// in EUR, JPY or KWD, or counts) gives children whose targets, as Money in
// the plan's currency summed by crmkit.Sum, equal the parent's target to
// the minor unit, and its event lists exactly the created children with
// those targets.
func TestSplitEventExactProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		leaf := rapid.SampledFrom(slices.Collect(p.Leaves())).Draw(t, "leaf")
		n := rapid.IntRange(1, 7).Draw(t, "members")
		members := make([]string, n)
		for i := range members {
			members[i] = fmt.Sprintf("m%d", i)
		}
		q, e, err := p.Split(quotatest.Cmd(), quota.Split{Key: leaf.Key, Dim: "zz", Members: members,
			Weights: quotatest.Weights(n, false).Draw(t, "weights")})
		require.NoError(t, err)
		parent, err := q.Cell(leaf.Key)
		require.NoError(t, err)
		var payload quota.RevisionPayload
		require.NoError(t, e.DecodePayload(&payload))
		require.Len(t, payload.Changes, n)
		var sum int64
		for i, ch := range parent.Children {
			require.Equal(t, quota.Change{Key: ch.Key, Created: true, Before: q.Unit.Zero(), After: ch.Target}, payload.Changes[i])
			sum += minor(ch.Target)
		}
		require.Equal(t, minor(parent.Target), sum)
		if !q.Unit.IsMoney() {
			return
		}
		want, err := q.Target(leaf.Key)
		require.NoError(t, err)
		parts := make([]crmkit.Money, n)
		for i, ch := range parent.Children {
			target, err := q.Target(ch.Key)
			require.NoError(t, err)
			parts[i], err = target.Money()
			require.NoError(t, err)
		}
		got, err := crmkit.Sum(q.Unit.Currency, parts...)
		require.NoError(t, err)
		require.True(t, quota.Amount(got).Equal(want), "children sum to %s, parent %s", got, want)
	})
}
