package storage_test

import (
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
)

// CheckCustom refuses a value that holds no custom values, and a lead
// missing a required field unless the lead is erased.
func TestCheckCustomOf(t *testing.T) {
	assert.ErrorIs(t, storage.CheckCustom(&struct{}{}, nil), crmkit.ErrInvalid)
	assert.ErrorIs(t, storage.CheckCustom(nil, nil), crmkit.ErrInvalid)
	schema := &field.Schema{Kind: lead.LeadKind, Fields: []field.Def{{Name: "nickname", Type: field.TypeText, Required: true, Personal: true}}}
	l := &lead.Lead{}
	assert.ErrorIs(t, storage.CheckCustom(l, schema), crmkit.ErrInvalid, "required field missing")
	l.ErasedAt = l.CreatedAt.AddDate(1, 0, 0)
	assert.NoError(t, storage.CheckCustom(l, schema), "an erased lead need not hold a personal field")
	assert.Len(t, schema.Fields, 1)
	assert.True(t, schema.Fields[0].Required, "the stored schema is unchanged")
}
