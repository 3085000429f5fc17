// Package storagetest is the conformance suite of package storage: the
// behaviour every backend must show, run the same way against the memory
// store, the PostgreSQL store and any store users write themselves, as
// testing/fstest.TestFS is for file systems. Shared benchmark functions
// sit beside it (BenchmarkGet, BenchmarkSave, ...), reused one line per
// backend, as hashicorp/raft's raftbench is for log stores.
//
// A backend's test calls Run with a factory. Run calls the factory once
// per subtest, so every subtest gets a fresh database; the factory
// returns an Opener that opens the stores of tenants in that database
// (two tenants of one database are how the suite checks isolation).
// Release the database with t.Cleanup in the factory:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) storagetest.Opener {
//			db := memory.New()
//			return func(tenant string) (storage.Store, error) { return db.Tenant(tenant) }
//		})
//	}
//
// # What the suite proves
//
//   - Round trips: what is stored is what comes back, as copies; not
//     found, stale versions (crmkit.ErrConflict), idempotent creates by
//     key, version rules.
//   - Listing: every lead and deal filter against hand-written
//     expectations, keyset pagination, and a walk of the pages that
//     neither skips nor repeats a row while another goroutine creates and
//     saves rows.
//   - Events: order by aggregate and by time, half-open time ranges,
//     streams longer than one batch, early stop, duplicates.
//   - Update: all-or-nothing when the function fails halfway, returns an
//     error, panics or its context is cancelled; its reads see its own
//     writes; lead conversion (lead change, new deal, events) and a bulk
//     hand-over of a leaving rep's deals as single Updates.
//   - Hand-over (HandoverBook, HandoverConflict, HandoverBadInput): a
//     rapid property that after storage.Handover of a drawn book the
//     leaving rep owns no open deal, account or open lead, every moved
//     record is one version on with its transfer event last, and nothing
//     else changed; a record changed by someone else meanwhile makes the
//     Update fail as retryable with nothing moved; a bad request or a
//     book with nothing to move is a *storage.HandoverError, nothing
//     written.
//   - Consistency: storage.Verify finds no problem after the conversion
//     and hand-over flows and after the concurrent moves (every deal's
//     history replays to its stored state).
//   - Concurrency: 8 goroutines moving the same deals through Retry lose
//     no update: final versions and event counts equal the number of
//     successful commands. Two writers of one version, one ID or one
//     idempotency key: exactly one wins. Readers listing two leads that
//     every Update changes together never see one changed without the
//     other.
//   - Tenant isolation: nothing one tenant writes is visible, listable or
//     writable from another, events and idempotency keys included.
//   - Bad input: nil IDs, invalid stages, statuses and filters, page
//     sizes, cursors, oversize and malformed strings, invalid events and
//     tenant names are crmkit.ErrInvalid and write nothing.
//   - A rapid model-based test: random sequences of creates, saves with
//     right and stale versions, gets, lists and Updates that fail or
//     succeed, checked against a plain map model after every step.
//   - The stored domain (StoredDomain): random edge values (times at and
//     beyond storage.MinTime and MaxTime, in zones with odd offsets, with
//     nanoseconds; decimals of up to and beyond MaxDecimalDigits digits;
//     strings at the text rules; payloads that are or are not I-JSON) are
//     refused with crmkit.ErrInvalid, writing nothing, exactly when the
//     storage.Validate functions refuse them, and otherwise given back as
//     storage.Canonical gives them; close-date filters and Between with
//     edge and far bounds select exactly what Match and Period.Contains
//     select, and so do campaign During and contract renewal filters
//     (OptionalBounds). Agree runs the same values on two backends side
//     by side, and Fuzz is the fuzz target of the same oracle.
//   - Enums (Enums): every value of every enum a lead, deal, account,
//     contract, campaign, quote, approval request or interaction holds, the unset zero included, comes back
//     equal and is found by the filters on it; numbers that are no value
//     are crmkit.ErrInvalid exactly when the storage.Validate functions
//     refuse them, and write nothing.
//   - History matches state (History): for every repository, a rapid
//     property that a Create or Save whose events are not one per
//     version from the stored version to the written one, each of the
//     written aggregate and kind, is crmkit.ErrInvalid and writes
//     nothing, exactly when an oracle written apart says so.
//   - Quotes, approval requests and service interactions (Quotes,
//     Approvals, Interactions): round trips, stale versions, idempotent
//     creates, every filter with keyset pages, tenant isolation, Update
//     and bad input; their references (ServiceReferences: a quote's deal,
//     an interaction's account and contact, an account Save dropping a
//     contact an interaction refers to); a customer's Timeline in time
//     order.
//   - References resolve (References): a deal's account and contact, a
//     contract's account and deal exist in the tenant (a dangling
//     reference, another tenant's record, a contact of another account,
//     an account written after its deal in one Update, an account Save
//     dropping a contact a deal refers to: a *storage.ReferenceError
//     matching crmkit.ErrInvalid, nothing written).
//   - The change feed (Feed), for a store that implements storage.Feed:
//     16 writers with random commit delays and 3 subscribed consumers,
//     each seeing every committed event once, in version order per
//     aggregate; exactly-once handler writes under failing handlers;
//     resuming after a stop mid-batch; parking; bad input; a rapid model
//     of consumes, failures, panics and parks. BenchmarkFeed measures it.
//   - Bulk import (Import), for a store that implements storage.Importer:
//     batches of leads and of deals land whole, their events come back by
//     aggregate; a batch with one invalid row or event, a stored or
//     repeated row or event ID, a dangling account or contact, or another
//     tenant's account fails with crmkit.ErrInvalid or ErrConflict and
//     writes nothing in either tenant; imports stay in their tenant.
//   - Edits (Edits): lead, deal, account and contact edits round-trip
//     through Save with their events; crmkit.FieldHistory over the stored
//     events is the hand-written history; a deal moved to another account
//     must name a contact of it (*storage.ReferenceError, nothing
//     written); an edit of an archived record is a *crmkit.ArchivedError.
//   - Archive (Archive): archived leads, deals and accounts are left out
//     of List (under filters too) and of funnel.Source and
//     funnel.Aggregator reports, listed with IncludeArchived, and back
//     after Restore, with every event kept.
//   - Delete (Delete), for a store that implements deletion.Deleter: bad
//     input, unknown and another tenant's records write nothing; a delete
//     removes state, events and idempotency key, leaves one tombstone
//     without personal data, keeps the ID from being created again and
//     the feed's consumers in place; referenced accounts and deals are
//     refused (*deletion.InUseError) until their referrers are gone.
//     DeleteModel: a rapid model of creates, edits, archives, restores,
//     deletes and feed reads: stored leads and histories are the model's,
//     a deleted ID yields only its tombstone, and a consumer reads every
//     event still in the log once, in write order.
//   - The live deal summary (Live), for a store that implements
//     storage.Projections: after any random history of deals (forward and
//     backward moves, wins, losses, reopens, suspensions, reactivations,
//     terminations, new amounts and owners, in and out of Updates, rolled
//     back Updates and stale saves that change nothing, bulk imports) its
//     report equals funnel.Summarize over the stored deals for every split
//     it allows. BenchmarkLiveRead and BenchmarkLiveSave measure it.
//   - Nil contexts (NilContext) are crmkit.ErrInvalid from every method,
//     inside Update too; the storage cases of issue 16 (Hardening) are
//     refused with exactly one root sentinel, without a panic or a hang.
//
// The suite compares values after normalising representation only (time
// zones, nil against empty slices and maps, decimal exponents, JSON
// member order and number spelling), never content.
package storagetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Opener opens the store of one tenant in the database that one call of
// Run's factory made. Opening the same tenant twice gives stores that
// share data; different tenants share nothing. An invalid tenant name is
// an error matching crmkit.ErrInvalid.
type Opener func(tenant string) (storage.Store, error)

