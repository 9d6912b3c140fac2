package web

import (
	"cmp"
	"slices"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// municipalityParam is the start page's query parameter that holds the
// visitor's choice of municipality (/?gemeente=GM0453): in the address, so
// that a resident can bookmark or share it, and no cookie remembers
// anything about them.
const municipalityParam = "gemeente"

// homePage is the start page's data for a visitor who is not logged in:
// the municipalities to choose from and, once one is chosen, where its
// residents can take part.
type homePage struct {
	Municipalities []kit.Place
	// Chosen is the municipality chosen; its Code is empty when none is.
	Chosen kit.Place
	// Unknown reports a choice in the address that is no municipality we
	// know; the page then asks to choose again.
	Unknown bool
	// Polls are the chosen municipality's open polls on an open link.
	Polls []openPoll
	// PollsUnavailable says the surveys service did not answer, so the
	// page cannot say which polls are open.
	PollsUnavailable bool
}

// openPoll is a poll on the start page.
type openPoll struct {
	Title string
	// TitleLang is the language of Title when it differs from the page's:
	// a poll without an English title shows its Dutch one.
	TitleLang string
	Path      string
	Closes    string
}

// start serves the start page: staff see their roles; visitors choose
// their municipality and see its open polls and panel, on a resident's
// page without the staff's menu.
func (s *Site) start(rq *kit.Request) error {
	rq.View.TitleKey = "start.title"
	if rq.View.User != nil {
		return nil
	}
	rq.View.Resident, rq.View.OfferLogin = true, true
	page := &homePage{Municipalities: municipalities(s.kit.TenantNames(rq.Context()))}
	rq.View.Page = page
	code := rq.R.URL.Query().Get(municipalityParam)
	if code == "" {
		return nil
	}
	i := slices.IndexFunc(page.Municipalities, func(p kit.Place) bool { return p.Code == code })
	if i < 0 {
		page.Unknown = true
		return nil
	}
	page.Chosen = page.Municipalities[i]
	rq.View.Subject = page.Chosen.Name
	if s.surveys == nil {
		page.PollsUnavailable = true
		return nil
	}
	list, err := s.surveys.ListOpenPolls(rq.Context(), &surveysv1.ListOpenPollsRequest{MunicipalityCode: code})
	if err != nil {
		// The rest of the page still helps: the panel sign-up and how
		// Meedoen works do not need the surveys service.
		s.kit.Log().WarnContext(rq.Context(), "listing open polls for the start page", "municipality", code, "err", err)
		page.PollsUnavailable = true
		return nil
	}
	for _, p := range list.GetPolls() {
		title, lang := p.GetTitle().GetNl(), ""
		if rq.Lang() == "en" {
			if en := p.GetTitle().GetEn(); en != "" {
				title = en
			} else {
				lang = "nl"
			}
		}
		page.Polls = append(page.Polls, openPoll{Title: title, TitleLang: lang, Path: "/p/" + p.GetSlug(), Closes: rq.Words.Moment(p.GetClosesAt())})
	}
	return nil
}

// municipalities are the municipalities among the tenants, by name.
func municipalities(names map[string]string) []kit.Place {
	var out []kit.Place
	for code, name := range names {
		if kit.IsMunicipality(code) {
			out = append(out, kit.Place{Code: code, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b kit.Place) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Code, b.Code)) })
	return out
}
