package lead_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An archived lead is erased without a restore (the right to erasure does
// not wait for one) and stays archived; an erased lead cannot be edited.
func TestEraseArchivedLead(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	l, _, err := lead.New(lead.Capture{
		Who:    lead.Person{Name: "Ada Lovelace", Email: "ada@example.org"},
		Source: lead.ChannelEmail, Owner: "ana",
	}, crmkit.Cmd{By: "ana", At: at})
	require.NoError(t, err)
	l, _, err = l.Archive(crmkit.Cmd{By: "ana", At: at.Add(time.Minute)})
	require.NoError(t, err)

	e, ev, err := l.Erase(nil, nil, crmkit.Cmd{By: "dpo", At: at.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, lead.EventLeadErased, ev.Type)
	assert.Equal(t, crmkit.Erased, e.Who.Name)
	assert.Empty(t, e.Who.Email)
	assert.True(t, e.Archived(), "still archived")
	require.NoError(t, e.Validate())

	name := "Ada"
	_, _, err = e.Edit(lead.Patch{Name: &name}, crmkit.Cmd{By: "ana", At: at.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = e.Restore(crmkit.Cmd{By: "ana", At: at.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an erased lead takes no command, restore included")
}
