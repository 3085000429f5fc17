package account

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Hierarchy is a forest of accounts linked by Account.Parent: groups of
// companies with their subsidiaries. It holds only the links; the
// accounts themselves stay with the caller. A Hierarchy never contains a
// cycle: NewHierarchy and SetParent reject any link that would make one.
type Hierarchy struct {
	parent   map[uuid.UUID]uuid.UUID
	children map[uuid.UUID][]uuid.UUID
	order    []uuid.UUID // insertion order, for deterministic output
}

// NewHierarchy builds the hierarchy of accounts.
//
// Errors: ErrInvalid for a nil ID, a parent that is not among accounts,
// or a cycle (naming the accounts on it); ErrConflict for an ID given
// twice.
func NewHierarchy(accounts []Account) (*Hierarchy, error) {
	h := &Hierarchy{
		parent:   make(map[uuid.UUID]uuid.UUID, len(accounts)),
		children: make(map[uuid.UUID][]uuid.UUID),
		order:    make([]uuid.UUID, 0, len(accounts)),
	}
	for i, a := range accounts {
		if a.ID == uuid.Nil {
			return nil, crmkit.Invalid(fmt.Sprintf("accounts[%d]", i), "nil account id")
		}
		if _, dup := h.parent[a.ID]; dup {
			return nil, fmt.Errorf("hierarchy: account %s given twice: %w", a.ID, crmkit.ErrConflict)
		}
		h.parent[a.ID] = a.Parent
		h.order = append(h.order, a.ID)
	}
	for _, a := range accounts {
		if a.Parent == uuid.Nil {
			continue
		}
		if _, ok := h.parent[a.Parent]; !ok {
			return nil, crmkit.Invalid("parent", "account %s has parent %s, which is not in the hierarchy", a.ID, a.Parent)
		}
		h.children[a.Parent] = append(h.children[a.Parent], a.ID)
	}
	// Every walk up the parents must reach a root within len steps.
	state := make(map[uuid.UUID]uint8, len(accounts)) // 1 visiting, 2 done
	for _, id := range h.order {
		var path []uuid.UUID
		for cur := id; cur != uuid.Nil && state[cur] != 2; cur = h.parent[cur] {
			if state[cur] == 1 {
				i := slices.Index(path, cur)
				return nil, crmkit.Invalid("parent", "hierarchy cycle %s", cycleString(path[i:]))
			}
			state[cur] = 1
			path = append(path, cur)
		}
		for _, p := range path {
			state[p] = 2
		}
	}
	return h, nil
}

func cycleString(ids []uuid.UUID) string {
	s := ""
	for _, id := range ids {
		s += id.String() + " -> "
	}
	return s + ids[0].String()
}

// Len returns the number of accounts in h. A nil Hierarchy, like the zero
// one, is empty: its queries find nothing and its changes are errors.
func (h *Hierarchy) Len() int {
	if h == nil {
		return 0
	}
	return len(h.order)
}

// Parent returns the parent of id (uuid.Nil for a root) and whether id is
// in h.
func (h *Hierarchy) Parent(id uuid.UUID) (uuid.UUID, bool) {
	if h == nil {
		return uuid.Nil, false
	}
	p, ok := h.parent[id]
	return p, ok
}

// Children returns the direct children of id, in insertion order.
func (h *Hierarchy) Children(id uuid.UUID) []uuid.UUID {
	if h == nil {
		return nil
	}
	return slices.Clone(h.children[id])
}

// Roots returns the accounts without a parent, in insertion order.
func (h *Hierarchy) Roots() []uuid.UUID {
	if h == nil {
		return nil
	}
	var out []uuid.UUID
	for _, id := range h.order {
		if h.parent[id] == uuid.Nil {
			out = append(out, id)
		}
	}
	return out
}

// Ancestors returns the parent of id, its parent, and so on up to the
// root.
func (h *Hierarchy) Ancestors(id uuid.UUID) []uuid.UUID {
	if h == nil {
		return nil
	}
	var out []uuid.UUID
	for p := h.parent[id]; p != uuid.Nil; p = h.parent[p] {
		out = append(out, p)
	}
	return out
}

// Subtree returns id and all its descendants, depth first, parents before
// children.
func (h *Hierarchy) Subtree(id uuid.UUID) []uuid.UUID {
	if h == nil {
		return nil
	}
	if _, ok := h.parent[id]; !ok {
		return nil
	}
	out := []uuid.UUID{id}
	for i := 0; i < len(out); i++ {
		out = append(out, h.children[out[i]]...)
	}
	return out
}

