package api

import (
	"context"
	"encoding/json"
	"strings"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Paths of the open data under the public URL; the gateway serves them
// (gateway/files.go) and the OpenAPI document describes them.
const (
	catalogPath = "/api/v1/open-data/catalog"
	figuresPath = "/api/v1/open-data/evaluation-figures"
	resultsPath = "/api/v1/open-data/process-results"
)

// The URIs of the values DCAT-AP-DONL takes from its value lists.
const (
	// licenceCC0 is Creative Commons Zero 1.0 in the DONL licence list.
	licenceCC0 = "http://creativecommons.org/publicdomain/zero/1.0/deed.nl"
	// languageNL is Dutch in the EU's language list, which DONL uses.
	languageNL = "http://publications.europa.eu/resource/authority/language/NLD"
	// themeBestuur is "Bestuur" (government) in DONL's theme taxonomy
	// (the taxonomy of the policy agenda, OWMS).
	themeBestuur = "http://standaarden.overheid.nl/owms/terms/Bestuur"
	// wooAdviezen is the Woo information category "adviezen" (Woo article
	// 3.3, second paragraph, under e) in the TOOI thesaurus.
	wooAdviezen = "https://identifier.overheid.nl/tooi/def/thes/kern/c_5ba23c01"
	// continuous is the EU frequency "continuously updated".
	continuous = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
)

// GetDataCatalog describes the open data sets as a DCAT-AP-DONL 1.1
// catalog in JSON-LD, for a municipality's open data portal to harvest.
func (s *FilesServer) GetDataCatalog(ctx context.Context, _ *pb.GetDataCatalogRequest) (*pb.File, error) {
	changes, err := s.store.LastChanges(ctx)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(s.cfg.PublicURL, "/")
	figuresDay, resultsDay := amsterdamDay(firstSet(changes.Figures, s.now())), amsterdamDay(firstSet(changes.Results, s.now()))
	publisher := map[string]any{"@id": base + "/", "@type": "foaf:Agent", "foaf:name": "Meedoen"}
	contact := map[string]any{"@type": "vcard:Organization", "vcard:fn": "Meedoen", "vcard:hasURL": map[string]any{"@id": base + "/"}}
	common := func(d map[string]any, path, day string) map[string]any {
		url := base + path
		d["@id"] = url
		d["@type"] = "dcat:Dataset"
		d["dct:identifier"] = url
		d["dct:language"] = ref(languageNL)
		d["dct:license"] = ref(licenceCC0)
		d["dct:publisher"] = publisher
		d["overheid:authority"] = publisher
		d["dcat:contactPoint"] = contact
		d["dcat:theme"] = ref(themeBestuur)
		d["dct:modified"] = map[string]any{"@value": day, "@type": "xsd:date"}
		d["dct:accrualPeriodicity"] = ref(continuous)
		d["dcat:landingPage"] = ref(base + "/")
		d["dcat:distribution"] = []any{
			distribution(url, "csv", "text/csv", "CSV", "RFC 4180, UTF-8"),
			distribution(url, "json", "application/json", "JSON", "JSON"),
		}
		return d
	}
	figures := common(map[string]any{
		"dct:title": texts("Evaluatiecijfers participatieraden", "Evaluation figures of the participation councils"),
		"dct:description": texts(
			"Per gemeente, thema en vorm van participatie: trajecten, verzonden adviezen, hoe het college de aanbevelingen beantwoordde en hoe snel, bereikte inwoners en of deelnemers de uitkomst hoorden. Kleine aantallen zijn verborgen (kolom verborgen, geen waarde).",
			"Per municipality, theme and form of participation: processes, advice sent, how the executive answered the recommendations and how fast, residents reached and whether participants were told the outcome. Small numbers are hidden (column hidden, no value)."),
		"dcat:keyword": keywords("participatie", "participatieraad", "evaluatie", "adviezen"),
	}, figuresPath, figuresDay)
	results := common(map[string]any{
		"dct:title": texts("Adviezen van participatieraden en de antwoorden van het college", "Advice of the participation councils and the executive's responses"),
		"dct:description": texts(
			"Per verzonden advies, aanbeveling en geadresseerde gemeente: het kenmerk, het traject, het thema, de tekst van de aanbeveling en het besluit van het college met motivering zodra dat is gegeven, met de termijn en of het antwoord op tijd kwam.",
			"Per advice sent, recommendation and addressed municipality: the reference, the process, the theme, the recommendation's text and the executive's decision with its motivation once given, with the deadline and whether the response came on time."),
		"dcat:keyword": keywords("participatie", "participatieraad", "adviezen", "aanbevelingen"),
		// DCAT-AP-DONL 1.1 has no property for a Woo information category;
		// dct:subject names it by its TOOI identifier (docs/results.md).
		"dct:subject": map[string]any{"@id": wooAdviezen, "skos:prefLabel": map[string]any{"@value": "adviezen", "@language": "nl"}},
	}, resultsPath, resultsDay)
	catalog := map[string]any{
		"@context": map[string]any{
			"dcat":     "http://www.w3.org/ns/dcat#",
			"dct":      "http://purl.org/dc/terms/",
			"foaf":     "http://xmlns.com/foaf/0.1/",
			"vcard":    "http://www.w3.org/2006/vcard/ns#",
			"skos":     "http://www.w3.org/2004/02/skos/core#",
			"xsd":      "http://www.w3.org/2001/XMLSchema#",
			"overheid": "http://standaarden.overheid.nl/owms/terms/",
		},
		"@id":             base + catalogPath,
		"@type":           "dcat:Catalog",
		"dct:title":       texts("Meedoen: open data van de participatieraden", "Meedoen: open data of the participation councils"),
		"dct:description": texts("De open data over de adviezen van de participatieraden, de antwoorden van de colleges en de evaluatiecijfers.", "The open data on the participation councils' advice, the executives' responses and the evaluation figures."),
		"dct:publisher":   publisher,
		"dct:language":    ref(languageNL),
		"dct:license":     ref(licenceCC0),
		"dct:modified":    map[string]any{"@value": max(figuresDay, resultsDay), "@type": "xsd:date"},
		"foaf:homepage":   ref(base + "/"),
		"dcat:dataset":    []any{figures, results},
	}
	data, err := json.MarshalIndent(catalog, "", "  ")
	if err != nil {
		return nil, err
	}
	return &pb.File{Data: append(data, '\n'), ContentType: mediaLD, FileName: "meedoen-catalogus.jsonld"}, nil
}

// ref is a JSON-LD reference to the resource at uri.
func ref(uri string) map[string]any { return map[string]any{"@id": uri} }

// texts is a text in Dutch and in English.
func texts(nl, en string) []any {
	return []any{map[string]any{"@value": nl, "@language": "nl"}, map[string]any{"@value": en, "@language": "en"}}
}

// keywords are Dutch keywords.
func keywords(words ...string) []any {
	out := make([]any, 0, len(words))
	for _, w := range words {
		out = append(out, map[string]any{"@value": w, "@language": "nl"})
	}
	return out
}

// distribution is the download of the data set at url in one format.
func distribution(url, format, mediaType, fileType, note string) map[string]any {
	download := url + "?format=" + format
	return map[string]any{
		"@id":   download,
		"@type": "dcat:Distribution",
		"dct:title": texts(strings.ToUpper(format)+" (kolomkoppen in het Nederlands; language=en voor Engels)",
			strings.ToUpper(format)+" (column headings in Dutch; language=en for English)"),
		"dct:description":  texts("Altijd de actuele gegevens, "+note+".", "Always the current data, "+note+"."),
		"dcat:accessURL":   ref(download),
		"dcat:downloadURL": ref(download),
		"dcat:mediaType":   ref("https://www.iana.org/assignments/media-types/" + mediaType),
		"dct:format":       ref("http://publications.europa.eu/resource/authority/file-type/" + fileType),
		"dct:license":      ref(licenceCC0),
		"dct:language":     ref(languageNL),
	}
}
