package document

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// producer names the software in the PDF's metadata.
const producer = "Meedoen"

// PDF writes d as a tagged PDF in Dutch with the same content as HTML: a
// structure tree (headings, paragraphs, a numbered list, tables with
// header cells) that marks every piece of text on its pages, the document
// title shown by viewers, the language nl-NL, embedded fonts with a
// ToUnicode map, and a running header with the municipalities and the
// reference and a page number as artifacts.
func PDF(w io.Writer, d Doc) error {
	loc, err := amsterdam()
	if err != nil {
		return err
	}
	regular, bold, err := newFaces()
	if err != nil {
		return err
	}
	l := newLayout(regular, bold)

	l.heading(1, d.Title)
	if d.Correction {
		l.block(0, "P", bold, 10.5, marginLeft, textWidth, labelCorrection+". "+d.Note, 6)
	}
	var details [][]cell
	for _, r := range d.details(loc) {
		c := cells(r.Label, r.Value)
		if r.Link {
			c[1].uri = r.Value
		}
		details = append(details, c)
	}
	l.heading(2, labelDetails)
	l.table("", nil, details, []float64{0.3, 0.7})

	l.heading(2, labelQuestion)
	for _, p := range paragraphs(d.Question) {
		l.paragraph(p)
	}
	l.heading(2, labelInvolvement)
	for _, p := range paragraphs(d.Involvement) {
		l.paragraph(p)
	}
	if len(d.Reach) > 0 {
		var rows [][]cell
		for _, r := range d.Reach {
			rows = append(rows, cells(r.Form, r.Municipality, strconv.Itoa(r.Activities),
				showCount(r.Residents), period(r.FirstDay, r.LastDay, loc)))
		}
		l.table(labelReachCaption, []string{"Vorm", "Gemeente", "Activiteiten", "Inwoners bereikt", "Periode"},
			rows, []float64{0.2, 0.18, 0.14, 0.18, 0.3})
	}
	l.heading(2, labelFindings)
	for _, p := range paragraphs(d.Findings) {
		l.paragraph(p)
	}
	for _, q := range d.Quotes {
		bq := l.element("BlockQuote", 0, "")
		l.block(bq, "P", regular, 10.5, marginLeft+20, textWidth-20, "“"+q.Text+"”", 2)
		if q.Source != "" {
			l.block(bq, "P", regular, 9, marginLeft+20, textWidth-20, "— "+q.Source, 6)
		}
	}
	if len(d.Polls) > 0 {
		l.heading(2, labelPolls)
		for _, p := range d.Polls {
			var rows [][]cell
			for _, m := range p.PerMunicipality {
				rows = append(rows, cells(m.Municipality, showCount(m.Count)))
			}
			caption := fmt.Sprintf("%s, gesloten op %s: %s reacties", p.Title, dutchDate(p.ClosedOn, loc), showCount(p.Responses))
			l.table(caption, []string{"Gemeente", "Reacties"}, rows, []float64{0.5, 0.5})
		}
	}
	l.heading(2, labelConclusions)
	for _, p := range paragraphs(d.Conclusions) {
		l.paragraph(p)
	}
	l.heading(2, labelRecommendations)
	l.numbered(d.Recommendations)

	header := addressees(d.Municipalities) + " · Kenmerk " + d.Reference
	return write(w, d, l, l.decorate(header))
}

