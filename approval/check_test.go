package approval_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestFourEyes(t *testing.T) {
	assert.NoError(t, approval.FourEyes("ann", "bob"))
	assert.ErrorIs(t, approval.FourEyes("ann", "ann"), crmkit.ErrForbidden)
	assert.ErrorIs(t, approval.FourEyes("ann", " "), crmkit.ErrInvalid)
}

// TestCheckProperties draws a granted chain and checks what the guarded
// command sees: the genuine request passes for its subject, its roles
// (or fewer) and an actor who decided nothing, at any time before it
// expires; a nil request, another subject, a role it lacks, one of its
// approvers as the actor, a time at or after its expiry, and any tampered
// copy (status, decisions, version, expiry) are refused with
// crmkit.ErrForbidden.
func TestCheckProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		roles := rapid.SliceOfN(rapid.SampledFrom([]string{"manager", "director", "finance"}), 1, 3).Draw(t, "roles")
		ttl := time.Duration(rapid.IntRange(2, 100).Draw(t, "ttl hours")) * time.Hour
		r, _, err := approval.New("subject", roles, t0.Add(ttl), crmkit.Cmd{By: "req", At: t0})
		require.NoError(t, err)
		at := t0
		for i, role := range roles {
			at = at.Add(time.Minute)
			r, _, err = r.Approve(approver{ID: "approver-" + string(rune('a'+i)), Roles: []string{role}}.cmd(at, ""))
			require.NoError(t, err)
		}
		when := at.Add(time.Duration(rapid.Int64Range(0, int64(t0.Add(ttl).Sub(at))-1).Draw(t, "after grant")))
		actor := rapid.SampledFrom([]string{"req", "someone"}).Draw(t, "actor")
		need := roles[:rapid.IntRange(0, len(roles)).Draw(t, "roles needed")]
		require.NoError(t, r.Check("subject", need, actor, when))

		forbidden := func(what string, err error) {
			if !assert.ErrorIs(t, err, crmkit.ErrForbidden, what) {
				t.FailNow()
			}
		}
		var none *approval.Request
		forbidden("nil request", none.Check("subject", need, actor, when))
		forbidden("other subject", r.Check("other", need, actor, when))
		forbidden("missing role", r.Check("subject", append(need, "auditor"), actor, when))
		forbidden("approver runs the command", r.Check("subject", need, "approver-a", when))
		forbidden("expired", r.Check("subject", need, actor, t0.Add(ttl)))

		forged := r.Clone()
		switch rapid.IntRange(0, 4).Draw(t, "tamper") {
		case 0:
			forged.Status = approval.Pending
		case 1:
			forged.Decisions[0].Approver = "req" // the requester approving
		case 2:
			forged.Version++
		case 3:
			forged.Decisions = forged.Decisions[:len(forged.Decisions)-1]
		case 4:
			forged.ExpiresAt = forged.RequestedAt // expiry not after the request
		}
		forbidden("forged", forged.Check("subject", need, actor, when))
	})
}
