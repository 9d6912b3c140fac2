package polls

import (
	"slices"
	"strconv"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The editor's fields beyond the texts of the poll and its questions: a
// question's display condition, who may answer, and when.

// condition is the select of a question's display condition: always, or
// when an earlier choice, Likert or scale question has one answer.
func (e *editorView) condition(path string, q *surveysv1.Question, earlier []*surveysv1.Question) bField {
	name := qField(q.GetId(), qfCondition)
	e.register(path+"/showIf", name, name, e.ph.Say("builder.field.condition"))
	current := e.raw(name, conditionValue(q.GetShowIf()))
	f := bField{
		ID: name, Kind: "select", Label: e.ph.Say("builder.field.condition"),
		Hint:    e.ph.Say("builder.condition.hint"),
		Options: []kit.Choice{{Value: "", Label: e.ph.Say("builder.condition.always")}},
	}
	found := current == ""
	for n, sq := range earlier {
		if !conditionable(sq.GetType()) {
			continue
		}
		g := kit.ChoiceGroup{Label: e.ph.Say("builder.question.short", "n", n+1) + ": " + kit.Localize(sq.GetText(), e.ph.Lang()).S}
		add := func(key, label string) {
			v := sq.GetId() + "=" + key
			g.Options = append(g.Options, kit.Choice{Value: v, Label: e.ph.Say("builder.condition.is", "answer", label), Selected: v == current})
			found = found || v == current
		}
		switch sq.GetType() {
		case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
			for i, l := range sq.GetLabels() {
				add(strconv.Itoa(i+1), strconv.Itoa(i+1)+" ("+kit.Localize(l, e.ph.Lang()).S+")")
			}
		case surveysv1.QuestionType_QUESTION_TYPE_SCALE:
			for i := 0; i <= 10; i++ {
				add(strconv.Itoa(i), strconv.Itoa(i))
			}
		default:
			for _, o := range sq.GetOptions() {
				add(o.GetId(), kit.Localize(o.GetLabel(), e.ph.Lang()).S)
			}
			if sq.GetOther() {
				add(pollform.OtherID, pollform.OtherLabel(sq, e.ph.Lang()).S)
			}
		}
		f.Groups = append(f.Groups, g)
	}
	if !found {
		// A condition the select cannot show (several answers, set over
		// the API, or on a question that moved): kept as it is, so that
		// saving does not lose it, and named as the service will.
		f.Options = append(f.Options, kit.Choice{Value: current, Label: current, Selected: true})
	}
	return f
}

// audience is the audience's fields: who may answer, the open link and
// a panel's filters.
func (e *editorView) audience(p *surveysv1.Poll, linkBase string) []bField {
	a := p.GetAudience()
	kind := map[surveysv1.AudienceKind]string{
		surveysv1.AudienceKind_AUDIENCE_KIND_PANEL:     audiencePanel,
		surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK: audienceOpenLink,
	}[a.GetKind()]
	kind = e.raw(bfAudience, kind)
	radios := bField{ID: bfAudience, Kind: "radios", Label: e.ph.Say("builder.field.audience")}
	for _, v := range []string{"", audiencePanel, audienceOpenLink} {
		key := "builder.audience.none"
		if v != "" {
			key = "builder.audience." + v
		}
		radios.Options = append(radios.Options, kit.Choice{Value: v, Label: e.ph.Say(key), Selected: v == kind})
	}
	e.register("/audience", bfAudience, bfAudience+"-", radios.Label)
	slug := e.input("text", "/slug", bfSlug, e.ph.Say("builder.field.slug"), p.GetSlug())
	slug.Hint = e.ph.Say("builder.slug.hint")
	if p.GetSlug() != "" {
		slug.Hint += " " + e.ph.Say("builder.slug.url", "url", linkBase+"/p/"+p.GetSlug())
	}
	postcode := e.checkbox("/audience/postcodeCheck", bfPostcodeCheck, e.ph.Say("builder.field.postcodeCheck"), a.GetPostcodeCheck())
	if e.form != nil {
		postcode.Checked = e.form.Get(bfPostcodeCheck) == checkedValue
	}
	postcode.Hint = e.ph.Say("builder.postcodeCheck.hint")
	fs := []bField{radios, slug, postcode}
	if ps := p.GetParticipants(); len(ps) > 0 {
		chosen := a.GetMunicipalities()
		if e.form != nil {
			chosen = e.form[bfMunicipalities]
		}
		boxes := bField{ID: bfMunicipalities, Kind: "checkboxes", Label: e.ph.Say("builder.field.municipalities"), Hint: e.ph.Say("builder.municipalities.hint")}
		for _, m := range ps {
			boxes.Options = append(boxes.Options, kit.Choice{Value: m, Label: e.names(m), Selected: slices.Contains(chosen, m)})
		}
		e.register("/audience/municipalities", bfMunicipalities, bfMunicipalities+"-"+ps[0], boxes.Label)
		fs = append(fs, boxes)
	}
	chosenHoods, chosenBands := a.GetNeighbourhoods(), a.GetAgeBands()
	if e.form != nil {
		chosenHoods, chosenBands = e.form[bfNeighbourhoods], e.form[bfAgeBands]
	}
	// The neighbourhoods are those of the operator's table that the
	// sign-up offers, by the name residents chose them by; a shared
	// poll's grouped per municipality. A municipality without any in the
	// table has none to narrow to.
	hoods := bField{ID: bfNeighbourhoods, Kind: "checkboxes", Label: e.ph.Say("builder.field.neighbourhoods"), Hint: e.ph.Say("builder.filter.hint")}
	in := p.GetParticipants()
	if len(in) == 0 {
		in = []string{p.GetTenant()}
	}
	for _, m := range in {
		g := kit.ChoiceGroup{Label: e.names(m)}
		for _, n := range e.hoodsOf(m) {
			g.Options = append(g.Options, kit.Choice{Value: n.GetCode(), Label: n.GetName(), Selected: slices.Contains(chosenHoods, n.GetCode())})
		}
		if len(g.Options) == 0 {
			continue
		}
		if len(in) == 1 {
			hoods.Options = g.Options
		} else {
			hoods.Groups = append(hoods.Groups, g)
		}
	}
	ages := bField{ID: bfAgeBands, Kind: "checkboxes", Label: e.ph.Say("builder.field.ageBands"), Hint: e.ph.Say("builder.ageBands.hint")}
	for _, b := range kit.AgeBands {
		ages.Options = append(ages.Options, kit.Choice{Value: b, Label: e.ph.Say(kit.AgeBandKey(b)), Selected: slices.Contains(chosenBands, b)})
	}
	if len(hoods.Options) > 0 || len(hoods.Groups) > 0 {
		e.register("/audience/neighbourhoods", bfNeighbourhoods, bfNeighbourhoods+"-"+firstChoice(hoods), hoods.Label)
		fs = append(fs, hoods)
	}
	e.register("/audience/ageBands", bfAgeBands, bfAgeBands+"-"+kit.AgeBands[0], ages.Label)
	return append(fs, ages)
}

// firstChoice is the value of f's first box, where the error summary
// points.
func firstChoice(f bField) string {
	if len(f.Options) > 0 {
		return f.Options[0].Value
	}
	return f.Groups[0].Options[0].Value
}

// schedule is the opening and closing time and what residents hear about
// the results.
func (e *editorView) schedule(s *Pages, p *surveysv1.Poll) []bField {
	opens := e.moment(s, "/opensAt", bfOpensAt, e.ph.Say("builder.field.opensAt"), p.GetOpensAt())
	closes := e.moment(s, "/closesAt", bfClosesAt, e.ph.Say("builder.field.closesAt"), p.GetClosesAt())
	opens.Hint = e.ph.Say("builder.moment.hint")
	closes.Hint = e.ph.Say("builder.closesAt.hint")
	fs := []bField{opens, closes}
	fs = append(fs, e.textPair("textarea", "/resultsSharing", "resultaten", "builder.field.resultsSharing", p.GetResultsSharing())...)
	fs[2].Hint = e.ph.Say("builder.resultsSharing.hint")
	return fs
}

// moment makes the day and time fields of a moment, in a group.
func (e *editorView) moment(s *Pages, path, name, label string, ts *timestamppb.Timestamp) bField {
	day, clock := s.momentValues(ts)
	e.register(path, name, name+momentDay, label)
	return bField{
		ID: name, Kind: "moment", Label: label,
		Value: e.raw(name+momentDay, day), Value2: e.raw(name+momentTime, clock),
		DayLabel: e.ph.Say("builder.moment.day"), TimeLabel: e.ph.Say("builder.moment.time"),
	}
}
