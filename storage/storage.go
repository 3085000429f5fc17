package storage

import (
	"context"
	"iter"

	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
)

// Limits every backend enforces the same way, so that a value accepted by
// one store is accepted by all. Input beyond them is an error matching
// crmkit.ErrInvalid and nothing is written.
const (
	// MaxTextLen is the longest string, in bytes, any field of a stored
	// value or event may hold (names, e-mail addresses, reasons, notes,
	// attribute keys and values, ...).
	MaxTextLen = 4096
	// MaxKeyLen is the longest idempotency key, tenant name or filter
	// string (owner, source, ...), in bytes.
	MaxKeyLen = 255
	// MaxPayloadLen is the largest event payload (or json.RawMessage in
	// a stored value), in bytes.
	MaxPayloadLen = 64 << 10
	// DefaultPageSize is the page size used when Page.Size is zero.
	DefaultPageSize = 100
	// MaxPageSize is the largest page a List returns.
	MaxPageSize = 1000
)

// Store is one tenant's view of a database: the repositories, used
// directly (each call is its own transaction), and Update for changes that
// must land together. A Store is bound to the tenant it was opened for: no
// call can read, list or write another tenant's entities, events or
// idempotency keys. Every method is safe for concurrent use.
//
// Reads outside Update are consistent: a read never sees part of an
// Update. Values returned are copies; changing them changes nothing
// stored.
//
// What a store keeps is Canonical of what it was given: every time in
// UTC, truncated to the microsecond (PostgreSQL's precision), without a
// monotonic reading; Create and every read return that form. An empty
// slice or map may come back nil, a decimal in another representation of
// the same number (compare with decimal.Decimal.Equal), and a payload as
// the same JSON value in another spelling. A nil ctx is an error matching
// crmkit.ErrInvalid from every method; a done ctx an error matching its
// error and crmkit.ErrUnavailable (see Stopped).
type Store interface {
	Tx

	// Tenant returns the tenant the store is bound to.
	Tenant() string

	// Update runs fn in one transaction and commits what it wrote if fn
	// returns nil: the writes through tx land together or not at all. If
	// fn returns an error, or panics, nothing fn wrote is kept (a panic is
	// re-raised after the rollback); the error is returned as is. A
	// conflicting concurrent change detected at commit is an error
	// matching crmkit.ErrConflict or ErrSerialization: re-run the whole
	// Update with Retry. A cancelled ctx aborts the transaction and
	// returns an error; nothing is written.
	//
	// Update guarantees the version checks of what it writes, not of what
	// it only reads: a decision that depends on another aggregate staying
	// as read is safe only if that aggregate is saved (with the version
	// read) in the same Update.
	//
	// fn may be called once per Update; it must use tx (not the Store) for
	// everything that belongs to the transaction, and must not keep tx
	// after it returns. Reads through tx see fn's own writes.
	Update(ctx context.Context, fn func(tx Tx) error) error
}

// Tx gives every repository of the tenant. Outside Update (as part of a
// Store) every call is its own transaction; inside Update every call
// belongs to the Update's transaction, whichever repository it goes
// through. Adding an aggregate kind to crmkit adds its method here (and
// its kind to each backend), so no repository needs a type assertion.
type Tx interface {
	// Leads is the lead repository.
	Leads() LeadRepository
	// Deals is the deal (opportunity) repository.
	Deals() DealRepository
	// Accounts is the account repository, contacts included.
	Accounts() AccountRepository
	// Contracts is the contract repository.
	Contracts() ContractRepository
	// Plans is the quota plan repository.
	Plans() PlanRepository
	// Campaigns is the marketing campaign repository.
	Campaigns() CampaignRepository
	// CommissionPlans is the commission plan repository.
	CommissionPlans() CommissionPlanRepository
	// Pipelines is the repository of versioned pipeline definitions.
	Pipelines() PipelineRepository
	// ForecastSnapshots is the append-only store of forecast snapshots.
	ForecastSnapshots() ForecastSnapshotRepository
	// Quotes is the quote repository.
	Quotes() QuoteRepository
	// Approvals is the approval request repository.
	Approvals() ApprovalRepository
	// Interactions is the service interaction repository.
	Interactions() InteractionRepository
	// FieldSchemas is the repository of custom field declarations.
	FieldSchemas() FieldSchemaRepository
	// Events is the tenant's event log.
	Events() EventLog
}