// SetParent links child under parent (uuid.Nil detaches it to a root).
//
// Errors: ErrNotFound for an account not in h; ErrInvalid when parent is
// child or one of its descendants (a cycle), and for a nil h. On error h
// is unchanged.
func (h *Hierarchy) SetParent(child, parent uuid.UUID) error {
	if h == nil {
		return crmkit.Invalid("hierarchy", "nil hierarchy")
	}
	old, ok := h.parent[child]
	if !ok {
		return fmt.Errorf("hierarchy: account %s: %w", child, crmkit.ErrNotFound)
	}
	if parent != uuid.Nil {
		if _, ok := h.parent[parent]; !ok {
			return fmt.Errorf("hierarchy: parent account %s: %w", parent, crmkit.ErrNotFound)
		}
		if parent == child || slices.Contains(h.Ancestors(parent), child) {
			return crmkit.Invalid("parent", "moving account %s under %s would make a cycle", child, parent)
		}
	}
	if old == parent {
		return nil
	}
	if old != uuid.Nil {
		h.children[old] = slices.DeleteFunc(h.children[old], func(c uuid.UUID) bool { return c == child })
	}
	if parent != uuid.Nil {
		h.children[parent] = append(h.children[parent], child)
	}
	h.parent[child] = parent
	return nil
}

// Figures are the amounts rolled up over a hierarchy: revenue, open
// pipeline (the value of open deals), and the count and value of
// contracts. All amounts share one currency.
type Figures struct {
	Revenue       crmkit.Money `json:"revenue"`
	OpenPipeline  crmkit.Money `json:"open_pipeline"`
	Contracts     int64        `json:"contracts"`
	ContractValue crmkit.Money `json:"contract_value"`
}

// Add returns f + g, field by field.
func (f Figures) Add(g Figures) (Figures, error) {
	var err error
	var out Figures
	if out.Revenue, err = f.Revenue.Add(g.Revenue); err != nil {
		return Figures{}, err
	}
	if out.OpenPipeline, err = f.OpenPipeline.Add(g.OpenPipeline); err != nil {
		return Figures{}, err
	}
	if out.ContractValue, err = f.ContractValue.Add(g.ContractValue); err != nil {
		return Figures{}, err
	}
	if g.Contracts > 0 && f.Contracts > (1<<63-1)-g.Contracts {
		return Figures{}, fmt.Errorf("contracts count: %w", crmkit.ErrOverflow)
	}
	out.Contracts = f.Contracts + g.Contracts
	return out, nil
}

// RollUp returns, for every account of h, its own figures plus those of
// all its descendants: a group's revenue is the revenue of all its
// companies. own holds each account's own figures (missing ones are
// zero); an id in own that is not in h is ErrNotFound. Amounts must all be
// in cur (ErrCurrencyMismatch otherwise); a negative contract count is
// ErrInvalid; sums beyond int64 are ErrOverflow.
func (h *Hierarchy) RollUp(cur crmkit.Currency, own map[uuid.UUID]Figures) (map[uuid.UUID]Figures, error) {
	if h == nil {
		return nil, crmkit.Invalid("hierarchy", "nil hierarchy")
	}
	if cur.IsZero() {
		return nil, crmkit.Invalid("currency", "roll-up without currency")
	}
	zero, _ := crmkit.NewMoney(0, cur)
	for id, f := range own {
		if _, ok := h.parent[id]; !ok {
			return nil, fmt.Errorf("roll-up: account %s: %w", id, crmkit.ErrNotFound)
		}
		if f.Contracts < 0 {
			return nil, crmkit.Invalid("contracts", "account %s has %d contracts", id, f.Contracts)
		}
		for _, m := range []crmkit.Money{f.Revenue, f.OpenPipeline, f.ContractValue} {
			if _, err := zero.Add(m); err != nil {
				return nil, fmt.Errorf("roll-up: account %s: %w", id, err)
			}
		}
	}
	out := make(map[uuid.UUID]Figures, len(h.order))
	// Post-order over each root: children are summed before parents.
	for _, root := range h.Roots() {
		sub := h.Subtree(root)
		for i := len(sub) - 1; i >= 0; i-- {
			id := sub[i]
			f := Figures{Revenue: zero, OpenPipeline: zero, ContractValue: zero}
			f, err := f.Add(own[id])
			if err != nil {
				return nil, fmt.Errorf("roll-up: account %s: %w", id, err)
			}
			for _, c := range h.children[id] {
				if f, err = f.Add(out[c]); err != nil {
					return nil, fmt.Errorf("roll-up: account %s: %w", id, err)
				}
			}
			out[id] = f
		}
	}
	return out, nil
}
