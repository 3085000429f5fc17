// Package migrations is the one loader of the SQL backends' embedded schema
// migrations: files named NNNN_name.sql, numbered 1, 2, 3, ... without gaps.
package migrations

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Migration is one schema change: dir/NNNN_name.sql, applied in order of
// Version. The backends' exported Migration types have the same fields and
// convert from it.
type Migration struct {
	// Version is the schema version the migration brings the database to
	// (the file name's number).
	Version int
	// Name is the file name, such as "0001_init.sql".
	Name string
	// SQL is the file's text.
	SQL string
}

// Parse reads every file in dir of fsys as a migration and returns them in
// order of Version. It returns an error, prefixed with driver, when dir
// cannot be read, is empty, or holds a file whose name does not start with
// a version number of at least 1 followed by "_", or when the versions are
// not exactly 1 to n.
func Parse(fsys fs.FS, dir, driver string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: migrations: %w", driver, err)
	}
	var out []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("%s: migration file %s does not start with a version number", driver, e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("%s: migration %s: %w", driver, e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: e.Name(), SQL: string(b)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no migrations in %s", driver, dir)
	}
	slices.SortFunc(out, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("%s: migration %s: expected version %d", driver, m.Name, i+1)
		}
	}
	return out, nil
}

// MustParse is Parse for files embedded in the binary, where a malformed or
// misnumbered file is a build defect: it panics on error, at start-up
// rather than at some later Migrate.
func MustParse(fsys fs.FS, dir, driver string) []Migration {
	ms, err := Parse(fsys, dir, driver)
	if err != nil {
		panic(err)
	}
	return ms
}
