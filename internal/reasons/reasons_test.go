package reasons

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"

	"github.com/meedoen/meedoen/internal/dutch"
)

// TestEveryReasonHasAnEntry reads the code of every service, the gateway
// and the shared packages, finds every wording a refusal can carry (the
// message of errs.New and errs.Error, the reason of errs.Violations.Add
// and errs.Field, written out or as a fmt.Sprintf format, also when it
// reaches them through a variable, a parameter or a function's result),
// and wants each in the catalogue, recognised as itself; and each entry of
// the catalogue in the code.
func TestEveryReasonHasAnEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	found, unresolved := scan(t)
	for at, ws := range passedOn {
		for _, w := range ws {
			found[w] = append(found[w], at)
		}
	}
	if len(found) < 250 {
		t.Fatalf("found only %d wordings; the scan is broken", len(found))
	}
	byEnglish := map[string]Entry{}
	for _, e := range Entries() {
		byEnglish[e.English] = e
	}
	var missing []string
	for _, w := range sortedKeys(found) {
		e, ok := byEnglish[w]
		if !ok {
			missing = append(missing, fmt.Sprintf("%q (%s)", w, found[w][0]))
			continue
		}
		sample := sampleOf(w)
		m, ok := Lookup(sample)
		// Two wordings that read alike once filled in ("one of %s", "one
		// of %v") may meet the other's entry if it says the same.
		if !ok || m.English != e.English && (m.Code != e.Code || m.Dutch != e.Dutch) {
			t.Errorf("%q is recognised as %q", sample, m.English)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d wordings have no entry in the catalogue:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	for _, e := range Entries() {
		if _, ok := found[e.English]; !ok {
			t.Errorf("entry %s %q: no service says it any more; remove it", e.Code, e.English)
		}
	}
	for _, u := range unresolved {
		if _, ok := passedOn[u]; !ok {
			t.Errorf("%s: a refusal's wording the scan cannot follow; write it out, or say in passedOn which wordings it carries", u)
		}
	}
}

// passedOn are the places where a refusal carries a wording the scan
// cannot follow, each with the wordings it can carry (those the scan finds
// elsewhere need not be repeated).
var passedOn = map[string][]string{
	// A CSV file's problem: its place, then what is wrong (also in Dutch
	// in the import's own list of problems, csvfile.Problem.NL).
	"internal/csvfile/csvfile.go:78": {"line %d: %s", "line %d, column %d: %s", "line %d (%s): %s", "line %d, column %d (%s): %s"},
	// The reader's own errors, kept with the row's problems in both
	// languages as the reader wrote them.
	"services/surveys/internal/panel/csv.go:141": nil,
	// panel.CheckConsentVersion's wordings, scanned at panel.go:276.
	"services/surveys/internal/api/panels.go:95": nil,
	// The refusals of the closures at audience.go:87 and :94; the second
	// is panel.NormalizeAgeBand's, scanned at panel.go:235.
	"services/surveys/internal/poll/audience.go:132": {"is not a neighbourhood of the poll's municipalities; name one by its code or name (see ListNeighbourhoods)"},
}

func TestEntries(t *testing.T) {
	for _, c := range wordClashes {
		t.Errorf("the word list says %s", c)
	}
	code := regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,62}$`)
	seen := map[string]bool{}
	for _, e := range Entries() {
		if seen[e.English] {
			t.Errorf("%q has two entries", e.English)
		}
		seen[e.English] = true
		if !code.MatchString(e.Code) {
			t.Errorf("%q: code %q is not UPPER_SNAKE_CASE of at most 63 characters", e.English, e.Code)
		}
		c := compile(e)
		// A wording of few words of its own ("is %s") would take reasons
		// that are not its own and say them wrong.
		if len(c.verbs) > 0 && c.literal < 6 {
			t.Errorf("%q: too few words of its own (%d characters) to be told from other reasons; word it more precisely in the service", e.English, c.literal)
		}
		args := make([]any, len(c.verbs))
		for i := range args {
			args[i] = "x"
		}
		if d := fmt.Sprintf(e.Dutch, args...); strings.Contains(d, "%!") {
			t.Errorf("%q: the Dutch %q does not take the %d values: %s", e.English, e.Dutch, len(c.verbs), d)
		}
		if f := dutch.Formal(e.Dutch); len(f) > 0 {
			t.Errorf("%q: the Dutch %q says %q; Meedoen says je (docs/language.md)", e.English, e.Dutch, f)
		}
		if e.Dutch == "" || e.Dutch == e.English {
			t.Errorf("%q: no Dutch", e.English)
		}
	}
}

func TestLookup(t *testing.T) {
	register(Entry{Code: "TEST_LONG", English: "test: must be at most %d characters", Dutch: "test: mag hoogstens %s tekens hebben"},
		Entry{Code: "TEST_ANY", English: "test: %s", Dutch: "test: %s"},
		Entry{Code: "TEST_EXACT", English: "test: is required", Dutch: "test: is verplicht"},
		Entry{Code: "TEST_STATE", English: "test: cannot %s a poll that is %s: %s", Dutch: "test: je kunt een peiling die %[2]s is niet %[1]s: %[3]s"})
	addWords(map[string]string{"test-close": "sluiten", "test-draft": "een concept"})
	defer func() {
		all = all[:len(all)-4]
		once = sync.Once{}
	}()
	once = sync.Once{}
	for _, tc := range []struct{ text, code, dutch string }{
		{"test: must be at most 12000 characters", "TEST_LONG", "test: mag hoogstens 12.000 tekens hebben"},
		{"test: is required", "TEST_EXACT", "test: is verplicht"},
		{"test: anything", "TEST_ANY", "test: anything"},
		{"test: cannot test-close a poll that is test-draft: test: is required", "TEST_STATE", "test: je kunt een peiling die een concept is niet sluiten: test: is verplicht"},
	} {
		m, ok := Lookup(tc.text)
		if !ok || m.Code != tc.code || m.InDutch() != tc.dutch {
			t.Errorf("Lookup(%q) = %s %q, want %s %q", tc.text, m.Code, m.InDutch(), tc.code, tc.dutch)
		}
	}
	if _, ok := Lookup("something no service says"); ok {
		t.Error("an unknown reason was recognised")
	}
}

func TestNumber(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1.000", -1250: "-1.250", 1234567: "1.234.567"} {
		if got := Number(n); got != want {
			t.Errorf("Number(%d) = %q, want %q", n, got, want)
		}
	}
}

// sampleOf fills a format with values, as a service would.
func sampleOf(format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			b.WriteByte(format[i])
			continue
		}
		i++
		switch format[i] {
		case 'd':
			b.WriteString("42")
		case 'q':
			b.WriteString(`"xyz"`)
		case '%':
			b.WriteByte('%')
		default:
			b.WriteString("xyz")
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

const errsPath = "github.com/meedoen/meedoen/internal/errs"

// scanner finds the wordings of refusals in the module's code.
type scanner struct {
	pkgs  []*packages.Package
	decls map[*types.Func]*ast.FuncDecl
	info  map[*types.Func]*packages.Package
	calls map[*types.Func][]call
	vars  map[*types.Var]global
	// fields are the values struct literals give a field.
	fields map[*types.Var][]fieldValue
	found  map[string][]string
	// unresolved are the places whose wording the scanner cannot follow.
	unresolved []string
}

// global is a package-level variable's initial value.
type global struct {
	pkg  *packages.Package
	expr ast.Expr
}

type fieldValue struct {
	pkg  *packages.Package
	fn   *ast.FuncDecl
	expr ast.Expr
}

type call struct {
	pkg *packages.Package
	fn  *ast.FuncDecl
	ce  *ast.CallExpr
}

func scan(t *testing.T) (map[string][]string, []string) {
	t.Helper()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: "../.."}
	pkgs, err := packages.Load(cfg, "./services/...", "./gateway/...", "./internal/...")
	if err != nil {
		t.Fatal(err)
	}
	s := &scanner{decls: map[*types.Func]*ast.FuncDecl{}, info: map[*types.Func]*packages.Package{}, calls: map[*types.Func][]call{}, vars: map[*types.Var]global{}, fields: map[*types.Var][]fieldValue{}, found: map[string][]string{}}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Fatalf("%s: %v", p.PkgPath, p.Errors)
		}
		if strings.HasSuffix(p.PkgPath, "/internal/reasons") {
			continue
		}
		s.pkgs = append(s.pkgs, p)
	}
	for _, p := range s.pkgs {
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.VAR {
					continue
				}
				for _, sp := range gd.Specs {
					vs := sp.(*ast.ValueSpec)
					for i, id := range vs.Names {
						if v, ok := p.TypesInfo.Defs[id].(*types.Var); ok && i < len(vs.Values) {
							s.vars[v] = global{p, vs.Values[i]}
						}
					}
				}
			}
		}
	}
	s.each(func(p *packages.Package, fd *ast.FuncDecl) {
		if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
			s.decls[fn] = fd
			s.info[fn] = p
		}
		ast.Inspect(fd, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				if st, ok := under(p.TypesInfo.Types[cl].Type).(*types.Struct); ok {
					for i, el := range cl.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if id, ok := kv.Key.(*ast.Ident); ok {
								if f, ok := p.TypesInfo.Uses[id].(*types.Var); ok {
									s.fields[f] = append(s.fields[f], fieldValue{p, fd, kv.Value})
								}
							}
						} else if i < st.NumFields() {
							s.fields[st.Field(i)] = append(s.fields[st.Field(i)], fieldValue{p, fd, el})
						}
					}
				}
			}
			if ce, ok := n.(*ast.CallExpr); ok {
				if fn := callee(p.TypesInfo, ce); fn != nil {
					s.calls[fn.Origin()] = append(s.calls[fn.Origin()], call{p, fd, ce})
				}
			}
			return true
		})
	})
	s.each(func(p *packages.Package, fd *ast.FuncDecl) {
		ast.Inspect(fd, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				fn := callee(p.TypesInfo, n)
				if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != errsPath {
					return true
				}
				switch fn.Name() {
				case "New":
					s.resolveFormat(p, fd, n.Args[1], 0)
					// A value that is itself a sentence made in place
					// ("raise a %s question for %s") is worded too.
					for _, a := range n.Args[2:] {
						s.sentences(p, fd, a, 0)
					}
				case "Add":
					s.resolve(p, fd, n.Args[1], 0)
				}
			case *ast.CompositeLit:
				named, ok := p.TypesInfo.Types[n].Type.(*types.Named)
				if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != errsPath {
					return true
				}
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if id, ok := kv.Key.(*ast.Ident); ok && (id.Name == "Reason" || id.Name == "Message") {
							s.resolve(p, fd, kv.Value, 0)
						}
					}
				}
			}
			return true
		})
	})
	return s.found, s.unresolved
}

func (s *scanner) each(fn func(*packages.Package, *ast.FuncDecl)) {
	for _, p := range s.pkgs {
		for _, f := range p.Syntax {
			if strings.HasSuffix(p.Fset.File(f.Pos()).Name(), "_test.go") {
				continue
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					fn(p, fd)
				}
			}
		}
	}
}

func (s *scanner) add(p *packages.Package, at token.Pos, w string) {
	if w == "" {
		return
	}
	s.found[w] = append(s.found[w], p.Fset.Position(at).String())
}

func (s *scanner) giveUp(p *packages.Package, e ast.Expr) {
	pos := p.Fset.Position(e.Pos())
	u := fmt.Sprintf("%s:%d", trimModule(pos.Filename), pos.Line)
	if !slices.Contains(s.unresolved, u) {
		s.unresolved = append(s.unresolved, u)
	}
}

func trimModule(path string) string {
	for _, top := range []string{"/services/", "/gateway/", "/internal/"} {
		if j := strings.Index(path, top); j >= 0 {
			return path[j+1:]
		}
	}
	return path
}

// resolveFormat records a format given as a constant, or follows it.
func (s *scanner) resolveFormat(p *packages.Package, fd *ast.FuncDecl, e ast.Expr, depth int) {
	if tv := p.TypesInfo.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
		s.add(p, e.Pos(), constant.StringVal(tv.Value))
		return
	}
	s.resolve(p, fd, e, depth)
}

// resolve records the wordings an expression of type string can have.
func (s *scanner) resolve(p *packages.Package, fd *ast.FuncDecl, e ast.Expr, depth int) {
	if depth > 14 {
		s.giveUp(p, e)
		return
	}
	e = ast.Unparen(e)
	if tv := p.TypesInfo.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
		s.add(p, e.Pos(), constant.StringVal(tv.Value))
		return
	}
	switch e := e.(type) {
	case *ast.BinaryExpr:
		// "the " + noun + " changed": the parts the code computes are
		// values, as %s would be.
		if e.Op == token.ADD {
			s.add(p, e.Pos(), s.concat(p, e))
			return
		}
	case *ast.CallExpr:
		// err.Error(): the wordings of the errors err can hold.
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" && len(e.Args) == 0 {
			if s.resolveErr(p, fd, sel.X, depth+1) {
				return
			}
			break
		}
		fn := callee(p.TypesInfo, e)
		if fn == nil {
			break
		}
		if fn.Pkg() != nil && fn.Pkg().Path() == "fmt" && fn.Name() == "Sprintf" {
			s.resolveFormat(p, fd, e.Args[0], depth+1)
			return
		}
		// A function of the module that returns the wording.
		if d, ok := s.decls[fn.Origin()]; ok {
			dp := s.info[fn.Origin()]
			ok := false
			ast.Inspect(d.Body, func(n ast.Node) bool {
				if _, lit := n.(*ast.FuncLit); lit {
					return false
				}
				if r, isRet := n.(*ast.ReturnStmt); isRet && len(r.Results) > 0 {
					if t := dp.TypesInfo.Types[r.Results[0]].Type; t != nil && types.Identical(t, types.Typ[types.String]) {
						s.resolve(dp, d, r.Results[0], depth+1)
						ok = true
					}
				}
				return true
			})
			if ok {
				return
			}
		}
	case *ast.SelectorExpr:
		v, ok := p.TypesInfo.Uses[e.Sel].(*types.Var)
		if !ok {
			break
		}
		if g, ok := s.vars[v]; ok {
			s.resolve(g.pkg, nil, g.expr, depth+1)
			return
		}
		// A struct's field: what every literal of the struct sets it to.
		if vals := s.fields[v]; v.IsField() && len(vals) > 0 {
			for _, fv := range vals {
				s.resolve(fv.pkg, fv.fn, fv.expr, depth+1)
			}
			return
		}
	case *ast.Ident:
		v, ok := p.TypesInfo.Uses[e].(*types.Var)
		if !ok {
			break
		}
		if g, ok := s.vars[v]; ok {
			s.resolve(g.pkg, nil, g.expr, depth+1)
			return
		}
		if fd == nil {
			break
		}
		// A parameter: what every caller passes.
		if i := paramIndex(p, fd, v); i >= 0 {
			fn := p.TypesInfo.Defs[fd.Name].(*types.Func)
			calls := s.calls[fn]
			if len(calls) == 0 {
				break
			}
			for _, c := range calls {
				if i < len(c.ce.Args) {
					s.resolve(c.pkg, c.fn, c.ce.Args[i], depth+1)
				}
			}
			return
		}
		// A local variable: everything assigned to it.
		assigned := false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				for j, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && (p.TypesInfo.Defs[id] == v || p.TypesInfo.Uses[id] == v) && len(n.Rhs) == len(n.Lhs) {
						s.resolve(p, fd, n.Rhs[j], depth+1)
						assigned = true
					}
				}
			case *ast.ValueSpec:
				for j, id := range n.Names {
					if p.TypesInfo.Defs[id] == v && j < len(n.Values) {
						s.resolve(p, fd, n.Values[j], depth+1)
						assigned = true
					}
				}
			}
			return true
		})
		if assigned {
			return
		}
	}
	s.giveUp(p, e)
}

// sentences records the fmt.Sprintf formats an expression can be, also
// through the arguments of a parameter: a value filled into a message
// that is itself a sentence. Other values are words (the word list) or
// names, which need no entry.
func (s *scanner) sentences(p *packages.Package, fd *ast.FuncDecl, e ast.Expr, depth int) {
	if depth > 6 || fd == nil {
		return
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if f := callee(p.TypesInfo, e); f != nil && f.Pkg() != nil && f.Pkg().Path() == "fmt" && f.Name() == "Sprintf" {
			s.resolveFormat(p, fd, e.Args[0], depth+1)
		}
	case *ast.Ident:
		v, ok := p.TypesInfo.Uses[e].(*types.Var)
		if !ok {
			return
		}
		if i := paramIndex(p, fd, v); i >= 0 {
			for _, c := range s.calls[p.TypesInfo.Defs[fd.Name].(*types.Func)] {
				if i < len(c.ce.Args) {
					s.sentences(c.pkg, c.fn, c.ce.Args[i], depth+1)
				}
			}
		}
	}
}

// concat writes a chain of + as a format: the constant parts as they
// are, every other part as %s.
func (s *scanner) concat(p *packages.Package, e ast.Expr) string {
	e = ast.Unparen(e)
	if tv := p.TypesInfo.Types[e]; tv.Value != nil && tv.Value.Kind() == constant.String {
		return strings.ReplaceAll(constant.StringVal(tv.Value), "%", "%%")
	}
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		return s.concat(p, b.X) + s.concat(p, b.Y)
	}
	return "%s"
}

// resolveErr records the wordings of the errors an expression can hold:
// what errors.New and fmt.Errorf make, followed through variables and the
// module's functions that return them. It reports whether it found every
// origin.
func (s *scanner) resolveErr(p *packages.Package, fd *ast.FuncDecl, e ast.Expr, depth int) bool {
	if depth > 14 {
		return false
	}
	e = ast.Unparen(e)
	switch e := e.(type) {
	case *ast.Ident:
		if e.Name == "nil" {
			return true
		}
		v, ok := p.TypesInfo.Uses[e].(*types.Var)
		if !ok {
			return false
		}
		if g, ok := s.vars[v]; ok {
			return s.resolveErr(g.pkg, nil, g.expr, depth+1)
		}
		if fd == nil {
			return false
		}
		all, any := true, false
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok {
				return true
			}
			for j, l := range as.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || (p.TypesInfo.Defs[id] != v && p.TypesInfo.Uses[id] != v) {
					continue
				}
				any = true
				switch {
				case len(as.Rhs) == len(as.Lhs):
					all = s.resolveErr(p, fd, as.Rhs[j], depth+1) && all
				case len(as.Rhs) == 1 && j == len(as.Lhs)-1:
					// x, err := f(): the error f returns last.
					all = s.resolveErr(p, fd, as.Rhs[0], depth+1) && all
				default:
					all = false
				}
			}
			return true
		})
		return any && all
	case *ast.UnaryExpr:
		// &Reason{NL: …, EN: …}: an error that carries its own Dutch, and
		// says EN.
		if cl, ok := e.X.(*ast.CompositeLit); ok && e.Op == token.AND {
			for _, el := range cl.Elts {
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok && id.Name == "EN" {
						s.resolve(p, fd, kv.Value, depth+1)
						return true
					}
				}
			}
		}
		return false
	case *ast.CallExpr:
		fn := callee(p.TypesInfo, e)
		if fn == nil {
			return false
		}
		switch {
		case fn.Pkg() != nil && fn.Pkg().Path() == "errors" && fn.Name() == "New",
			fn.Pkg() != nil && fn.Pkg().Path() == "fmt" && fn.Name() == "Errorf":
			tv := p.TypesInfo.Types[e.Args[0]]
			if tv.Value == nil {
				return false
			}
			// A wrapped error (%w) is a fault's cause, logged and never
			// shown: the services answer it as an internal error.
			if f := constant.StringVal(tv.Value); !strings.Contains(f, "%w") {
				s.add(p, e.Pos(), f)
			}
			return true
		}
		d, ok := s.decls[fn.Origin()]
		if !ok {
			return false
		}
		dp := s.info[fn.Origin()]
		all, any := true, false
		ast.Inspect(d.Body, func(n ast.Node) bool {
			if _, lit := n.(*ast.FuncLit); lit {
				return false
			}
			if r, isRet := n.(*ast.ReturnStmt); isRet && len(r.Results) > 0 {
				last := r.Results[len(r.Results)-1]
				if len(r.Results) == 1 {
					if c, ok := last.(*ast.CallExpr); ok && len(d.Type.Results.List) > 0 {
						if t, ok := dp.TypesInfo.Types[c].Type.(*types.Tuple); ok && t.Len() > 1 {
							// return f(): f's error.
							any = true
							all = s.resolveErr(dp, d, c, depth+1) && all
							return true
						}
					}
				}
				any = true
				all = s.resolveErr(dp, d, last, depth+1) && all
			}
			return true
		})
		return any && all
	}
	return false
}

func under(t types.Type) types.Type {
	if t == nil {
		return nil
	}
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	return t.Underlying()
}

func paramIndex(p *packages.Package, fd *ast.FuncDecl, v *types.Var) int {
	i := 0
	for _, f := range fd.Type.Params.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, n := range f.Names {
			if p.TypesInfo.Defs[n] == v {
				return i
			}
			i++
		}
	}
	return -1
}

func callee(info *types.Info, c *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(c.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr:
		if sel, ok := f.X.(*ast.SelectorExpr); ok {
			id = sel.Sel
		} else if i, ok := f.X.(*ast.Ident); ok {
			id = i
		}
	default:
		return nil
	}
	if id == nil {
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}