// Repository stores one kind of aggregate T (a lead, a deal, ...) that
// carries its ID (a uuid.UUID) and its Version (an int64, 1 for a new
// aggregate, one more per event), and lists them with filters of type F.
//
// Every method returns an error matching crmkit.ErrInvalid, and writes
// nothing, for a value the aggregate's own Validate refuses (a nil ID, a
// version below 1, an unknown stage, ...: the store adds no domain rule
// and drops none), a key or filter column longer than MaxKeyLen, a string longer
// than MaxTextLen, a string that is not valid UTF-8 or contains a NUL
// byte, any other value outside the stored domain (see MinTime), an
// invalid event, an invalid filter or page, or a nil ctx; a cancelled
// ctx is the context's error matching crmkit.ErrUnavailable (see
// Stopped), not ErrInvalid.
type Repository[T, F any] interface {
	// Get returns the aggregate with id, or an error matching
	// crmkit.ErrNotFound when there is none.
	Get(ctx context.Context, id uuid.UUID) (T, error)

	// List returns up to p.Size aggregates matching f, starting after
	// p.After, and the cursor of the next page: empty when no aggregate
	// after the page matched at the time of the read. The order is by ID
	// (IDs are UUIDv7, so this is creation order), except for a filter
	// with a range (either bound set: DealFilter's CloseFrom and CloseTo,
	// ContractFilter's RenewalFrom and RenewalTo,
	// ForecastSnapshotFilter's Within): its List is in date order, by
	// the filtered date (as stored: see Canonical), then by ID, so that a
	// database answers it from the index of that date. A cursor of one
	// order given to a List of the other is an error matching
	// crmkit.ErrInvalid. Pagination is keyset: while others write,
	// walking the pages never skips or repeats an aggregate that existed
	// (and matched, with the same date) throughout the walk.
	List(ctx context.Context, f F, p Page) ([]T, Cursor, error)

	// Create stores a new aggregate v (its Version as given, at least 1)
	// together with events, and returns what is stored. key is an
	// optional idempotency key ("" for none, at most MaxKeyLen bytes),
	// unique per tenant and aggregate kind: a Create with a key already
	// used returns the aggregate that the first Create stored (as it is
	// stored now) and writes nothing, not even events. Compare the
	// returned ID with v.ID to tell the two cases apart. A Create of an ID
	// that exists, without its key, is an error matching
	// crmkit.ErrConflict.
	Create(ctx context.Context, v T, key string, events ...crmkit.Event) (T, error)

	// Save replaces the stored aggregate with v and appends events, if
	// the stored version is expected; v.Version must be greater than
	// expected and becomes the stored version (the domain packages bump it
	// by one per event). A stored version other than expected is an error
	// matching crmkit.ErrConflict that names both versions; an unknown ID
	// is an error matching crmkit.ErrNotFound.
	Save(ctx context.Context, v T, expected int64, events ...crmkit.Event) error
}

// LeadRepository stores lead.Lead aggregates.
type LeadRepository = Repository[lead.Lead, LeadFilter]

// LeadFilter selects leads for List. A zero field matches every lead; the
// zero LeadFilter matches all.
type LeadFilter struct {
	// Stage, if not zero, selects leads in that stage. An invalid stage
	// is an error matching crmkit.ErrInvalid.
	Stage lead.Stage
	// Source, if not empty, selects leads from that channel.
	Source lead.Channel
	// Owner, if not empty, selects leads owned by that key.
	Owner string
	// IncludeArchived lists archived leads (lead.Lead.Archive) too; by
	// default List leaves them out.
	IncludeArchived bool
	// Custom, if not empty, selects leads whose custom values match it
	// (field.Values.Match: each field equal, a multi-select holding every
	// option given).
	Custom field.Values
}

