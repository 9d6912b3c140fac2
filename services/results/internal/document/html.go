package document

import (
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"
)

// HTML writes d as an HTML page in Dutch: one h1, headings in order, the
// recommendations as a numbered list, tables with a caption and header
// cells with a scope.
func HTML(w io.Writer, d Doc) error {
	loc, err := amsterdam()
	if err != nil {
		return err
	}
	if err := page.Execute(w, htmlView(d, loc)); err != nil {
		return fmt.Errorf("rendering advice html: %w", err)
	}
	return nil
}

type htmlReach struct{ Form, Municipality, Activities, Residents, Period string }

type htmlPoll struct {
	Title, ClosedOn, Responses string
	Rows                       [][2]string
}

type htmlData struct {
	Doc                             Doc
	Details                         []detail
	Question, Involvement, Findings []string
	Conclusions                     []string
	Reach                           []htmlReach
	Polls                           []htmlPoll
	Labels                          map[string]string
}

func htmlView(d Doc, loc *time.Location) htmlData {
	v := htmlData{Doc: d, Details: d.details(loc),
		Question: paragraphs(d.Question), Involvement: paragraphs(d.Involvement),
		Findings: paragraphs(d.Findings), Conclusions: paragraphs(d.Conclusions),
		Labels: map[string]string{
			"question": labelQuestion, "involvement": labelInvolvement, "reach": labelReachCaption,
			"findings": labelFindings, "polls": labelPolls, "conclusions": labelConclusions,
			"recommendations": labelRecommendations, "details": labelDetails, "correction": labelCorrection,
		}}
	for _, r := range d.Reach {
		v.Reach = append(v.Reach, htmlReach{r.Form, r.Municipality, strconv.Itoa(r.Activities),
			showCount(r.Residents), period(r.FirstDay, r.LastDay, loc)})
	}
	for _, p := range d.Polls {
		hp := htmlPoll{Title: p.Title, ClosedOn: dutchDate(p.ClosedOn, loc), Responses: showCount(p.Responses)}
		for _, m := range p.PerMunicipality {
			hp.Rows = append(hp.Rows, [2]string{m.Municipality, showCount(m.Count)})
		}
		v.Polls = append(v.Polls, hp)
	}
	return v
}

var page = template.Must(template.New("advice").Funcs(template.FuncMap{"inc": func(i int) int { return i + 1 }}).Parse(`<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Doc.Title}}</title>
</head>
<body>
<main>
<article>
<h1>{{.Doc.Title}}</h1>
{{- if .Doc.Correction}}
<p role="note"><strong>{{.Labels.correction}}.</strong> {{.Doc.Note}}</p>
{{- end}}
<section aria-labelledby="gegevens">
<h2 id="gegevens">{{.Labels.details}}</h2>
<dl>
{{- range .Details}}
<dt>{{.Label}}</dt><dd>{{if .Link}}<a href="{{.Value}}">{{.Value}}</a>{{else if .Code}}<code>{{.Value}}</code>{{else}}{{.Value}}{{end}}</dd>
{{- end}}
</dl>
</section>
<section aria-labelledby="adviesvraag">
<h2 id="adviesvraag">{{.Labels.question}}</h2>
{{- range .Question}}
<p>{{.}}</p>
{{- end}}
</section>
<section aria-labelledby="betrokkenheid">
<h2 id="betrokkenheid">{{.Labels.involvement}}</h2>
{{- range .Involvement}}
<p>{{.}}</p>
{{- end}}
{{- if .Reach}}
<table>
<caption>{{.Labels.reach}}</caption>
<thead><tr><th scope="col">Vorm</th><th scope="col">Gemeente</th><th scope="col">Activiteiten</th><th scope="col">Inwoners bereikt</th><th scope="col">Periode</th></tr></thead>
<tbody>
{{- range .Reach}}
<tr><th scope="row">{{.Form}}</th><td>{{.Municipality}}</td><td>{{.Activities}}</td><td>{{.Residents}}</td><td>{{.Period}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
</section>
<section aria-labelledby="bevindingen">
<h2 id="bevindingen">{{.Labels.findings}}</h2>
{{- range .Findings}}
<p>{{.}}</p>
{{- end}}
{{- range .Doc.Quotes}}
<figure>
<blockquote lang="nl"><p>{{.Text}}</p></blockquote>
{{- if .Source}}
<figcaption>{{.Source}}</figcaption>
{{- end}}
</figure>
{{- end}}
</section>
{{- if .Polls}}
<section aria-labelledby="peilingen">
<h2 id="peilingen">{{.Labels.polls}}</h2>
{{- range .Polls}}
<table>
<caption>{{.Title}}, gesloten op {{.ClosedOn}}: {{.Responses}} reacties</caption>
<thead><tr><th scope="col">Gemeente</th><th scope="col">Reacties</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr><th scope="row">{{index . 0}}</th><td>{{index . 1}}</td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
</section>
{{- end}}
<section aria-labelledby="conclusies">
<h2 id="conclusies">{{.Labels.conclusions}}</h2>
{{- range .Conclusions}}
<p>{{.}}</p>
{{- end}}
</section>
<section aria-labelledby="aanbevelingen">
<h2 id="aanbevelingen">{{.Labels.recommendations}}</h2>
<ol>
{{- range $i, $r := .Doc.Recommendations}}
<li value="{{inc $i}}" id="aanbeveling-{{inc $i}}">{{$r}}</li>
{{- end}}
</ol>
</section>
</article>
</main>
</body>
</html>
`))
