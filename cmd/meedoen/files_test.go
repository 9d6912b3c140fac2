package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/carlos7ags/folio/reader"
	"golang.org/x/net/html"

	"github.com/meedoen/meedoen/internal/testkit"
)

// TestAdviceDocumentsThroughTheWholeStack drafts, adopts and sends an advice
// over REST on the whole system (PostgreSQL, JetStream carrying the
// process to the results service, the gateway, tokens from an identity
// provider), then downloads its PDF and HTML as anyone: every
// recommendation is in them, in order. A draft's document is refused to
// the public and served to its council; the sent advice is in the open
// data.
func TestAdviceDocumentsThroughTheWholeStack(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-rate-limit=-1", "-anonymous-rate-limit=-1")
	fx := &referenceFixtures{t: t, base: base, idp: idp}
	fx.must(t, "root", "POST", "/regions", map[string]any{"id": "ijmond", "name": "IJmond"})
	fx.must(t, "root", "POST", "/municipalities", map[string]any{"code": "GM0453", "name": "Velsen", "regionId": "ijmond"})
	fx.must(t, "root", "POST", "/municipalities", map[string]any{"code": "GM0396", "name": "Heemskerk", "regionId": "ijmond"})

	recommendations := []string{
		"Zet het mantelzorgloket vóór de zomer in de huis-aan-huiskrant.",
		"Bel mantelzorgers één keer per jaar op, als zij dat willen.",
		"Organiseer een café voor jonge mantelzorgers in de bibliotheek.",
	}
	var recs []any
	for _, r := range recommendations {
		recs = append(recs, map[string]any{"text": r})
	}
	process := fx.resultsProcess(t, "GM0453")
	a := fx.must(t, "council_member@GM0453", "POST", "/advices", map[string]any{"processId": process, "content": map[string]any{
		"title": "Advies over mantelzorg", "question": "Wat hebben mantelzorgers nodig?", "recommendations": recs}})
	id := a["id"].(string)
	document := base + "/api/v1/advices/" + id + "/document"

	// The draft: its council has it; the public and another municipality
	// do not learn it exists.
	for _, who := range []string{"", "council_member@GM0396", "policy_officer@GM0396"} {
		if code, _, body := download(t, idp, who, document); code != http.StatusNotFound {
			t.Errorf("the draft's document for %q: %d, want 404: %s", who, code, body)
		}
	}
	code, h, body := download(t, idp, "council_member@GM0453", document+"?format=html")
	if code != http.StatusOK || h.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("the draft's document for its council: %d, Cache-Control %q: %s", code, h.Get("Cache-Control"), body)
	}
	if got := listItems(t, body); strings.Join(got, "|") != strings.Join(recommendations, "|") {
		t.Errorf("the draft's recommendations: %q", got)
	}

	fx.must(t, "chair@GM0453", "POST", "/advices/"+id+"/adoption", map[string]any{"version": 1})
	fx.must(t, "chair@GM0453", "POST", "/advices/"+id+"/sending", map[string]any{"version": 1})

	code, h, body = download(t, idp, "", document)
	if code != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Cache-Control"), "public") {
		t.Fatalf("the sent advice's PDF: %d %q %q: %.200s", code, h.Get("Content-Type"), h.Get("Cache-Control"), body)
	}
	if !strings.Contains(h.Get("Content-Disposition"), "advies-") || !strings.HasSuffix(h.Get("Content-Disposition"), "-v1.pdf") {
		t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
	}
	text := pdfBody(t, body)
	at := strings.Index(text, "Aanbevelingen")
	if at < 0 {
		t.Fatalf("the PDF has no recommendations heading:\n%s", text)
	}
	for i, r := range recommendations {
		want := fmt.Sprintf("%d. %s", i+1, r)
		next := strings.Index(text[at:], want)
		if next < 0 {
			t.Fatalf("the PDF lacks %q after recommendation %d:\n%s", want, i, text)
		}
		at += next + len(want)
	}
	code, _, body = download(t, idp, "", document+"?format=html&version=1")
	if code != http.StatusOK {
		t.Fatalf("the sent advice's HTML: %d", code)
	}
	if got := listItems(t, body); strings.Join(got, "|") != strings.Join(recommendations, "|") {
		t.Errorf("the HTML's recommendations: %q", got)
	}

	// The sent advice is in the open data, one row per recommendation.
	code, _, body = download(t, idp, "", base+"/api/v1/open-data/process-results")
	if code != http.StatusOK {
		t.Fatalf("the open data: %d: %s", code, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, r := range rows[1:] {
		texts = append(texts, r[9])
	}
	if strings.Join(texts, "|") != strings.Join(recommendations, "|") {
		t.Errorf("the open data's recommendations: %q", texts)
	}
}

// download GETs url as subject ("" for no token).
func download(t *testing.T, idp *testIdP, subject, url string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "" {
		req.Header.Set("Authorization", "Bearer "+idp.token(t, subject))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// pdfBody is the text of a PDF's pages, read back with an independent
// reader, white space collapsed.
func pdfBody(t *testing.T, data []byte) string {
	t.Helper()
	r, err := reader.Parse(data)
	if err != nil {
		t.Fatalf("parsing the PDF: %v", err)
	}
	var all []string
	for i := range r.PageCount() {
		p, err := r.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		text, err := p.ExtractText()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, text)
	}
	return strings.Join(strings.Fields(strings.Join(all, " ")), " ")
}

// listItems are the texts of the items of an HTML page's ordered lists.
func listItems(t *testing.T, page []byte) []string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var items []string
	var text func(*html.Node) string
	text = func(n *html.Node) string {
		if n.Type == html.TextNode {
			return n.Data
		}
		var b strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.WriteString(text(c))
		}
		return b.String()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "li" && n.Parent != nil && n.Parent.Data == "ol" {
			items = append(items, strings.Join(strings.Fields(text(n)), " "))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return items
}
