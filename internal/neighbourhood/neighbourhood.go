// Package neighbourhood holds the closed list of neighbourhoods (wijken)
// that residents may say they live in, per municipality. Panel members
// name one of these or none: a neighbourhood groups residents in a
// council's breakdowns and travels in events, so it must never be text a
// resident typed (which once carried a name, a phone number and an
// address into the stream and a council's tally).
//
// The operator loads the list from a CSV file of municipality code,
// neighbourhood code and name (docs/operations.md recommends the CBS
// wijk codes, "WK" followed by the municipality's four digits and two of
// the district's); without a file the built-in table of the IJmond demo
// region is used, whose codes (VEL-01, BEV-01, HKR-01, …) are Meedoen's
// own and not CBS codes. Stored data and events carry the code; pages show
// the name.
package neighbourhood

import (
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/csvfile"
	"github.com/meedoen/meedoen/internal/nlgov"
)

//go:embed ijmond.csv
var ijmond []byte

// MaxName bounds a neighbourhood's name.
const MaxName = 100

var (
	// codePattern admits CBS wijk and buurt codes (WK045301, BU04530101)
	// and short codes of one's own (VEL-01): upper-case letters, digits
	// and dashes, starting with a letter.
	codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9-]{1,19}$`)
)

// Neighbourhood is one entry of the list.
type Neighbourhood struct {
	// Code identifies it across all municipalities, e.g. "WK045301".
	Code string
	// Municipality is the CBS code of its municipality, e.g. "GM0453".
	Municipality string
	// Name is how residents know it, e.g. "IJmuiden".
	Name string
}

// Table is the closed list of every municipality's neighbourhoods. Its
// zero value and nil know none; it is safe for concurrent use.
type Table struct {
	byCode map[string]Neighbourhood
	// all is sorted by municipality, then name.
	all []Neighbourhood
}

// New returns the table of list, after checking it: every code well
// formed and used once, every municipality a CBS code, every name
// present, printable and used once per municipality (case aside, since
// names are looked up without case).
func New(list []Neighbourhood) (*Table, error) {
	t := &Table{byCode: make(map[string]Neighbourhood, len(list))}
	names := map[[2]string]bool{}
	var problems []error
	for i, n := range list {
		n, err := normalize(n)
		if err == nil {
			_, dup := t.byCode[n.Code]
			switch {
			case dup:
				err = fmt.Errorf("the code %s is used twice", n.Code)
			case names[[2]string{n.Municipality, nameKey(n.Name)}]:
				err = fmt.Errorf("%s has two neighbourhoods named %q", n.Municipality, n.Name)
			}
		}
		if err != nil {
			problems = append(problems, fmt.Errorf("entry %d: %w", i+1, err))
			continue
		}
		t.byCode[n.Code] = n
		names[[2]string{n.Municipality, nameKey(n.Name)}] = true
		t.all = append(t.all, n)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	slices.SortFunc(t.all, func(a, b Neighbourhood) int {
		return cmp.Or(cmp.Compare(a.Municipality, b.Municipality), cmp.Compare(nameKey(a.Name), nameKey(b.Name)))
	})
	return t, nil
}

// normalize writes n's fields the way the table keeps them, or says what
// is wrong with them.
func normalize(n Neighbourhood) (Neighbourhood, error) {
	n.Code = strings.ToUpper(strings.TrimSpace(n.Code))
	n.Municipality = nlgov.MunicipalityCode(n.Municipality)
	n.Name = strings.Join(strings.Fields(n.Name), " ")
	switch {
	case !codePattern.MatchString(n.Code):
		return n, errCode
	case n.Municipality == "":
		return n, errMunicipality
	case n.Name == "":
		return n, errNoName
	case utf8.RuneCountInString(n.Name) > MaxName:
		return n, errLongName
	case strings.ContainsFunc(n.Name, unicode.IsControl):
		return n, errControl
	}
	return n, nil
}

// What can be wrong with an entry, in English for operators.
var (
	errCode         = errors.New("the code must be 2 to 20 upper-case letters, digits and dashes, starting with a letter, such as WK045301")
	errMunicipality = errors.New("the municipality must be a CBS code such as GM0453")
	errNoName       = errors.New("the name is missing")
	errLongName     = fmt.Errorf("the name is longer than %d characters", MaxName)
	errControl      = errors.New("the name holds a control character")
)

// IJmond returns the built-in table of the demo region: the well-known
// districts of Velsen, Beverwijk and Heemskerk under codes of Meedoen's
// own (not CBS codes). It is for the demo and development; a test reads
// it.
func IJmond() (*Table, error) {
	t, err := Read(ijmond)
	if err != nil {
		return nil, fmt.Errorf("built-in IJmond neighbourhood table: %w", err)
	}
	return t, nil
}

// The columns of a neighbourhood table.
const (
	colMunicipality = iota
	colCode
	colName
)

var format = csvfile.Format{Columns: []csvfile.Column{
	colMunicipality: {Name: "gemeentecode", Aliases: []string{"gemeente", "municipality", "municipalitycode"}, Required: true},
	colCode:         {Name: "wijkcode", Aliases: []string{"code", "neighbourhoodcode", "neighborhoodcode"}, Required: true},
	colName:         {Name: "wijknaam", Aliases: []string{"naam", "name", "neighbourhoodname", "neighborhoodname"}, Required: true},
}}

// Open reads a table from the CSV file at path. Its error names the file
// and, one per line, every problem in it.
func Open(path string) (*Table, error) {
	tab, err := csvfile.ReadFile(path, format)
	if err != nil {
		return nil, fmt.Errorf("reading neighbourhood table: %w", err)
	}
	t, err := fromTable(tab)
	if e := (*csvfile.Error)(nil); errors.As(err, &e) {
		e.File = path
	}
	if err != nil {
		return nil, fmt.Errorf("reading neighbourhood table: %w", err)
	}
	return t, nil
}

// Read reads a table from CSV: a header naming the columns gemeentecode,
// wijkcode and wijknaam (or municipality, code and name; in any order,
// others ignored), ";" or "," between fields. A table with a bad row is
// refused whole, naming every problem with its line and column (a
// *csvfile.Error): a list with holes would refuse residents' true
// answers.
func Read(data []byte) (*Table, error) {
	tab, err := csvfile.Read(data, format)
	if err != nil {
		return nil, err
	}
	return fromTable(tab)
}

// fromTable checks every row of tab and builds the table from them.
func fromTable(tab *csvfile.Table) (*Table, error) {
	var ps csvfile.Problems
	for _, p := range tab.RowProblems {
		ps.Add(p)
	}
	codes := map[string]int{}    // code → line
	names := map[[2]string]int{} // municipality, name key → line
	var list []Neighbourhood
	for _, row := range tab.Rows {
		n, err := normalize(Neighbourhood{Municipality: row.Value(colMunicipality), Code: row.Value(colCode), Name: row.Value(colName)})
		switch {
		case errors.Is(err, errCode):
			ps.Add(row.Problem(colCode, "de code moet uit 2 tot 20 hoofdletters, cijfers en streepjes bestaan en met een letter beginnen, zoals WK045301", err.Error()))
		case errors.Is(err, errMunicipality):
			ps.Add(row.Problem(colMunicipality, "moet een CBS-gemeentecode zijn, zoals GM0453", err.Error()))
		case errors.Is(err, errNoName):
			ps.Add(row.Problem(colName, "de naam ontbreekt", err.Error()))
		case errors.Is(err, errLongName):
			ps.Add(row.Problem(colName, fmt.Sprintf("de naam is langer dan %d tekens", MaxName), err.Error()))
		case errors.Is(err, errControl):
			ps.Add(row.Problem(colName, "de naam bevat een stuurteken", err.Error()))
		case codes[n.Code] > 0:
			ps.Add(row.Problem(colCode, fmt.Sprintf("de code %s staat al op regel %d", n.Code, codes[n.Code]),
				fmt.Sprintf("the code %s is on line %d already", n.Code, codes[n.Code])))
		case names[[2]string{n.Municipality, nameKey(n.Name)}] > 0:
			line := names[[2]string{n.Municipality, nameKey(n.Name)}]
			ps.Add(row.Problem(colName, fmt.Sprintf("%s heeft op regel %d al een wijk met deze naam", n.Municipality, line),
				fmt.Sprintf("%s has a neighbourhood of this name on line %d already", n.Municipality, line)))
		default:
			codes[n.Code] = row.Line
			names[[2]string{n.Municipality, nameKey(n.Name)}] = row.Line
			list = append(list, n)
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return New(list)
}

// nameKey is how names are compared: without case and extra spaces.
func nameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Lookup returns the neighbourhood with code.
func (t *Table) Lookup(code string) (Neighbourhood, bool) {
	if t == nil {
		return Neighbourhood{}, false
	}
	n, ok := t.byCode[code]
	return n, ok
}

// All returns every neighbourhood, by municipality and then name.
func (t *Table) All() []Neighbourhood {
	if t == nil {
		return nil
	}
	return slices.Clone(t.all)
}

// Len is how many neighbourhoods the table lists.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.all)
}

// Of returns the neighbourhoods of municipalities, the list a resident of
// one of them chooses from.
func (t *Table) Of(municipalities ...string) List {
	var l List
	if t == nil {
		return l
	}
	for _, n := range t.all {
		if slices.Contains(municipalities, n.Municipality) {
			l.items = append(l.items, n)
		}
	}
	return l
}

// List is the neighbourhoods of one or a few municipalities.
type List struct {
	items []Neighbourhood
}

// Items returns the list's neighbourhoods, by municipality and then name.
func (l List) Items() []Neighbourhood { return slices.Clone(l.items) }

// Len is how many neighbourhoods the list holds.
func (l List) Len() int { return len(l.items) }

// Resolve finds the neighbourhood s names: by its code or by its name,
// without regard to case or extra spaces. ok is false when s names none
// of the list, or a name that several of its municipalities share.
func (l List) Resolve(s string) (n Neighbourhood, ok bool) {
	key := nameKey(s)
	if key == "" {
		return Neighbourhood{}, false
	}
	for _, x := range l.items {
		if strings.ToLower(x.Code) == key {
			return x, true
		}
	}
	for _, x := range l.items {
		if nameKey(x.Name) != key {
			continue
		}
		if ok {
			return Neighbourhood{}, false
		}
		n, ok = x, true
	}
	return n, ok
}
