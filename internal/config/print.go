package config

import (
	"encoding"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strings"
	"text/tabwriter"
)

// masked stands in for a secret in printed output.
const masked = "********"

// Print writes title and then cfg, one field per line, to w. Fields of
// nested structs are named "Outer.Inner"; fields of embedded structs are
// named as if declared in the outer struct. A field tagged `secret:"true"`
// prints as ******** (or empty when unset, so an operator can still tell
// whether it was given), and every other value passes through Mask, so a
// password inside a connection URL never reaches the log. Unexported fields
// are skipped. Write errors are ignored: the printout is informational.
func Print(w io.Writer, title string, cfg any) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, title)
	walk(reflect.ValueOf(cfg), "", func(key, value string) {
		fmt.Fprintf(tw, "  %s\t%s\n", key, value)
	})
	_ = tw.Flush()
}

var (
	stringerType      = reflect.TypeFor[fmt.Stringer]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// walk calls emit for every leaf value under v, naming it by its path.
func walk(v reflect.Value, path string, emit func(key, value string)) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			emit(path, "")
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || isLeaf(v.Type()) {
		emit(path, Mask(format(v)))
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := join(path, f.Name)
		if f.Anonymous {
			name = path
		}
		if f.Tag.Get("secret") == "true" {
			emit(name, secret(v.Field(i)))
			continue
		}
		walk(v.Field(i), name, emit)
	}
}

// isLeaf reports whether a struct type prints itself (time.Time, url.URL
// via its pointer, …) rather than being flattened field by field.
func isLeaf(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(stringerType) || pt.Implements(stringerType) ||
		t.Implements(textMarshalerType) || pt.Implements(textMarshalerType)
}

// format prints v, using a pointer receiver's String method where the type
// has one, as url.URL does.
func format(v reflect.Value) string {
	if !v.CanInterface() {
		return ""
	}
	if v.CanAddr() {
		if s, ok := v.Addr().Interface().(fmt.Stringer); ok {
			return s.String()
		}
	} else if reflect.PointerTo(v.Type()).Implements(stringerType) {
		p := reflect.New(v.Type())
		p.Elem().Set(v)
		return p.Interface().(fmt.Stringer).String()
	}
	return fmt.Sprint(v.Interface())
}

func secret(v reflect.Value) string {
	if v.IsZero() {
		return ""
	}
	return masked
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// passwordParam matches a password in a key/value connection string
// ("host=db password=secret") or a URL query ("?password=secret"), quoted
// the libpq way or not.
var passwordParam = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)`)

// Mask hides passwords in s: the password in the userinfo of every URL in
// it (postgres://u:pw@h becomes postgres://u:********@h; a comma-separated
// list of nats:// URLs has each one masked) and the value of password=
// parameters in key/value connection strings and URL queries. Anything else
// is returned unchanged.
func Mask(s string) string {
	return passwordParam.ReplaceAllString(maskUserinfo(s), "${1}"+masked)
}

// maskUserinfo replaces the password of every scheme://user:password@ in s.
// It errs on the side of masking too much: a URL without userinfo but with
// an "@" later in its path may lose its port and path in the printout.
func maskUserinfo(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "://")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+3])
		s = s[i+3:]

		// The userinfo runs to the first "@", unless another URL or
		// whitespace comes first, in which case this URL has none.
		at := strings.IndexByte(s, '@')
		if at < 0 {
			continue
		}
		userinfo := s[:at]
		if strings.Contains(userinfo, "://") || strings.ContainsAny(userinfo, " \t\r\n") {
			continue
		}
		colon := strings.IndexByte(userinfo, ':')
		if colon < 0 || strings.ContainsAny(userinfo[:colon], "/?#") {
			continue
		}
		b.WriteString(userinfo[:colon+1])
		b.WriteString(masked)
		s = s[at:]
	}
}
