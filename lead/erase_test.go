package lead_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErase(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	l, _, err := lead.New(lead.Capture{
		Who:    lead.Person{Name: "Ada Lovelace", Email: "ada@example.org", Phone: "+44 20 7946 0958", Company: "Engines", Title: "Analyst"},
		Source: lead.ChannelEmail, Owner: "ana",
	}, crmkit.Cmd{By: "ana", At: at})
	require.NoError(t, err)
	l, _, err = l.SetCustom(field.Values{"nick": field.Text("Countess"), "tier": field.Text("gold")}, crmkit.Cmd{By: "ana", At: at})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"Ada Lovelace", "ada@example.org", "+44 20 7946 0958", "Countess"}, l.PersonalData([]string{"nick"}))

	e, ev, err := l.Erase([]string{"nick"}, []string{"old@example.org"}, crmkit.Cmd{By: "dpo", At: at.Add(time.Hour), Reason: "asked by Ada Lovelace"})
	require.NoError(t, err)
	assert.Equal(t, crmkit.Erased, e.Who.Name)
	assert.Empty(t, e.Who.Email)
	assert.Empty(t, e.Who.Phone)
	assert.Equal(t, "Engines", e.Who.Company)
	assert.Equal(t, field.Values{"tier": field.Text("gold")}, e.Custom)
	assert.Equal(t, l.Stage, e.Stage)
	assert.True(t, e.StageAt.Equal(l.StageAt))
	assert.Equal(t, l.Version+1, e.Version)
	assert.Equal(t, lead.EventLeadErased, ev.Type)
	assert.Equal(t, "asked by (erased)", ev.Reason)
	assert.JSONEq(t, `{"fields":["custom.nick","email","name","phone"]}`, string(ev.Payload))
	assert.Equal(t, "Ada Lovelace", l.Who.Name, "input unchanged")
	require.NoError(t, e.Validate())

	// No command takes an erased lead.
	_, _, err = e.Assign("bob", crmkit.Cmd{By: "ana", At: at.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = e.SetCustom(nil, crmkit.Cmd{By: "ana", At: at.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = e.Erase(nil, nil, crmkit.Cmd{By: "ana", At: at.Add(2 * time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	lad, err := lead.NewLadder()
	require.NoError(t, err)
	_, _, err = lad.Fire(t.Context(), e, lead.Command{Cmd: crmkit.Cmd{By: "ana", At: at.Add(2 * time.Hour)}, Action: lead.ActionQualify})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}