// test is one subtest of the suite.
type test struct {
	name string
	fn   func(t *testing.T, open Opener)
}

// tests lists the suite, in the order Run runs it.
var tests = []test{
	{"LeadRoundTrip", testLeadRoundTrip},
	{"DealRoundTrip", testDealRoundTrip},
	{"NotFound", testNotFound},
	{"StaleVersion", testStaleVersion},
	{"VersionRules", testVersionRules},
	{"IdempotentCreate", testIdempotentCreate},
	{"ListLeads", testListLeads},
	{"ListDeals", testListDeals},
	{"Pagination", testPagination},
	{"RangeOrder", testRangeOrder},
	{"PaginationUnderConcurrentWrites", testPaginationConcurrent},
	{"Events", testEvents},
	{"EventStreams", testEventStreams},
	{"UpdateAtomic", testUpdateAtomic},
	{"UpdateSeesOwnWrites", testUpdateOwnWrites},
	{"CancelledContext", testCancelled},
	{"LeadConversion", testLeadConversion},
	{"ConvertDedupes", testConvertDedupes},
	{"BulkHandover", testBulkHandover},
	{"HandoverBook", testHandoverBook},
	{"HandoverConflict", testHandoverConflict},
	{"HandoverBadInput", testHandoverBadInput},
	{"ConcurrentMovesWithRetry", testConcurrentMoves},
	{"CommitConflicts", testCommitConflicts},
	{"ReadersSeeWholeUpdates", testReadersSeeWholeUpdates},
	{"TenantIsolation", testTenantIsolation},
	{"BadInput", testBadInput},
	{"Model", testModel},
	{"StoredDomain", testStoredDomain},
	{"Enums", testEnums},
	{"OptionalBounds", testOptionalBounds},
	{"NilContext", testNilContext},
	{"Hardening", testHardening},
	{"Plans", testPlans},
	{"Campaigns", testCampaigns},
	{"CommissionPlans", testCommissionPlans},
	{"Pipelines", testPipelines},
	{"PipelineVersions", testPipelineVersions},
	{"ForecastSnapshots", testForecastSnapshots},
	{"Accounts", testAccounts},
	{"AccountKeys", testAccountKeys},
	{"Contracts", testContracts},
	{"DomainRules", testDomainRules},
	{"History", testHistory},
	{"SuiteRecords", testSuiteRecords},
	{"References", testReferences},
	{"Quotes", testQuotes},
	{"Approvals", testApprovals},
	{"Interactions", testInteractions},
	{"ServiceReferences", testServiceReferences},
	{"Timeline", testTimeline},
	{"Edits", testEdits},
	{"Archive", testArchive},
	{"Delete", testDelete},                 // optional: deletion.Deleter
	{"DeleteModel", testDeleteModel},       // optional: deletion.Deleter
	{"DeleteInUpdate", testDeleteInUpdate}, // optional: deletion.Deleter
	{"Feed", testFeed},                     // optional: storage.Feed
	{"Reports", testReports},               // optional: funnel.Source, funnel.Aggregator, storage.HistoryStreamer
	{"Import", testImport},                 // optional: storage.Importer
	{"ImportInUpdate", testImportInUpdate}, // optional: storage.Importer on Tx
	{"Live", testLive},                     // optional: storage.Projections
	{"CustomFields", testCustomFields},
	{"ContactCustomFields", testContactCustomFields},
	{"ArchivedLeadReports", testArchivedLeadReports}, // optional: storage.HistoryStreamer
}

