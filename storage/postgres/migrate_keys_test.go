package postgres_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigrateAccountKeys brings a version-6 database whose accounts have
// contacts with e-mail addresses to version 7 and checks that the
// migration's SQL computes each account's contact_emails exactly as
// dedupe.NormalizeEmail does in Go (the second method), for hand-picked
// spellings and for 300 addresses drawn from a seeded generator over
// the characters that matter (case, "+", dots, "@", spaces, gmail).
func TestMigrateAccountKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, schema := openSchema(t, testDSN(t))
	_, err := db.Pool().Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	_, err = db.Pool().Exec(ctx, `CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
	require.NoError(t, err)
	for _, m := range postgres.Migrations()[:6] {
		_, err = db.Pool().Exec(ctx, m.SQL)
		require.NoError(t, err, m.Name)
		_, err = db.Pool().Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.Version, m.Name)
		require.NoError(t, err)
	}

	emails := []string{
		"Ada.Lovelace+crm@Acme.COM", " bob@acme.example. ", "A.DA+news@gmail.com", "ada@googlemail.com",
		"+x@acme.com", "no-at-sign", "two@@acme.com", "a@b@c.com", "sp ace@acme.com", "x@nodot",
		"x@.acme.com", "x@acme..com", "x@acme.com.", "", "@acme.com", "x@", "ünï@cödé.example", "a+b+c@acme.com",
	}
	rng := rand.New(rand.NewPCG(17, 4711))
	const alphabet = "aAbB.+@ xz09"
	domains := []string{"gmail.com", "GoogleMail.com", "acme.example", "acme", "a..b", ""}
	for range 300 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			b.WriteByte(alphabet[rng.IntN(len(alphabet))])
		}
		if rng.IntN(4) > 0 {
			b.WriteString("@" + domains[rng.IntN(len(domains))])
		}
		emails = append(emails, b.String())
	}
	// Three addresses per account, as contacts in the JSONB body.
	type row struct {
		id     [16]byte
		emails []string
	}
	var rows []row
	for i := 0; i < len(emails); i += 3 {
		r := row{id: crmkit.NewID(), emails: emails[i:min(i+3, len(emails))]}
		var contacts []map[string]string
		for _, e := range r.emails {
			contacts = append(contacts, map[string]string{"id": crmkit.NewID().String(), "name": "x", "email": e, "role": "user"})
		}
		body, err := json.Marshal(map[string]any{"id": r.id, "name": "x", "owner": "ana", "relations": []string{"customer"}, "version": 1, "contacts": contacts})
		require.NoError(t, err)
		_, err = db.Pool().Exec(ctx, `INSERT INTO accounts (tenant_id, id, version, owner, segment, relations, body) VALUES ('acme', $1, 1, 'ana', '', '{customer}', $2)`, r.id, body)
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.NoError(t, db.Migrate(ctx))

	for _, r := range rows {
		var got []string
		var domain string
		require.NoError(t, db.Pool().QueryRow(ctx, `SELECT contact_emails, domain FROM accounts WHERE id = $1`, r.id).Scan(&got, &domain))
		var want []string
		for _, e := range r.emails {
			if n, ok := dedupe.NormalizeEmail(e); ok && !slices.Contains(want, n) {
				want = append(want, n)
			}
		}
		assert.ElementsMatch(t, want, got, "emails %q", r.emails)
		assert.Empty(t, domain, "no domain before version 7")
	}
	// Hand-checked: the first account's keys.
	var first []string
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT contact_emails FROM accounts WHERE id = $1`, rows[0].id).Scan(&first))
	assert.ElementsMatch(t, []string{"ada.lovelace@acme.com", "bob@acme.example", "ada@gmail.com"}, first)
}
