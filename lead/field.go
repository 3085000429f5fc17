package lead

// Field names a lead field that the rules of lead/scoring and lead/routing
// read. The names are:
//
//	name, email, email_domain, phone, company, title, industry, country,
//	company_size, source, event_kind, campaign, owner, referred_by,
//	temperature, attr.<key>
//
// email_domain is the part of the e-mail address after "@"; attr.<key>
// reads Who.Attributes[key], the company's own fields (segment, language,
// age band, ...). As text, company_size is a size band ("1-10", "11-50",
// "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+", or
// "" when unknown); as a number (the "between" rules) it is the head
// count. The stage is deliberately not a field: it is what scoring
// predicts.
const (
	FieldName        = "name"
	FieldEmail       = "email"
	FieldEmailDomain = "email_domain"
	FieldPhone       = "phone"
	FieldCompany     = "company"
	FieldTitle       = "title"
	FieldIndustry    = "industry"
	FieldCountry     = "country"
	FieldCompanySize = "company_size"
	FieldSource      = "source"
	FieldEventKind   = "event_kind"
	FieldCampaign    = "campaign"
	FieldOwner       = "owner"
	FieldReferredBy  = "referred_by"
	FieldTemperature = "temperature"
	// FieldAttrPrefix prefixes a custom attribute: "attr.segment".
	FieldAttrPrefix = "attr."
)

// CanonicalName returns the canonical form in which lead compares
// channel, touch-kind and other names: trimmed, lower case, with spaces,
// hyphens, dots and slashes turned into single underscores ("Live Chat"
// becomes "live_chat"). It reports false when the result is empty or the
// name is longer than 64 bytes or holds a character other than ASCII
// letters, digits and those separators.
func CanonicalName(name string) (string, bool) { return canonicalName(name) }
