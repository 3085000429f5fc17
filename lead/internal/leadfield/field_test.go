package leadfield_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/internal/leadfield"
)

func TestParseAndRead(t *testing.T) {
	l := lead.Lead{
		Who: lead.Person{
			Name: " Ada ", Email: "ada@Example.org", Country: "DE", CompanySize: 51,
			Attributes: map[string]string{"segment": " smb ", "seats": "12.5", "bad": "NaN"},
		},
		Source: lead.ChannelEvent, Campaign: "spring",
	}
	for _, c := range []struct {
		name, canonical, text string
		num                   float64
		isNum, numeric        bool
	}{
		{"name", "name", "Ada", 0, false, false},
		{" EMAIL_DOMAIN ", "email_domain", "Example.org", 0, false, false},
		{"Country", "country", "DE", 0, false, false},
		{"company_size", "company_size", "51-200", 51, true, true}, // 51 is the first size of the 51-200 band
		{"source", "source", "event", 0, false, false},
		{"campaign", "campaign", "spring", 0, false, false},
		{"owner", "owner", "", 0, false, false},
		{"attr.segment", "attr.segment", "smb", 0, false, true},
		{"ATTR.seats", "attr.seats", "12.5", 12.5, true, true},
		{"attr.bad", "attr.bad", "NaN", 0, false, true}, // NaN is not a number
		{"attr.missing", "attr.missing", "", 0, false, true},
	} {
		r, err := leadfield.Parse("field", c.name)
		require.NoError(t, err, c.name)
		assert.Equal(t, c.canonical, r.Name(), c.name)
		assert.Equal(t, c.text, r.Text(&l), c.name)
		assert.Equal(t, c.numeric, r.Numeric(), c.name)
		n, ok := r.Number(&l)
		assert.Equal(t, c.isNum, ok, c.name)
		assert.Equal(t, c.num, n, c.name)
	}
	for _, bad := range []string{"", "stage", "attr.", "attr.  ", "e-mail"} {
		_, err := leadfield.Parse("field", bad)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%q", bad)
	}
}

// TestSizeBands checks the head-count bands at their edges (LinkedIn's
// bands, written out by hand).
func TestSizeBands(t *testing.T) {
	r, err := leadfield.Parse("field", lead.FieldCompanySize)
	require.NoError(t, err)
	for size, band := range map[int]string{
		-3: "", 0: "", 1: "1-10", 10: "1-10", 11: "11-50", 50: "11-50", 200: "51-200",
		201: "201-500", 500: "201-500", 1000: "501-1000", 1001: "1001-5000",
		5000: "1001-5000", 10000: "5001-10000", 10001: "10001+",
	} {
		l := lead.Lead{Who: lead.Person{CompanySize: size}}
		assert.Equal(t, band, r.Text(&l), "size %d", size)
	}
}

// TestPropertyNameRoundTrip: parsing a field's canonical name gives the
// same field back.
func TestPropertyNameRoundTrip(t *testing.T) {
	names := []string{
		lead.FieldName, lead.FieldEmail, lead.FieldEmailDomain, lead.FieldPhone, lead.FieldCompany,
		lead.FieldTitle, lead.FieldIndustry, lead.FieldCountry, lead.FieldCompanySize, lead.FieldSource,
		lead.FieldEventKind, lead.FieldCampaign, lead.FieldOwner, lead.FieldReferredBy, lead.FieldTemperature,
	}
	rapid.Check(t, func(t *rapid.T) {
		name := rapid.OneOf(
			rapid.SampledFrom(names),
			rapid.StringMatching(`attr\.[A-Za-z][A-Za-z0-9_]{0,8}`),
		).Draw(t, "name")
		r, err := leadfield.Parse("field", name)
		if err != nil {
			t.Fatal(err)
		}
		again, err := leadfield.Parse("field", r.Name())
		if err != nil || again != r {
			t.Fatalf("%q -> %q -> %+v, %v", name, r.Name(), again, err)
		}
	})
}
