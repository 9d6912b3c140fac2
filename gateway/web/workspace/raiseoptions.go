package workspace

import (
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// raiseOptions is what the agenda's question form may offer the person:
// the origins the councils service would accept from them, asked of the
// service itself (GetRaiseOptions), which applies RaiseQuestion's own
// rules, so that the page holds no copy of them.
type raiseOptions struct {
	// Origins are the form's values (solicitedValue, unsolicitedValue) of
	// the origins offered, solicited first.
	Origins []string
	// Refusing names the councils that take questions only from their
	// municipality, when that is why the person cannot raise their own.
	Refusing []string
}

// loadRaiseOptions asks the service for the origins the person may raise a
// question with here: for the tenant's own agenda when it is a
// municipality, and for regional work with every municipality of the
// region. The form offers what either allows; the service still decides
// on the question as sent.
func (s *Pages) loadRaiseOptions(wk *work) (raiseOptions, error) {
	a, err := wk.loadRegion(s)
	if err != nil {
		return raiseOptions{}, err
	}
	var scopes []*councilsv1.Scope
	if kit.IsMunicipality(wk.Tenant) {
		scopes = append(scopes, &councilsv1.Scope{Tenant: wk.Tenant})
	}
	if a.ID != "" && len(a.Municipalities) > 0 {
		all := make([]string, len(a.Municipalities))
		for i, m := range a.Municipalities {
			all[i] = m.Code
		}
		scopes = append(scopes, &councilsv1.Scope{Tenant: a.ID, ParticipatingMunicipalities: all})
	}
	var out raiseOptions
	allowed := map[councilsv1.Origin]bool{}
	for _, sc := range scopes {
		opts, err := wk.api.GetRaiseOptions(wk.Context(), &councilsv1.GetRaiseOptionsRequest{Scope: sc})
		if err != nil {
			return raiseOptions{}, err
		}
		for _, o := range opts.GetOrigins() {
			allowed[o] = true
		}
		for _, code := range opts.GetCouncilsRefusingUnsolicited() {
			if name := a.NameOf(code); !slices.Contains(out.Refusing, name) {
				out.Refusing = append(out.Refusing, name)
			}
		}
	}
	if allowed[councilsv1.Origin_ORIGIN_SOLICITED] {
		out.Origins = append(out.Origins, solicitedValue)
	}
	if allowed[councilsv1.Origin_ORIGIN_UNSOLICITED] {
		out.Origins = append(out.Origins, unsolicitedValue)
		out.Refusing = nil
	}
	return out, nil
}

// refusingNames joins council names as a Dutch or English list reads.
func refusingNames(w kit.Words, names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + w.Text("question.and") + " " + names[len(names)-1]
}