// Run runs the conformance suite. newDB is called once per subtest and
// must return an Opener over a fresh, empty database (registering its
// clean-up with t.Cleanup). Run it under -race: several subtests use
// goroutines.
func Run(t *testing.T, newDB func(t *testing.T) Opener) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newDB(t)) })
	}
}

// open opens tenant or fails the test, and makes sure it holds the
// suite's account (see suiteAccount), which the suite's deals and
// contracts refer to.
func open(t testing.TB, o Opener, tenant string) storage.Store {
	t.Helper()
	s := openBare(t, o, tenant)
	ensureSuite(t, s)
	return s
}

// openBare opens tenant or fails the test, adding nothing to it.
func openBare(t testing.TB, o Opener, tenant string) storage.Store {
	t.Helper()
	s, err := o(tenant)
	require.NoError(t, err, "open tenant %q", tenant)
	require.Equal(t, tenant, s.Tenant())
	return s
}

// suiteAccount, with its one contact suiteContact, is the account every
// deal and contract of the suite refers to (references resolve: see
// storage.ReferenceError), and suiteDeal the deal the contracts that
// have one refer to. open creates the account in every tenant it opens,
// idempotently; the helpers that list a tenant's events leave the
// suite's own records out, so that the tests count only their own.
var (
	suiteAccount = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000a1")
	suiteContact = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000c1")
	suiteDeal    = uuid.MustParse("0190f3a0-0000-7000-8000-0000000000d1")
)

