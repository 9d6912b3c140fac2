package mail

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
)

// pageStyle is the page's only styling, inline so that the page needs no
// other request; the Content-Security-Policy allows exactly this text by
// its hash.
const pageStyle = `body{font-family:system-ui,sans-serif;line-height:1.5;margin:0 auto;max-width:60rem;padding:1rem}
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border-bottom:1px solid #767676;padding:.5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}caption{text-align:left}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit}dt{font-weight:bold}dd{margin:0 0 .5rem 0;overflow-wrap:anywhere}
a{color:#0b4ea2}a:focus{outline:3px solid #000;outline-offset:2px}`

const pageTemplate = `<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Message}}{{.Message.Subject}} – {{end}}Ontwikkel-mailbox</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
{{- if .Message}}
<p><a href="?">← Alle berichten <span lang="en">(all messages)</span></a></p>
<h1>{{.Message.Subject}}</h1>
<dl>
{{- range .Headers}}
<dt>{{.Name}}</dt><dd>{{.Value}}</dd>
{{- end}}
</dl>
<h2>Tekst <span lang="en">(text)</span></h2>
<pre>{{.Body}}</pre>
{{- else}}
<h1>Ontwikkel-mailbox</h1>
<p>Alle e-mail die Meedoen in ontwikkeling verstuurt, komt hier binnen in plaats van bij de ontvanger.</p>
<p lang="en">Development mailbox: every e-mail Meedoen sends in development arrives here instead of at its recipient.</p>
{{- if .Messages}}
<table>
<caption>{{len .Messages}} berichten, nieuwste eerst <span lang="en">({{len .Messages}} messages, newest first)</span></caption>
<thead><tr><th scope="col">Aan <span lang="en">(to)</span></th><th scope="col">Onderwerp <span lang="en">(subject)</span></th><th scope="col">Ontvangen <span lang="en">(received)</span></th></tr></thead>
<tbody>
{{- range .Messages}}
<tr><td>{{.To}}</td><td><a href="?m={{.ID}}">{{if .Subject}}{{.Subject}}{{else}}(geen onderwerp){{end}}</a></td><td><time datetime="{{.Received.UTC.Format "2006-01-02T15:04:05Z"}}">{{local .Received}}</time></td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>Nog geen berichten. <span lang="en">No messages yet.</span></p>
{{- end}}
{{- end}}
</main>
</body>
</html>
`

// header is one header line the message page shows.
type header struct{ Name, Value string }

// shownHeaders are the headers the message page lists, Dutch label first.
var shownHeaders = [...]struct{ label, name string }{
	{"Van (from)", "From"},
	{"Aan (to)", "To"},
	{"Onderwerp (subject)", "Subject"},
	{"Datum (date)", "Date"},
	{"Taal (language)", "Content-Language"},
	{"Afmelden (unsubscribe)", "List-Unsubscribe"},
	{"Bericht-id (message id)", "Message-Id"},
}

// Handler serves the mailbox's web page: the list of messages, newest
// first, and one message (?m=id) with its headers and text, links
// clickable. Its links are relative, so it works wherever it is mounted.
func (mb *DevMailbox) Handler() http.Handler {
	amsterdam := nlgov.Amsterdam()
	tmpl := template.Must(template.New("mailbox").Funcs(template.FuncMap{
		"local": func(t time.Time) string { return t.In(amsterdam).Format("02-01-2006 15:04:05") },
	}).Parse(pageTemplate))
	sum := sha256.Sum256([]byte(pageStyle))
	policy := "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		data := struct {
			Style    template.CSS
			Messages []Stored
			Message  *Stored
			Headers  []header
			Body     template.HTML
		}{Style: template.CSS(pageStyle)}
		if id := r.URL.Query().Get("m"); id != "" {
			m, err := mb.Message(id)
			if err != nil {
				http.Error(w, "Bericht niet gevonden (message not found)", http.StatusNotFound)
				return
			}
			data.Message = &m
			for _, h := range shownHeaders {
				v := m.Header.Get(h.name)
				switch h.name { // these three are shown decoded
				case "From":
					v = m.From
				case "To":
					v = m.To
				case "Subject":
					v = m.Subject
				}
				if v != "" {
					data.Headers = append(data.Headers, header{h.label, v})
				}
			}
			data.Body = linkify(m.Text)
		} else {
			ms, err := mb.Messages()
			if err != nil {
				http.Error(w, "Mailbox niet leesbaar (mailbox unreadable)", http.StatusInternalServerError)
				return
			}
			data.Messages = ms
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", policy)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		_ = tmpl.Execute(w, data)
	})
}

// linkify escapes text and makes its http and https URLs links.
func linkify(text string) template.HTML {
	var b strings.Builder
	for text != "" {
		i := urlStart(text)
		if i < 0 {
			b.WriteString(template.HTMLEscapeString(text))
			break
		}
		b.WriteString(template.HTMLEscapeString(text[:i]))
		end := i
		for end < len(text) && !strings.ContainsRune(" \t\r\n<>\"", rune(text[end])) {
			end++
		}
		// Punctuation that ends a sentence is not part of the link.
		for end > i && strings.ContainsRune(".,;:!?)'", rune(text[end-1])) {
			end--
		}
		u := template.HTMLEscapeString(text[i:end])
		b.WriteString(`<a href="` + u + `">` + u + `</a>`)
		text = text[end:]
	}
	return template.HTML(b.String())
}

// urlStart is the index of the first http:// or https:// in s, or -1.
func urlStart(s string) int {
	i, j := strings.Index(s, "http://"), strings.Index(s, "https://")
	switch {
	case i < 0:
		return j
	case j < 0:
		return i
	}
	return min(i, j)
}
