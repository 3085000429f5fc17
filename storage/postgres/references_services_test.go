package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The foreign keys of schema version 9 (0009_quotes_approvals_interactions.sql)
// hold for writers outside the library: a quote whose deal, or an
// interaction whose account or contact, is not in the row's tenant is
// refused by the database itself (SQLSTATE 23503); so is dropping a
// contact an interaction refers to from account_contacts.
func TestServiceReferencesHoldForSQLWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	acme, err := db.Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, acme)
	d, ev := testDeal(t, deal.DefaultPipeline(), "ana", 1)
	d.ContactID = uuid.Nil // so that only an interaction refers to the contact
	_, err = acme.Deals().Create(ctx, d, "", ev)
	require.NoError(t, err)
	fk := func(err error, constraint string) {
		t.Helper()
		var pe *pgconn.PgError
		if assert.True(t, errors.As(err, &pe), "%v", err) {
			assert.Equal(t, "23503", pe.Code)
			assert.Equal(t, constraint, pe.ConstraintName)
		}
	}
	quote := func(tenant string) error {
		_, err := db.Pool().Exec(ctx, `INSERT INTO quotes (tenant_id, id, version, deal_id, status, created_by, body)
			VALUES ($1, $2, 1, $3, 'draft', 'ana', '{}')`, tenant, crmkit.NewID(), d.ID)
		return err
	}
	fk(quote("globex"), "quotes_deal_fk")
	require.NoError(t, quote("acme"))

	interaction := func(tenant string, contact any) error {
		_, err := db.Pool().Exec(ctx, `INSERT INTO interactions (tenant_id, id, version, account_id, contact_id, outcome, channel, body)
			VALUES ($1, $2, 1, $3, $4, 'pending', 'phone', '{}')`, tenant, crmkit.NewID(), testAccount, contact)
		return err
	}
	fk(interaction("globex", nil), "interactions_account_fk")
	fk(interaction("acme", crmkit.NewID()), "interactions_contact_fk")
	require.NoError(t, interaction("acme", nil), "no contact")
	require.NoError(t, interaction("acme", testContact), "the account's own contact")

	fk(func() error {
		_, err := db.Pool().Exec(ctx, `DELETE FROM account_contacts WHERE tenant_id = 'acme' AND id = $1`, testContact)
		return err
	}(), "interactions_contact_fk")
}