// write turns a finished layout into the PDF file.
func write(w io.Writer, d Doc, l *layout, decor [][]byte) error {
	var o objects
	catalog, pages, info := o.reserve(), o.reserve(), o.reserve()
	structRoot, parentTree := o.reserve(), o.reserve()

	// Pages and their content.
	pageNums := make([]int, len(l.sheets))
	for i := range l.sheets {
		pageNums[i] = o.reserve()
	}
	fontsDict := o.reserve()
	// Link annotations: their numbers, and their keys in the parent tree,
	// which follow the pages'.
	annots := make([][]int, len(l.sheets))
	annotKeys := make([][]int, len(l.sheets))
	nextKey := len(l.sheets)
	for i, sh := range l.sheets {
		for range sh.links {
			annots[i] = append(annots[i], o.reserve())
			annotKeys[i] = append(annotKeys[i], nextKey)
			nextKey++
		}
	}
	for i, sh := range l.sheets {
		body, err := o.addStream("", sh.content.Bytes())
		if err != nil {
			return fmt.Errorf("writing page %d: %w", i+1, err)
		}
		deco, err := o.addStream("", decor[i])
		if err != nil {
			return fmt.Errorf("writing page %d: %w", i+1, err)
		}
		var annotRefs []string
		for _, n := range annots[i] {
			annotRefs = append(annotRefs, ref(n))
		}
		o.set(pageNums[i], fmt.Sprintf("<< /Type /Page /Parent %s /MediaBox [0 0 %.2f %.2f] /Resources << /Font %s >> /Contents [%s %s] /Annots [%s] /StructParents %d /Tabs /S >>",
			ref(pages), pageWidth, pageHeight, ref(fontsDict), ref(deco), ref(body), strings.Join(annotRefs, " "), i))
	}
	kids := make([]string, len(pageNums))
	for i, n := range pageNums {
		kids[i] = ref(n)
	}
	o.set(pages, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pageNums)))

	// Fonts, after all text is encoded, so that their widths and
	// ToUnicode maps hold every glyph shown.
	f1, err := embed(&o, l.regular)
	if err != nil {
		return err
	}
	f2, err := embed(&o, l.bold)
	if err != nil {
		return err
	}
	o.set(fontsDict, fmt.Sprintf("<< /F1 %s /F2 %s >>", ref(f1), ref(f2)))

	// Structure tree: element numbers first, then the elements.
	nums := make([]int, len(l.elems))
	for i := range l.elems {
		nums[i] = o.reserve()
	}
	for i, e := range l.elems {
		parent := structRoot
		if e.parent >= 0 {
			parent = nums[e.parent]
		}
		var k strings.Builder
		for _, c := range e.kids {
			switch c.elem {
			case -2:
				fmt.Fprintf(&k, "<< /Type /OBJR /Obj %s /Pg %s >> ", ref(annots[c.page][c.mcid]), ref(pageNums[c.page]))
			case -1:
				fmt.Fprintf(&k, "<< /Type /MCR /Pg %s /MCID %d >> ", ref(pageNums[c.page]), c.mcid)
			default:
				k.WriteString(ref(nums[c.elem]) + " ")
			}
		}
		extra := e.attrs
		if i == 0 {
			extra += " /Lang (nl-NL) /T " + textString(d.Title)
		}
		o.set(nums[i], fmt.Sprintf("<< /Type /StructElem /S /%s /P %s /K [%s] %s >>", e.tag, ref(parent), k.String(), extra))
	}
	var pt strings.Builder
	for i, sh := range l.sheets {
		fmt.Fprintf(&pt, "%d [", i)
		for _, e := range sh.parents {
			pt.WriteString(ref(nums[e]) + " ")
		}
		pt.WriteString("] ")
	}
	for i, sh := range l.sheets {
		for j, a := range sh.links {
			fmt.Fprintf(&pt, "%d %s ", annotKeys[i][j], ref(nums[a.elem]))
			o.set(annots[i][j], fmt.Sprintf("<< /Type /Annot /Subtype /Link /Rect [%.2f %.2f %.2f %.2f] /Border [0 0 0] /F 4 /Contents %s /A << /S /URI /URI %s >> /StructParent %d >>",
				a.rect[0], a.rect[1], a.rect[2], a.rect[3], textString(a.uri), asciiString(a.uri), annotKeys[i][j]))
		}
	}
	o.set(parentTree, "<< /Nums ["+pt.String()+"] >>")
	o.set(structRoot, fmt.Sprintf("<< /Type /StructTreeRoot /K [%s] /ParentTree %s /ParentTreeNextKey %d >>",
		ref(nums[0]), ref(parentTree), nextKey))

	// Metadata: the Info dictionary and the same in XMP.
	subject := "Advies " + d.Reference + " aan " + addressees(d.Municipalities)
	o.set(info, fmt.Sprintf("<< /Title %s /Subject %s /Author %s /Producer %s /Creator %s >>",
		textString(d.Title), textString(subject), textString(d.Council), textString(producer), textString(producer)))
	xmp := o.reserve()
	if err := o.setPlain(xmp, "/Type /Metadata /Subtype /XML", []byte(xmpPacket(d.Title, subject, d.Council))); err != nil {
		return err
	}
	outlines := writeOutline(&o, l.outline, pageNums)
	o.set(catalog, fmt.Sprintf("<< /Type /Catalog /Pages %s /Lang (nl-NL) /MarkInfo << /Marked true >> /StructTreeRoot %s /Metadata %s /Outlines %s /PageMode /UseOutlines /ViewerPreferences << /DisplayDocTitle true >> >>",
		ref(pages), ref(structRoot), ref(xmp), ref(outlines)))

	sum := sha256.Sum256([]byte(d.Reference + "\x00" + strconv.Itoa(d.Version) + "\x00" + d.ContentHash))
	if err := o.writeTo(w, catalog, info, hex.EncodeToString(sum[:16])); err != nil {
		return fmt.Errorf("writing pdf: %w", err)
	}
	return nil
}

