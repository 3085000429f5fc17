package lead_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var editStart = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

func editLead(t require.TestingT) (lead.Lead, crmkit.Event) {
	l, ev, err := lead.New(lead.Capture{
		Who:    lead.Person{Name: "Ada Lovelace", Email: "ada@acme.example", Company: "Acme", CompanySize: 40},
		Source: lead.ChannelEmail, Owner: "rep-1",
	}, crmkit.Cmd{By: "web", At: editStart})
	require.NoError(t, err)
	return l, ev
}

func at(h int) crmkit.Cmd {
	return crmkit.Cmd{By: "rep-2", At: editStart.Add(time.Duration(h) * time.Hour), Reason: "typo"}
}

func TestEdit(t *testing.T) {
	l, _ := editLead(t)
	name, email, size := "Ada King", "ada@king.example", 45
	got, ev, err := l.Edit(lead.Patch{Name: &name, Email: &email, CompanySize: &size}, at(1))
	require.NoError(t, err)
	assert.Equal(t, "Ada King", got.Who.Name)
	assert.Equal(t, "ada@king.example", got.Who.Email)
	assert.Equal(t, 45, got.Who.CompanySize)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, editStart.Add(time.Hour), got.UpdatedAt)
	assert.Equal(t, "Ada Lovelace", l.Who.Name, "the input lead changed")
	assert.Equal(t, lead.EventLeadEdited, ev.Type)
	assert.Equal(t, int64(2), ev.Version)
	assert.Equal(t, "typo", ev.Reason)
	var p crmkit.EditPayload
	require.NoError(t, ev.DecodePayload(&p))
	assert.Equal(t, []crmkit.FieldChange{
		{Field: "name", From: "Ada Lovelace", To: "Ada King"},
		{Field: "email", From: "ada@acme.example", To: "ada@king.example"},
		{Field: "company_size", From: "40", To: "45"},
	}, p.Changes)
}

func TestEditRefusals(t *testing.T) {
	l, _ := editLead(t)
	s := func(v string) *string { return &v }
	neg := -1
	archived, _, err := l.Archive(at(1))
	require.NoError(t, err)
	for name, c := range map[string]struct {
		l     lead.Lead
		p     lead.Patch
		cmd   crmkit.Cmd
		want  error
		field string
	}{
		"bad e-mail":      {l, lead.Patch{Email: s("not-an-address")}, at(1), crmkit.ErrInvalid, "email"},
		"phone no digits": {l, lead.Patch{Phone: s("call me")}, at(1), crmkit.ErrInvalid, "phone"},
		"negative size":   {l, lead.Patch{CompanySize: &neg}, at(1), crmkit.ErrInvalid, "company size"},
		"empty identity": {l, lead.Patch{Name: s(""), Email: s(""), Company: s("")}, at(1),
			crmkit.ErrInvalid, "who"},
		"no change":     {l, lead.Patch{Name: s("Ada Lovelace")}, at(1), crmkit.ErrInvalid, "patch"},
		"empty patch":   {l, lead.Patch{}, at(1), crmkit.ErrInvalid, "patch"},
		"no actor":      {l, lead.Patch{Name: s("x")}, crmkit.Cmd{At: editStart}, crmkit.ErrInvalid, "by"},
		"before change": {l, lead.Patch{Name: s("x")}, at(-1), crmkit.ErrInvalid, "at"},
		"archived":      {archived, lead.Patch{Name: s("x")}, at(2), crmkit.ErrIllegalTransition, ""},
	} {
		got, ev, err := c.l.Edit(c.p, c.cmd)
		require.ErrorIs(t, err, c.want, name)
		assert.Equal(t, lead.Lead{}, got, name)
		assert.Equal(t, crmkit.Event{}, ev, name)
		var ve *crmkit.ValidationError
		if c.field != "" {
			require.ErrorAs(t, err, &ve, name)
			assert.Equal(t, c.field, ve.Field, name)
		}
	}
	_, _, err = archived.Edit(lead.Patch{Name: s("x")}, at(2))
	var ae *crmkit.ArchivedError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, crmkit.ArchivedError{Kind: lead.LeadKind, ID: l.ID, What: "change it"}, *ae)
}

func TestArchiveRestore(t *testing.T) {
	l, _ := editLead(t)
	a, ev, err := l.Archive(at(1))
	require.NoError(t, err)
	assert.True(t, a.Archived())
	assert.Equal(t, editStart.Add(time.Hour), a.ArchivedAt)
	assert.Equal(t, lead.EventLeadArchived, ev.Type)
	assert.Equal(t, int64(2), ev.Version)
	require.NoError(t, a.Validate())
	// An archived lead takes no command: the ladder, assign, archive.
	_, _, err = a.Assign("rep-3", at(2))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = a.Archive(at(2))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	lad, err := lead.NewLadder()
	require.NoError(t, err)
	_, _, err = lad.Fire(t.Context(), a, lead.Command{Cmd: at(2), Action: lead.ActionQualify})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)

	r, rev, err := a.Restore(at(2))
	require.NoError(t, err)
	assert.False(t, r.Archived())
	assert.Equal(t, lead.EventLeadRestored, rev.Type)
	assert.Equal(t, int64(3), r.Version)
	_, _, err = r.Restore(at(3))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "restoring a live lead")
	_, _, err = a.Restore(crmkit.Cmd{By: "x", At: editStart})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "restore dated before the archive")
	_, _, err = r.Assign("rep-3", at(3))
	assert.NoError(t, err, "a restored lead takes commands again")
}