// DealRepository stores deal.Deal aggregates.
type DealRepository = Repository[deal.Deal, DealFilter]

// DealFilter selects deals for List. A zero field matches every deal; the
// zero DealFilter matches all.
type DealFilter struct {
	// Account, if not uuid.Nil, selects the deals of that account.
	Account uuid.UUID
	// Owner, if not empty, selects deals owned by that key.
	Owner string
	// Pipeline, if not empty, selects deals in that pipeline (by ID).
	Pipeline string
	// Stages, if not empty, selects deals whose stage index (0 is a
	// pipeline's first stage) is one of them; each must be in 0 ..
	// deal.MaxStages-1. It is a set rather than one index because 0 is a
	// stage.
	Stages []int
	// Status, if not zero, selects deals with that status.
	Status deal.Status
	// CloseFrom and CloseTo, if not zero, select deals whose expected
	// close date (as stored: see Canonical) lies in [CloseFrom,
	// CloseTo); a deal without a close date matches only when both are
	// zero. They may be any times, however far outside MinTime..MaxTime.
	// CloseTo before CloseFrom is an error matching crmkit.ErrInvalid.
	// With either set, List returns the deals ordered by close date, then
	// ID (see Repository.List).
	CloseFrom, CloseTo time.Time
	// IncludeArchived lists archived deals (deal.Deal.Archive) too; by
	// default List, and the funnel.Source of every store, leave them out.
	IncludeArchived bool
	// Custom, if not empty, selects deals whose custom values match it
	// (field.Values.Match).
	Custom field.Values
}

// EventLog is a tenant's append-only event history. Events are never
// changed or removed. Every aggregate's events are appended by the same
// Create or Save that stores the state they describe (see CheckHistory);
// Append is for events that describe no stored state (history imports,
// aggregates no repository keeps).
type EventLog interface {
	// Append appends events. An invalid event (see ValidateEvent: its
	// fields, times and payload within the stored domain), more than
	// MaxEvents of them, or an event of an aggregate a repository of the
	// store holds (its kind and ID: see EventOfStored) is an error
	// matching crmkit.ErrInvalid; an event ID already in the log is an
	// error matching crmkit.ErrConflict. Either way nothing is appended.
	Append(ctx context.Context, events ...crmkit.Event) error

	// ByAggregate streams the events of one aggregate ordered by Version,
	// then At, then ID. A nil id yields one error matching
	// crmkit.ErrInvalid; an unknown id yields nothing. The stream stops
	// with ctx's error if ctx is cancelled; events appended while it runs
	// may or may not appear. It does not hold the whole history in
	// memory (the memory store iterates its immutable snapshot).
	ByAggregate(ctx context.Context, id uuid.UUID) iter.Seq2[crmkit.Event, error]

	// Between streams the events with p.Start <= At < p.End, ordered by
	// At, then ID, under the same rules as ByAggregate. p's bounds may be
	// any times, however far outside MinTime..MaxTime. A zero Start or
	// End, or End before Start, yields one error matching
	// crmkit.ErrInvalid.
	Between(ctx context.Context, p crmkit.Period) iter.Seq2[crmkit.Event, error]
}

// Page selects one page of a List.
type Page struct {
	// Size is the most entities to return: 0 means DefaultPageSize,
	// otherwise 1 to MaxPageSize.
	Size int
	// After is the cursor returned with the previous page; empty for the
	// first page.
	After Cursor
}

// Cursor marks a position in a List: the page after it starts with the
// first entity after the last one returned, in the List's order (by ID,
// or by date then ID for a filter with a range: see Repository.List). It
// is opaque to callers; backends build and read it with EncodeCursor and
// Page.Resolve (ID order), EncodeCursorAt and Page.ResolveAt (date
// order).
type Cursor string
