// Package reasons is the catalogue of every reason and message the
// services give when they refuse a request: for each wording (a fmt
// format, as the service writes it, in English) a stable code that an API
// client can switch on and the same sentence in Dutch.
//
// The services keep writing their reasons in English, in place (internal/
// errs); this package recognises a reason by its wording, the way gettext
// recognises a message by its source text. The gRPC layer puts the code in
// a field violation's reason and the Dutch in its localized message, the
// REST gateway adds the code to problem+json's invalidParams, and the web
// pages show the Dutch. A test reads the code of every service and fails
// when a wording has no entry, or an entry no wording (reasons_test.go).
package reasons

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Entry is one wording of a reason.
type Entry struct {
	// Code is what an API client switches on: UPPER_SNAKE_CASE, at most
	// 63 characters (google.rpc's rule for a reason). Wordings that say the
	// same thing share one (REQUIRED, TOO_LONG).
	Code string
	// English is the service's wording, a fmt format with %d, %s, %q or %v
	// for the values it fills in.
	English string
	// Dutch says the same for a Dutch reader, with %s (or %[n]s) for the
	// same values in the same order: numbers are written the Dutch way,
	// and words from the word list (statuses, phases, verbs) translated.
	Dutch string
}

// Match is a reason recognised in the catalogue.
type Match struct {
	Entry
	// Values are the values the service filled in, as it wrote them.
	Values []string
	verbs  []byte
}

// InDutch is the match's sentence in Dutch, its values filled in.
func (m Match) InDutch() string {
	args := make([]any, len(m.Values))
	for i, v := range m.Values {
		args[i] = dutchValue(m.verbs[i], v)
	}
	return fmt.Sprintf(m.Dutch, args...)
}

type compiled struct {
	Entry
	re      *regexp.Regexp
	verbs   []byte
	literal int
}

var (
	all     []Entry
	once    sync.Once
	exact   map[string]*compiled
	pattern []*compiled
)

// register adds entries to the catalogue; each catalogue file calls it
// from an init function.
func register(es ...Entry) { all = append(all, es...) }

// Entries is the whole catalogue, for tests and documentation.
func Entries() []Entry { return append([]Entry(nil), all...) }

func build() {
	exact = map[string]*compiled{}
	for _, e := range all {
		c := compile(e)
		if len(c.verbs) == 0 {
			exact[e.English] = c
			continue
		}
		pattern = append(pattern, c)
	}
	// The most specific wording wins: "is required when rejecting a
	// question" is looked up exactly before "is %s" can take it, and among
	// patterns the one with the most words of its own goes first.
	sort.SliceStable(pattern, func(i, j int) bool { return pattern[i].literal > pattern[j].literal })
}

// compile turns a format into an anchored expression with one group per
// verb.
func compile(e Entry) *compiled {
	c := &compiled{Entry: e}
	var re strings.Builder
	re.WriteString("^")
	f := e.English
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 == len(f) {
			re.WriteString(regexp.QuoteMeta(f[i : i+1]))
			c.literal++
			continue
		}
		i++
		switch v := f[i]; v {
		case '%':
			re.WriteString("%")
			c.literal++
		case 'd':
			re.WriteString(`(-?[0-9]+)`)
			c.verbs = append(c.verbs, v)
		case 'q':
			re.WriteString(`("(?:[^"\\]|\\.)*")`)
			c.verbs = append(c.verbs, v)
		case 's', 'v':
			re.WriteString(`(.*?)`)
			c.verbs = append(c.verbs, v)
		default:
			panic(fmt.Sprintf("reasons: %q: verb %%%c is not one the catalogue reads", e.English, v))
		}
	}
	re.WriteString("$")
	c.re = regexp.MustCompile(re.String())
	return c
}

// Lookup recognises a reason or message a service gave; ok is false for a
// wording the catalogue does not have.
func Lookup(text string) (m Match, ok bool) {
	once.Do(build)
	if c, ok := exact[text]; ok {
		return Match{Entry: c.Entry}, true
	}
	for _, c := range pattern {
		if v := c.re.FindStringSubmatch(text); v != nil {
			return Match{Entry: c.Entry, Values: v[1:], verbs: c.verbs}, true
		}
	}
	return Match{}, false
}

// Code is the code of a reason, or "" for one the catalogue lacks.
func Code(text string) string {
	m, _ := Lookup(text)
	return m.Code
}

// Dutch is a reason in Dutch; ok is false for one the catalogue lacks.
func Dutch(text string) (string, bool) {
	m, ok := Lookup(text)
	if !ok {
		return "", false
	}
	return m.InDutch(), true
}

// dutchValue writes a value the way a Dutch sentence needs it: a number
// with a point between thousands, a known word translated, anything else
// (a name, a code, what the caller sent) as the service wrote it.
func dutchValue(verb byte, v string) string {
	switch verb {
	case 'd':
		if n, err := strconv.Atoi(v); err == nil {
			return Number(n)
		}
	case 's', 'v':
		if w, ok := words[v]; ok {
			return w
		}
		// A list of words, as in "one of draft, open".
		if strings.Contains(v, ", ") {
			parts := strings.Split(v, ", ")
			for i, p := range parts {
				if w, ok := words[p]; ok {
					parts[i] = w
				}
			}
			return strings.Join(parts, ", ")
		}
		// A reason within a reason: "cannot close a poll that is draft: …".
		if d, ok := Dutch(v); ok {
			return d
		}
	}
	return v
}

// Number writes n the Dutch way: 1.250, -3.
func Number(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// words are values services fill into their reasons that are English
// words (a status, a phase, an action), with their Dutch; the catalogue
// files add theirs with addWords.
var words = map[string]string{}

// wordClashes are words two catalogue files translate differently; the
// first one stays, and TestEntries fails on any.
var wordClashes []string

func addWords(m map[string]string) {
	for k, v := range m {
		if old, ok := words[k]; ok {
			if old != v {
				wordClashes = append(wordClashes, fmt.Sprintf("%q is %q and %q", k, old, v))
			}
			continue
		}
		words[k] = v
	}
}