// TestPropertyFieldHistory: after any sequence of edits and assignments,
// crmkit.FieldHistory over the events holds one entry per changed field,
// each entry's From is the To of the field's previous entry (or the
// captured value), and the last To of each field is the lead's value.
func TestPropertyFieldHistory(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l, ev := editLead(t)
		events := []crmkit.Event{ev}
		initial := map[string]string{"name": l.Who.Name, "email": l.Who.Email, "title": "", "description": "", "owner": l.Owner}
		n := rapid.IntRange(0, 12).Draw(t, "steps")
		for i := range n {
			cmd := at(i + 1)
			var (
				next lead.Lead
				e    crmkit.Event
				err  error
			)
			if rapid.IntRange(0, 3).Draw(t, "assign") == 0 {
				next, e, err = l.Assign(rapid.SampledFrom([]string{"rep-1", "rep-2", "rep-3"}).Draw(t, "owner"), cmd)
			} else {
				var p lead.Patch
				pick := func(label string, vals ...string) *string {
					if rapid.Bool().Draw(t, label+"?") {
						v := rapid.SampledFrom(vals).Draw(t, label)
						return &v
					}
					return nil
				}
				p.Name = pick("name", "Ada", "Ada King", "A. Lovelace")
				p.Email = pick("email", "ada@acme.example", "ada@king.example")
				p.Title = pick("title", "", "CTO", "Countess")
				p.Description = pick("description", "", "met at the fair")
				next, e, err = l.Edit(p, cmd)
			}
			if err != nil {
				require.ErrorIs(t, err, crmkit.ErrInvalid) // nothing changed
				continue
			}
			l = next
			events = append(events, e)
		}
		hist, err := crmkit.FieldHistory(crmkit.EventsOf(events), lead.FieldTransitions())
		require.NoError(t, err)
		cur := initial
		var lastVersion int64
		for _, h := range hist {
			require.Equal(t, cur[h.Field], h.From, "entry %+v", h)
			require.NotEqual(t, h.From, h.To, "entry %+v changes nothing", h)
			require.GreaterOrEqual(t, h.Version, lastVersion)
			lastVersion = h.Version
			cur[h.Field] = h.To
		}
		require.Equal(t, map[string]string{"name": l.Who.Name, "email": l.Who.Email, "title": l.Who.Title,
			"description": l.Description, "owner": l.Owner}, cur)
	})
}

// Edit a lead's details and read who changed what from its events.
func ExampleLead_Edit() {
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	l, created, err := lead.New(lead.Capture{
		Who:    lead.Person{Name: "Ada Lovelace", Email: "ada@acme.example"},
		Source: lead.ChannelEmail, Owner: "rep-1",
	}, crmkit.Cmd{By: "web", At: at})
	if err != nil {
		panic(err)
	}
	email := "ada@king.example"
	l, edited, err := l.Edit(lead.Patch{Email: &email}, crmkit.Cmd{By: "rep-1", At: at.Add(time.Hour), Reason: "new address"})
	if err != nil {
		panic(err)
	}
	l, assigned, err := l.Assign("rep-2", crmkit.Cmd{By: "manager", At: at.Add(2 * time.Hour)})
	if err != nil {
		panic(err)
	}
	hist, err := crmkit.FieldHistory(crmkit.EventsOf([]crmkit.Event{created, edited, assigned}), lead.FieldTransitions())
	if err != nil {
		panic(err)
	}
	for _, h := range hist {
		fmt.Printf("%s %s: %q -> %q by %s\n", h.At.Format("15:04"), h.Field, h.From, h.To, h.By)
	}
	_, _, err = l.Edit(lead.Patch{Email: &email}, crmkit.Cmd{By: "rep-2", At: at.Add(3 * time.Hour)})
	fmt.Println(errors.Is(err, crmkit.ErrInvalid), "(no change)")
	// Output:
	// 10:00 email: "ada@acme.example" -> "ada@king.example" by rep-1
	// 11:00 owner: "rep-1" -> "rep-2" by manager
	// true (no change)
}

func TestValidateArchivedAt(t *testing.T) {
	l, _ := editLead(t)
	l.ArchivedAt = l.CreatedAt.Add(-time.Second)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, l.Validate(), &ve)
	assert.Equal(t, "archived at", ve.Field)
	l.ArchivedAt = l.CreatedAt
	assert.NoError(t, l.Validate())
}
