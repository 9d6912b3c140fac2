// Package roletable reads the operator's table of extra focus-group roles
// per tenant: a CSV file of tenant, key, Dutch and English label, and
// whether members in the role are usually residents. The built-in roles
// (package group) apply to every tenant; a tenant's extra roles apply to
// the groups of that tenant, a region's to the region's shared groups.
//
// A table with a bad row is refused whole, naming every problem with its
// line and column (a *csvfile.Error), so that the binary does not start
// with half a list: a role missing from it would refuse members whom
// staff meant to add.
package roletable

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/csvfile"
	"github.com/meedoen/meedoen/internal/nlgov"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

// MaxLabel bounds a role's labels.
const MaxLabel = 60

var (
	// keyPattern admits lower-case snake_case keys of 2 to 40 characters,
	// like the built-in ones.
	keyPattern = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	// regionPattern is a region id as the councils service admits it.
	regionPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)
)

// The columns of a role table.
const (
	colTenant = iota
	colKey
	colNL
	colEN
	colResident
)

var format = csvfile.Format{Columns: []csvfile.Column{
	colTenant:   {Name: "tenant", Required: true},
	colKey:      {Name: "key", Required: true},
	colNL:       {Name: "label_nl", Required: true},
	colEN:       {Name: "label_en", Required: true},
	colResident: {Name: "resident", Required: true},
}, MaxBytes: 1 << 20, MaxRows: 10000}

// Open reads a table from the CSV file at path. Its error names the file
// and, one per line, every problem in it.
func Open(path string) (*group.Catalog, error) {
	tab, err := csvfile.ReadFile(path, format)
	if err != nil {
		return nil, fmt.Errorf("reading focus group role table: %w", err)
	}
	c, err := fromTable(tab)
	if e := (*csvfile.Error)(nil); errors.As(err, &e) {
		e.File = path
	}
	if err != nil {
		return nil, fmt.Errorf("reading focus group role table: %w", err)
	}
	return c, nil
}

// Read reads a table from CSV: a header naming the columns tenant, key,
// label_nl, label_en and resident (in any order and case, others
// ignored), ";" or "," between fields, and at least one row.
func Read(data []byte) (*group.Catalog, error) {
	tab, err := csvfile.Read(data, format)
	if err != nil {
		return nil, err
	}
	return fromTable(tab)
}

// fromTable checks every row of tab and builds the catalog from them.
func fromTable(tab *csvfile.Table) (*group.Catalog, error) {
	var ps csvfile.Problems
	for _, p := range tab.RowProblems {
		ps.Add(p)
	}
	lines := map[[2]string]int{} // tenant, key → line
	extra := map[string][]group.Role{}
	for _, row := range tab.Rows {
		before := ps.Len()
		tenant := tenantOf(row.Value(colTenant))
		if tenant == "" {
			ps.Add(row.Problem(colTenant, "moet een CBS-gemeentecode zijn, zoals GM0453, of het id van een regio, zoals ijmond",
				"must be a CBS municipality code such as GM0453, or a region id such as ijmond"))
		}
		key := strings.TrimSpace(row.Value(colKey))
		switch {
		case !keyPattern.MatchString(key) || len(key) < 2 || len(key) > 40:
			ps.Add(row.Problem(colKey, "de sleutel moet 2 tot 40 kleine letters, cijfers en liggende streepjes zijn, zoals jongerenwerker of buurt_coach",
				"the key must be 2 to 40 lower-case letters, digits and underscores (snake_case), such as youth_worker"))
		case group.IsBuiltIn(key):
			ps.Add(row.Problem(colKey, fmt.Sprintf("%s is een ingebouwde rol, die elke gemeente al heeft", key),
				fmt.Sprintf("%s is a built-in role, which every tenant has already", key)))
		case tenant != "" && lines[[2]string{tenant, key}] > 0:
			line := lines[[2]string{tenant, key}]
			ps.Add(row.Problem(colKey, fmt.Sprintf("%s heeft deze rol al op regel %d", tenant, line),
				fmt.Sprintf("%s has this role on line %d already", tenant, line)))
		}
		nl := checkLabel(&ps, row, colNL)
		en := checkLabel(&ps, row, colEN)
		var resident bool
		switch strings.ToLower(strings.TrimSpace(row.Value(colResident))) {
		case "true":
			resident = true
		case "false":
		default:
			ps.Add(row.Problem(colResident, "moet true of false zijn", "must be true or false"))
		}
		if ps.Len() > before {
			continue
		}
		lines[[2]string{tenant, key}] = row.Line
		extra[tenant] = append(extra[tenant], group.Role{Key: key, NL: nl, EN: en, Resident: resident})
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return group.NewCatalog(extra)
}

// tenantOf writes s as a tenant: a municipality code as nlgov writes it,
// or a region id; "" when it is neither.
func tenantOf(s string) string {
	if code := nlgov.MunicipalityCode(s); code != "" {
		return code
	}
	if s = strings.TrimSpace(s); regionPattern.MatchString(s) {
		return s
	}
	return ""
}

// checkLabel returns the label in column c of row with its spaces made
// single, or adds what is wrong with it to ps.
func checkLabel(ps *csvfile.Problems, row csvfile.Row, c int) string {
	raw := row.Value(c)
	label := strings.Join(strings.Fields(raw), " ")
	switch {
	case label == "":
		ps.Add(row.Problem(c, "het label ontbreekt", "the label is missing"))
	case !utf8.ValidString(raw) || strings.ContainsRune(raw, 0) || strings.ContainsFunc(raw, unicode.IsControl):
		// csvfile refuses invalid UTF-8 and NUL before this; other
		// control characters have no place in a label either.
		ps.Add(row.Problem(c, "het label bevat een stuurteken", "the label holds a control character"))
	case utf8.RuneCountInString(label) > MaxLabel:
		ps.Add(row.Problem(c, fmt.Sprintf("het label is langer dan %d tekens", MaxLabel),
			fmt.Sprintf("the label is longer than %d characters", MaxLabel)))
	}
	return label
}
