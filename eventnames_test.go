package crmkit_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEventTypeAndKindNames reads the source of every domain package that
// holds aggregates (and their subpackages) and checks the one naming scheme: an event-type
// constant is named Event plus its string ("EventLeadQualified" is
// "LeadQualified"), a string constant that looks like an event type
// (UpperCamelCase) has such a name, and an aggregate-kind constant is
// named after its string plus Kind ("LeadKind" is "lead").
func TestEventTypeAndKindNames(t *testing.T) {
	camel := regexp.MustCompile(`^[A-Z][a-z]+(?:[A-Z][a-z]+)+$`)
	kinds := 0
	events := 0
	for _, dir := range []string{"lead", "deal", "account", "quota", "approval", "campaign"} {
		var files []string
		require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
				files = append(files, path)
			}
			return err
		}))
		for _, path := range files {
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
			require.NoError(t, err)
			for _, d := range f.Decls {
				g, ok := d.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					if vs.Type != nil || len(vs.Values) != len(vs.Names) {
						continue // typed enums and iota blocks are not event types
					}
					for i, id := range vs.Names {
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							continue
						}
						val, err := strconv.Unquote(lit.Value)
						require.NoError(t, err)
						where := dir + "." + id.Name
						switch {
						case strings.HasPrefix(id.Name, "Event"):
							events++
							assert.Equal(t, "Event"+val, id.Name, "%s = %q", where, val)
						case strings.HasSuffix(id.Name, "Kind") && !strings.HasPrefix(id.Name, "Field"):
							// (lead's FieldX constants name record fields, not kinds.)
							kinds++
							var name strings.Builder // "commission_plan" is CommissionPlanKind
							for _, part := range strings.Split(val, "_") {
								if part != "" {
									name.WriteString(strings.ToUpper(part[:1]) + part[1:])
								}
							}
							assert.Equal(t, name.String()+"Kind", id.Name, "%s = %q", where, val)
						case camel.MatchString(val):
							t.Errorf("%s = %q looks like an event type not named Event%s", where, val, val)
						}
					}
				}
			}
		}
	}
	// Counted by hand from the packages: lead, deal, pipeline, quote,
	// account, contract, interaction, plan, commission_plan, approval,
	// campaign.
	assert.Equal(t, 11, kinds, "aggregate kinds")
	assert.Greater(t, events, 50, "event types")
}
