// Package leadfield reads the lead fields that scoring, predictive and routing
// rules name (the lead.Field constants): the one parser and reader of
// those names, shared by lead/scoring and lead/routing.
package leadfield

import (
	"math"
	"strconv"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
)

type kind uint8

const (
	fName kind = iota + 1
	fEmail
	fEmailDomain
	fPhone
	fCompany
	fTitle
	fIndustry
	fCountry
	fCompanySize
	fSource
	fEventKind
	fCampaign
	fOwner
	fReferredBy
	fTemperature
	fAttr
)

var names = map[string]kind{
	lead.FieldName: fName, lead.FieldEmail: fEmail, lead.FieldEmailDomain: fEmailDomain,
	lead.FieldPhone: fPhone, lead.FieldCompany: fCompany, lead.FieldTitle: fTitle,
	lead.FieldIndustry: fIndustry, lead.FieldCountry: fCountry, lead.FieldCompanySize: fCompanySize,
	lead.FieldSource: fSource, lead.FieldEventKind: fEventKind, lead.FieldCampaign: fCampaign,
	lead.FieldOwner: fOwner, lead.FieldReferredBy: fReferredBy, lead.FieldTemperature: fTemperature,
}

// Ref is a parsed lead field name (see the lead.Field constants).
type Ref struct {
	kind kind
	key  string // attribute key for fAttr
	name string // canonical name
}

// Parse parses a field name; what names the input for the error.
func Parse(what, name string) (Ref, error) {
	n := strings.TrimSpace(name)
	if k, ok := names[strings.ToLower(n)]; ok {
		return Ref{kind: k, name: strings.ToLower(n)}, nil
	}
	if len(n) > len(lead.FieldAttrPrefix) && strings.EqualFold(n[:len(lead.FieldAttrPrefix)], lead.FieldAttrPrefix) {
		key := strings.TrimSpace(n[len(lead.FieldAttrPrefix):])
		if key != "" {
			return Ref{kind: fAttr, key: key, name: lead.FieldAttrPrefix + key}, nil
		}
	}
	return Ref{}, crmkit.Invalid(what, "unknown field %q (want one of name, email, email_domain, phone, company, title, industry, country, company_size, source, event_kind, campaign, owner, referred_by, temperature or attr.<key>)", name)
}

// Name returns the field's canonical name: the lead.Field constant, or
// lead.FieldAttrPrefix and the attribute key as given ("attr.Segment").
func (f Ref) Name() string { return f.name }

// Numeric reports whether the field can be read as a number.
func (f Ref) Numeric() bool { return f.kind == fCompanySize || f.kind == fAttr }

// Text returns the field's value as text, trimmed; it does not allocate.
func (f Ref) Text(l *lead.Lead) string {
	var s string
	switch f.kind {
	case fName:
		s = l.Who.Name
	case fEmail:
		s = l.Who.Email
	case fEmailDomain:
		e := strings.TrimSpace(l.Who.Email)
		if i := strings.LastIndexByte(e, '@'); i >= 0 {
			s = e[i+1:]
		}
	case fPhone:
		s = l.Who.Phone
	case fCompany:
		s = l.Who.Company
	case fTitle:
		s = l.Who.Title
	case fIndustry:
		s = l.Who.Industry
	case fCountry:
		s = l.Who.Country
	case fCompanySize:
		return sizeBand(l.Who.CompanySize)
	case fSource:
		s = string(l.Source)
	case fEventKind:
		s = string(l.EventKind)
	case fCampaign:
		s = l.Campaign
	case fOwner:
		s = l.Owner
	case fReferredBy:
		s = l.ReferredBy
	case fTemperature:
		if l.Temperature.Valid() {
			s = l.Temperature.String()
		}
	case fAttr:
		s = l.Who.Attributes[f.key]
	}
	return strings.TrimSpace(s)
}

// Number returns the field's value as a number, if it is one.
func (f Ref) Number(l *lead.Lead) (float64, bool) {
	switch f.kind {
	case fCompanySize:
		if l.Who.CompanySize > 0 {
			return float64(l.Who.CompanySize), true
		}
	case fAttr:
		v, err := strconv.ParseFloat(strings.TrimSpace(l.Who.Attributes[f.key]), 64)
		if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
			return v, true
		}
	}
	return 0, false
}

// sizeBand returns the head-count band of a company size (LinkedIn's
// bands), "" for an unknown (zero or negative) size.
func sizeBand(n int) string {
	switch {
	case n <= 0:
		return ""
	case n <= 10:
		return "1-10"
	case n <= 50:
		return "11-50"
	case n <= 200:
		return "51-200"
	case n <= 500:
		return "201-500"
	case n <= 1000:
		return "501-1000"
	case n <= 5000:
		return "1001-5000"
	case n <= 10000:
		return "5001-10000"
	}
	return "10001+"
}