// accountWith returns a valid account with ID id holding one contact
// with ID contact, and its history, written at at.
func accountWith(t tb, id, contact uuid.UUID, name string, at time.Time) (account.Account, []crmkit.Event) {
	t.Helper()
	a, e1, err := account.New(account.NewAccount{ID: id, Name: name, Owner: "ana", Relations: account.Customer}, crmkit.Cmd{By: actor, At: at})
	require.NoError(t, err)
	a, e2, err := a.AddContact(account.Contact{ID: contact, Name: "Pat Buyer", Email: "pat@" + id.String()[:8] + ".example",
		Role: account.DecisionMaker}, crmkit.Cmd{By: actor, At: at})
	require.NoError(t, err)
	return a, []crmkit.Event{e1, e2}
}

// ensureSuite creates the suite's account in s unless it is there.
func ensureSuite(t tb, s storage.Store) {
	t.Helper()
	a, evs := accountWith(t, suiteAccount, suiteContact, "Suite Account", suiteTime)
	_, err := s.Accounts().Create(context.Background(), a, "storagetest-suite-account", evs...)
	require.NoError(t, err, "create the suite's account")
}

// ensureSuiteDeal creates the suite's deal (and account) in s unless they
// are there.
func ensureSuiteDeal(t tb, s storage.Store) {
	t.Helper()
	ensureSuite(t, s)
	// Built by deal.New with its own ID and time, so that its creation
	// event describes it exactly and storage.Verify finds nothing.
	d, ev, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
		ID: suiteDeal, Name: "Suite Deal", Type: deal.NewBusiness, Amount: eur("1000.00"),
		AccountID: suiteAccount, ContactID: suiteContact, Owner: "ana",
		Probability: decimal.NewNullDecimal(decimal.RequireFromString("0.1250")),
	}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: suiteTime}})
	require.NoError(t, err, "draft the suite's deal")
	_, err = s.Deals().Create(context.Background(), d, "storagetest-suite-deal", ev)
	require.NoError(t, err, "create the suite's deal")
}

// tb is what the suite's helpers need of a *testing.T or a *rapid.T.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// suiteTime is when the suite's own records were written: long before
// base, outside every period the tests read events of.
var suiteTime = base.AddDate(-10, 0, 0)

// suiteRecord reports whether id is one of the suite's own records.
func suiteRecord(id uuid.UUID) bool { return id == suiteAccount || id == suiteDeal }

// ownEvents returns evs without the suite's own records' events.
func ownEvents(evs []crmkit.Event) []crmkit.Event {
	return slices.DeleteFunc(evs, func(e crmkit.Event) bool { return suiteRecord(e.AggregateID) })
}

// base is the time the suite's entities are created at: whole seconds in
// UTC, which every backend stores exactly.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// actor is the actor of the suite's events.
const actor = "storagetest"

// newLead returns a lead (version 1) and its LeadCaptured event, built
// directly so that every field the tests set is known.
func newLead(name, owner string, stage lead.Stage, source lead.Channel) (lead.Lead, crmkit.Event) {
	l := lead.Lead{
		ID: crmkit.NewID(),
		Who: lead.Person{
			Name: name, Email: "lead@example.com", Company: "Acme", CompanySize: 40,
			Attributes: map[string]string{"segment": "smb", "language": "hu"},
		},
		Source: source, Campaign: "spring", Owner: owner, Stage: stage,
		StageAt: base, CreatedAt: base, UpdatedAt: base,
		Journey: []lead.Touchpoint{{Channel: source, Campaign: "spring", Kind: lead.TouchForm, At: base}},
		Version: 1,
	}
	settle(&l)
	return l, leadEvent(l, lead.EventLeadCaptured)
}

// settle gives l what its stage needs to be valid (lead.Lead.Validate): a
// revisit date while nurtured, none otherwise.
func settle(l *lead.Lead) {
	l.RevisitAt, l.NurturedBy = time.Time{}, 0
	if l.Stage == lead.StageNurture {
		l.RevisitAt = base.AddDate(0, 1, 0)
	}
}