// embed writes fc as a Type 0 font with its TrueType program and returns
// the font's object number.
func embed(o *objects, fc *face) (int, error) {
	program, err := fc.program()
	if err != nil {
		return 0, fmt.Errorf("compressing font %s: %w", fc.name, err)
	}
	file := o.reserve()
	o.setCompressed(file, fmt.Sprintf("/Length1 %d", len(fc.raw)), program)
	toUni, err := o.addStream("", fc.toUnicode())
	if err != nil {
		return 0, fmt.Errorf("embedding font %s: %w", fc.name, err)
	}
	bbox, ascent, descent, capHeight := fc.metrics()
	desc := o.add(fmt.Sprintf("<< /Type /FontDescriptor /FontName /%s /Flags 32 /FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %s >>",
		fc.name, bbox[0], bbox[1], bbox[2], bbox[3], ascent, descent, capHeight, ref(file)))
	cid := o.add(fmt.Sprintf("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor %s /CIDToGIDMap /Identity /DW 600 /W %s >>",
		fc.name, ref(desc), fc.widths()))
	return o.add(fmt.Sprintf("<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H /DescendantFonts [%s] /ToUnicode %s >>",
		fc.name, ref(cid), ref(toUni))), nil
}

// xmpPacket is the XMP metadata: title, description, author, language.
func xmpPacket(title, subject, author string) string {
	return `<?xpacket begin="` + "\ufeff" + `" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + xmlEscape(title) + `</rdf:li><rdf:li xml:lang="nl-NL">` + xmlEscape(title) + `</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + xmlEscape(subject) + `</rdf:li></rdf:Alt></dc:description>
<dc:creator><rdf:Seq><rdf:li>` + xmlEscape(author) + `</rdf:li></rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>nl-NL</rdf:li></rdf:Bag></dc:language>
<dc:format>application/pdf</dc:format>
<pdf:Producer>` + producer + `</pdf:Producer>
<xmp:CreatorTool>` + producer + `</xmp:CreatorTool>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`
}

// writeOutline writes the headings as a flat outline (bookmarks), so that
// a reader can jump to each section, and returns the outline's number.
func writeOutline(o *objects, marks []bookmark, pageNums []int) int {
	root := o.reserve()
	items := make([]int, len(marks))
	for i := range marks {
		items[i] = o.reserve()
	}
	for i, m := range marks {
		links := ""
		if i > 0 {
			links += " /Prev " + ref(items[i-1])
		}
		if i < len(marks)-1 {
			links += " /Next " + ref(items[i+1])
		}
		o.set(items[i], fmt.Sprintf("<< /Title %s /Parent %s%s /Dest [%s /XYZ 0 %.2f null] >>",
			textString(m.title), ref(root), links, ref(pageNums[m.page]), m.y))
	}
	if len(items) == 0 {
		o.set(root, "<< /Type /Outlines /Count 0 >>")
		return root
	}
	o.set(root, fmt.Sprintf("<< /Type /Outlines /First %s /Last %s /Count %d >>", ref(items[0]), ref(items[len(items)-1]), len(items)))
	return root
}
