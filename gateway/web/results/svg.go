package results

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
)

// A chart comes from the files service as an SVG document; the page
// inlines it so that screen readers find its title and description in
// the page and it scales with the text. inlineSVG makes the document fit
// for that, whatever drew it:
//
//   - only drawing elements stay: a script, foreign content, an image, a
//     link or a style sheet is left out with its contents, and so are
//     event handlers, links that leave the chart and namespace
//     declarations (an inline SVG needs none);
//   - inline styles, which the site's Content-Security-Policy blocks,
//     become presentation attributes (fill, stroke, font-size, ...);
//   - ids get a prefix of the chart's own, and the references to them
//     (href="#...", url(#...), aria-labelledby, aria-describedby) with
//     them, so that the page's charts cannot share an id;
//   - the root loses its fixed width and height and keeps its viewBox, so
//     that it takes the width of its box and fits a phone.
//
// The root must be an svg with a title, the name screen readers read.

// drawing are the SVG elements a chart keeps.
var drawing = []string{
	"svg", "g", "title", "desc", "defs", "symbol", "use", "rect", "circle", "ellipse", "line",
	"polyline", "polygon", "path", "text", "tspan", "textPath", "linearGradient", "radialGradient",
	"stop", "clipPath", "mask", "pattern", "marker",
}

// presentation are the CSS properties that have an SVG presentation
// attribute of the same name.
var presentation = []string{
	"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
	"stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "opacity", "font-family", "font-size",
	"font-weight", "font-style", "text-anchor", "dominant-baseline", "alignment-baseline",
	"text-decoration", "visibility", "display", "color", "stop-color", "stop-opacity", "shape-rendering",
}

// maxSVG bounds a chart; the service's are a few kilobytes.
const maxSVG = 1 << 20

// inlineSVG returns the SVG document data as markup to inline in a page,
// with its ids prefixed by prefix.
func inlineSVG(data []byte, prefix string) (template.HTML, error) {
	if len(data) > maxSVG {
		return "", fmt.Errorf("chart of %d bytes, more than %d", len(data), maxSVG)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	var out strings.Builder
	// RawToken keeps prefixes as written but does not match end tags to
	// start tags; open does.
	var open []xml.Name
	depth, skip := 0, 0 // skip: depth at which a left-out element began
	titled, rooted := false, false
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("reading the chart: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			open = append(open, t.Name)
			depth++
			if skip > 0 {
				continue
			}
			if depth == 1 {
				if rooted || t.Name.Space != "" || t.Name.Local != "svg" {
					return "", errors.New("the chart is not one svg element")
				}
				rooted = true
			}
			if t.Name.Space != "" || !slices.Contains(drawing, t.Name.Local) {
				skip = depth
				continue
			}
			if t.Name.Local == "title" && depth == 2 {
				titled = true
			}
			out.WriteString("<" + t.Name.Local)
			for _, a := range cleanAttrs(t.Attr, prefix, depth == 1) {
				out.WriteString(" " + a.Name.Local + `="` + template.HTMLEscapeString(a.Value) + `"`)
			}
			out.WriteString(">")
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				return "", fmt.Errorf("reading the chart: unexpected end tag %s", t.Name.Local)
			}
			open = open[:len(open)-1]
			if skip > 0 {
				if depth == skip {
					skip = 0
				}
				depth--
				continue
			}
			depth--
			out.WriteString("</" + t.Name.Local + ">")
		case xml.CharData:
			if depth == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return "", errors.New("text outside the chart's svg element")
				}
				continue
			}
			if skip == 0 {
				out.WriteString(template.HTMLEscapeString(string(t)))
			}
		}
		// Comments, processing instructions and the doctype are left
		// out.
	}
	if len(open) > 0 {
		return "", errors.New("reading the chart: an element is not closed")
	}
	if !rooted {
		return "", errors.New("the chart has no svg element")
	}
	if !titled {
		return "", errors.New("the chart has no title")
	}
	return template.HTML(out.String()), nil
}

// cleanAttrs are the attributes of an element as the page inlines them.
func cleanAttrs(attrs []xml.Attr, prefix string, root bool) []xml.Attr {
	var out []xml.Attr
	set := func(name, value string) {
		for i := range out {
			if out[i].Name.Local == name {
				out[i].Value = value
				return
			}
		}
		out = append(out, xml.Attr{Name: xml.Name{Local: name}, Value: value})
	}
	for _, a := range attrs {
		name, value := a.Name.Local, a.Value
		if a.Name.Space == "xlink" && name == "href" {
			a.Name.Space = ""
		}
		switch {
		case a.Name.Space != "", name == "xmlns", strings.HasPrefix(strings.ToLower(name), "on"), name == "class":
			continue
		case root && (name == "width" || name == "height"):
			continue
		case name == "id":
			set("id", prefix+value)
			continue
		case name == "href":
			if !strings.HasPrefix(value, "#") {
				continue
			}
			set("href", "#"+prefix+value[1:])
			continue
		case name == "aria-labelledby" || name == "aria-describedby":
			ids := strings.Fields(value)
			for i := range ids {
				ids[i] = prefix + ids[i]
			}
			set(name, strings.Join(ids, " "))
			continue
		case name == "style":
			for decl := range strings.SplitSeq(value, ";") {
				prop, val, ok := strings.Cut(decl, ":")
				prop, val = strings.ToLower(strings.TrimSpace(prop)), strings.TrimSpace(val)
				if ok && slices.Contains(presentation, prop) && val != "" {
					if v, ok := localRefs(val, prefix); ok {
						set(prop, v)
					}
				}
			}
			continue
		}
		v, ok := localRefs(value, prefix)
		if !ok {
			continue
		}
		set(name, v)
	}
	return out
}

// localRefs prefixes the url(#id) references in an attribute's value; ok
// is false for a value that refers to anything outside the chart.
func localRefs(value, prefix string) (string, bool) {
	lower := strings.ToLower(value)
	if strings.Contains(lower, "javascript:") || strings.Contains(lower, "expression(") {
		return "", false
	}
	var b strings.Builder
	rest := value
	for {
		i := strings.Index(strings.ToLower(rest), "url(")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), true
		}
		b.WriteString(rest[:i+4])
		rest = rest[i+4:]
		if !strings.HasPrefix(rest, "#") {
			return "", false
		}
		b.WriteString("#" + prefix)
		rest = rest[1:]
	}
}