// fresh returns a new valid lead and its event, for writes whose value
// does not matter (a Create answered from its idempotency key).
func fresh() (lead.Lead, crmkit.Event) {
	return newLead("Fresh", "ana", lead.StageSuspect, lead.ChannelEmail)
}

// history returns the events of aggregate id of kind from version from
// to version to (one per version, in order), for writes that move a
// version by more than one.
func history(kind string, id uuid.UUID, from, to int64) []crmkit.Event {
	out := make([]crmkit.Event, 0, to-from)
	for v := from + 1; v <= to; v++ {
		e, err := crmkit.NewEvent(kind, id, "Imported", actor, base, v, nil)
		if err != nil {
			panic(err) // the suite's own events are valid
		}
		out = append(out, e)
	}
	return out
}

// leadEvent returns an event of type typ recording l at its version.
func leadEvent(l lead.Lead, typ string) crmkit.Event {
	e, err := crmkit.NewEvent(lead.LeadKind, l.ID, typ, actor, l.UpdatedAt, l.Version, map[string]string{"owner": l.Owner})
	if err != nil {
		panic(err) // the suite's own events are valid
	}
	e.To = l.Stage.String()
	return e
}

// changed returns l moved to owner and stage, one version on, with its
// event.
func changed(l lead.Lead, owner string, stage lead.Stage) (lead.Lead, crmkit.Event) {
	next := l.Clone()
	next.Owner, next.Stage = owner, stage
	settle(&next)
	next.UpdatedAt = next.UpdatedAt.Add(time.Second)
	next.Version++
	return next, leadEvent(next, lead.EventLeadAssigned)
}

// eur is the currency of the suite's deals.
func eur(amount string) crmkit.Money { return crmkit.MustMoney(amount, "EUR") }

// dealSpec is what the deal tests vary.
type dealSpec struct {
	name, owner string
	stage       string // in deal.DefaultPipeline
	close       time.Time
}

// newDeal creates a deal in deal.DefaultPipeline with its DealCreated
// event.
func newDeal(t tb, s dealSpec) (deal.Deal, crmkit.Event) {
	t.Helper()
	d, e, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{
		Name: s.name, Type: deal.NewBusiness, Amount: eur("1000.00"), CloseDate: s.close,
		AccountID: suiteAccount, ContactID: suiteContact, Owner: s.owner, Stage: s.stage,
		Probability: decimal.NewNullDecimal(decimal.RequireFromString("0.1250")),
	}, deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}})
	require.NoError(t, err)
	return d, e
}

// errBoom is the error the suite's failing functions return.
var errBoom = errors.New("storagetest: boom")

// --- comparison --------------------------------------------------------

var (
	timeType    = reflect.TypeFor[time.Time]()
	decimalType = reflect.TypeFor[decimal.Decimal]()
	rawType     = reflect.TypeFor[json.RawMessage]()
	uuidType    = reflect.TypeFor[uuid.UUID]()
)

// canon turns v into a tree of plain values that differs between two
// values only when their content does: times become UTC text, decimals
// their shortest text, UUIDs their text, JSON payloads decoded values,
// and empty slices and maps nil.
func canon(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Invalid:
		return nil
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return canon(v.Elem())
	case reflect.Slice, reflect.Array:
		t := v.Type()
		if t == uuidType {
			var u uuid.UUID
			for i := range u {
				u[i] = byte(v.Index(i).Uint())
			}
			return u.String()
		}
		if v.Len() == 0 && v.Kind() == reflect.Slice {
			return nil
		}
		if t == rawType && v.CanInterface() {
			if x, ok := canonJSON(v.Interface().(json.RawMessage)); ok {
				return x
			}
		}
		out := make([]any, v.Len())
		for i := range out {
			out[i] = canon(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		out := make(map[string]any, v.Len())
		it := v.MapRange()
		for it.Next() {
			out[fmt.Sprint(canon(it.Key()))] = canon(it.Value())
		}
		return out
	case reflect.Struct:
		t := v.Type()
		if v.CanInterface() {
			switch t {
			case timeType:
				tm := v.Interface().(time.Time)
				if tm.IsZero() {
					return "zero time"
				}
				return tm.UTC().Format(time.RFC3339Nano)
			case decimalType:
				return v.Interface().(decimal.Decimal).String()
			}
		}
		out := make(map[string]any, t.NumField())
		for i := range t.NumField() {
			out[t.Field(i).Name] = canon(v.Field(i))
		}
		return out
	}
	return fmt.Sprintf("<%s>", v.Kind())
}

// canonJSON decodes a JSON payload to the value it means: numbers by
// their decimal value (1e2 and 100.0 are the same number), objects as
// maps (member order and whitespace do not count).
func canonJSON(b []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, false
	}
	return canonNumbers(x), true
}

