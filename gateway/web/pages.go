package web

import "net/http"

// section is one entry of the main navigation.
type section struct {
	key  string // catalogue key of its label
	path string
	// later marks a section that is not built yet; it gets a placeholder
	// page that says so.
	later bool
	// aboutKey describes what the section will hold, on its placeholder.
	aboutKey string
}

// sections is the main navigation, in order. The paths are Dutch, like the
// people who bookmark them.
var sections = []section{
	{key: "nav.start", path: "/"},
	{key: "nav.agenda", path: "/agenda"},
	{key: "nav.processes", path: "/trajecten"},
	{key: "nav.focusgroups", path: "/focusgroepen", later: true, aboutKey: "later.focusgroups"},
	{key: "nav.polls", path: "/peilingen"},
	{key: "nav.panels", path: "/panels"},
	{key: "nav.advice", path: "/adviezen", later: true, aboutKey: "later.advice"},
	{key: "nav.council", path: "/raad"},
}

func (s *Site) start(_ *http.Request, v *view) int {
	v.TitleKey = "start.title"
	return http.StatusOK
}

func (s *Site) accessibility(_ *http.Request, v *view) int {
	v.TitleKey = "a11y.title"
	return http.StatusOK
}

func (s *Site) privacy(_ *http.Request, v *view) int {
	v.TitleKey = "privacy.title"
	return http.StatusOK
}

// later serves the placeholder of a section that is not built yet.
func (s *Site) later(sec section) handlerFunc {
	return func(_ *http.Request, v *view) int {
		v.TitleKey = sec.key
		v.Page = laterPage{AboutKey: sec.aboutKey}
		return http.StatusOK
	}
}

// laterPage is the placeholder's data.
type laterPage struct {
	AboutKey string
}

func (s *Site) notFound(_ *http.Request, v *view) int {
	v.TitleKey = "notfound.title"
	return http.StatusNotFound
}
