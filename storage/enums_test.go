package storage_test

import (
	"encoding"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
)

// storedTypes are the values the stores keep as JSON: the aggregates and
// the event payloads that hold enums.
var storedTypes = []reflect.Type{
	reflect.TypeFor[lead.Lead](), reflect.TypeFor[deal.Deal](), reflect.TypeFor[quote.Quote](),
	reflect.TypeFor[approval.Request](), reflect.TypeFor[account.Account](), reflect.TypeFor[account.Contract](),
	reflect.TypeFor[account.Interaction](), reflect.TypeFor[quota.Plan](), reflect.TypeFor[campaign.Campaign](),
	reflect.TypeFor[lead.TimeframePayload](), reflect.TypeFor[lead.NurturePayload](), reflect.TypeFor[account.AccountCreatedPayload](),
	reflect.TypeFor[account.ContractDraftedPayload](), reflect.TypeFor[deal.DealCreatedPayload](),
	reflect.TypeFor[quota.PlanCreatedPayload](), reflect.TypeFor[quota.RevisionPayload](),
}

var snakeCase = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// TestStoredTypesFollowTheEnumPattern walks every stored type: each enum
// of crmkit in it (a named integer type of the module) has a text form
// (MarshalText and UnmarshalText) and Valid, so that it is stored as
// text, never as its position; and each struct field of the module has a
// snake_case JSON tag.
func TestStoredTypesFollowTheEnumPattern(t *testing.T) {
	textM := reflect.TypeFor[encoding.TextMarshaler]()
	textU := reflect.TypeFor[encoding.TextUnmarshaler]()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(ty reflect.Type, path string) {
		for ty.Kind() == reflect.Pointer || ty.Kind() == reflect.Slice || ty.Kind() == reflect.Array || ty.Kind() == reflect.Map {
			ty = ty.Elem()
		}
		if seen[ty] || !strings.HasPrefix(ty.PkgPath(), "github.com/crmkit/crmkit") {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			_, valid := ty.MethodByName("Valid")
			if !ty.Implements(textM) || !reflect.PointerTo(ty).Implements(textU) || !valid {
				t.Errorf("%s: enum %s has no text form or no Valid", path, ty)
			}
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				if !f.IsExported() {
					continue
				}
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if !f.Anonymous && name != "-" && !snakeCase.MatchString(name) {
					t.Errorf("%s.%s: JSON name %q is not snake_case", path, f.Name, name)
				}
				walk(f.Type, path+"."+f.Name)
			}
		}
	}
	for _, ty := range storedTypes {
		walk(ty, ty.String())
	}
}