// canonNumbers replaces every json.Number in x by its decimal value's
// shortest text.
func canonNumbers(x any) any {
	switch v := x.(type) {
	case json.Number:
		if d, err := decimal.NewFromString(string(v)); err == nil {
			return d.String()
		}
		return string(v)
	case []any:
		for i := range v {
			v[i] = canonNumbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = canonNumbers(v[k])
		}
	}
	return x
}

// equalCanon reports whether a and b hold the same content (see canon).
func equalCanon(a, b any) bool { return reflect.DeepEqual(canonOf(a), canonOf(b)) }

// same asserts that want and got hold the same content.
func same[T any](t testing.TB, want, got T, msgAndArgs ...any) bool {
	t.Helper()
	return assert.Equal(t, canon(reflect.ValueOf(want)), canon(reflect.ValueOf(got)), msgAndArgs...)
}

// ids returns the IDs of leads or deals.
func ids[T any](vs []T, id func(*T) uuid.UUID) []uuid.UUID {
	if len(vs) == 0 {
		return nil
	}
	out := make([]uuid.UUID, len(vs))
	for i := range vs {
		out[i] = id(&vs[i])
	}
	return out
}

func leadID(l *lead.Lead) uuid.UUID { return l.ID }
func dealID(d *deal.Deal) uuid.UUID { return d.ID }

// sortedIDs returns a sorted copy of ids in the storage order.
func sortedIDs(in ...uuid.UUID) []uuid.UUID {
	out := slices.Clone(in)
	slices.SortFunc(out, func(a, b uuid.UUID) int { return compareID(a, b) })
	return out
}

func compareID(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// collect drains an event stream, failing the test on an error.
func collect(t testing.TB, seq func(func(crmkit.Event, error) bool)) []crmkit.Event {
	t.Helper()
	var out []crmkit.Event
	for e, err := range seq {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// allLeads lists every lead of s with the zero filter.
func allLeads(t testing.TB, ctx context.Context, s storage.Tx) []lead.Lead {
	t.Helper()
	var out []lead.Lead
	for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{}, storage.MaxPageSize) {
		require.NoError(t, err)
		out = append(out, l)
	}
	return out
}

// allDeals lists every deal of s with the zero filter.
func allDeals(t testing.TB, ctx context.Context, s storage.Tx) []deal.Deal {
	t.Helper()
	var out []deal.Deal
	for d, err := range storage.All(ctx, s.Deals(), storage.DealFilter{}, storage.MaxPageSize) {
		require.NoError(t, err)
		if !suiteRecord(d.ID) {
			out = append(out, d)
		}
	}
	return out
}

// everything is a period holding every event the suite writes.
var everything = crmkit.Period{Start: base.AddDate(-1, 0, 0), End: base.AddDate(1, 0, 0)}

// allEvents returns every event of s in time order.
func allEvents(t testing.TB, ctx context.Context, s storage.Tx) []crmkit.Event {
	t.Helper()
	return ownEvents(collect(t, s.Events().Between(ctx, everything)))
}

// assertEmpty asserts that s holds no lead, deal or event.
func assertEmpty(t testing.TB, ctx context.Context, s storage.Tx) {
	t.Helper()
	assert.Empty(t, allLeads(t, ctx, s), "leads")
	assert.Empty(t, allDeals(t, ctx, s), "deals")
	assert.Empty(t, allEvents(t, ctx, s), "events")
}

// canonOf is canon for any value.
func canonOf(v any) any { return canon(reflect.ValueOf(v)) }
