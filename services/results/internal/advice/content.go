package advice

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
)

// Limits of an advice's text, generous for a document of some pages and
// small enough that one version stays far below the API's body limit.
const (
	maxTitle           = 200
	maxQuestion        = 2000
	maxSection         = 20000
	maxRecommendation  = 4000
	maxRecommendations = 100
	maxChangeNote      = 2000
)

// Content is the text of one version of an advice, as the council writes
// it.
type Content struct {
	Title       string `json:"title"`
	Question    string `json:"question"`
	Involvement string `json:"involvement"`
	Findings    string `json:"findings"`
	Conclusions string `json:"conclusions"`
	// Recommendations are numbered from 1 in this order.
	Recommendations []string `json:"recommendations"`
}

// clean returns c with surrounding white space trimmed, and adds to v what
// is wrong with it, with paths under prefix ("/content").
func (c Content) clean(v *errs.Violations, prefix string) Content {
	out := Content{
		Title:       text(v, prefix+"/title", c.Title, maxTitle, true),
		Question:    text(v, prefix+"/question", c.Question, maxQuestion, true),
		Involvement: text(v, prefix+"/involvement", c.Involvement, maxSection, false),
		Findings:    text(v, prefix+"/findings", c.Findings, maxSection, false),
		Conclusions: text(v, prefix+"/conclusions", c.Conclusions, maxSection, false),
	}
	switch n := len(c.Recommendations); {
	case n == 0:
		v.Add(prefix+"/recommendations", "must hold at least one recommendation")
	case n > maxRecommendations:
		v.Add(prefix+"/recommendations", fmt.Sprintf("must hold at most %d recommendations", maxRecommendations))
	}
	for i, r := range c.Recommendations {
		out.Recommendations = append(out.Recommendations,
			text(v, fmt.Sprintf("%s/recommendations/%d/text", prefix, i), r, maxRecommendation, true))
	}
	return out
}

// text trims s and checks its length, and that it is set if required.
func text(v *errs.Violations, path, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		v.Add(path, "must not be empty")
	case utf8.RuneCountInString(s) > max:
		v.Add(path, fmt.Sprintf("must be at most %d characters", max))
	}
	return s
}
