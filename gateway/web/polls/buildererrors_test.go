package polls

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestBuilderShowsTheServicesObjectionsAndSavesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail error
		op   string
		set  url.Values
		want []string
	}{
		{
			name: "too few options",
			fail: webtest.Invalid("/sections/0/questions/0/options", "must have 2 to 30 entries (has 1)"),
			op:   opSave,
			set:  url.Values{"vraag.q1.opties": {"Alleen het strand"}},
			want: []string{
				`<a class="utrecht-link utrecht-link--html-a" href="#vraag.q1.opties">Vraag 1: Keuzes: Geef 2 tot 30 regels; nu zijn het er 1.</a>`,
				`id="vraag.q1.opties-fout"`, `aria-describedby="vraag.q1.opties-hint vraag.q1.opties-fout" aria-invalid="true">Alleen het strand</textarea>`,
			},
		},
		{
			name: "an English text without Dutch, in English",
			fail: webtest.Invalid("/sections/0/questions/0/text/nl", "is required when there is an English text: Dutch comes first", "/slug", "cannot change once the poll is open"),
			op:   opSave,
			set:  url.Values{"vraag.q1.tekst.nl": {""}, "slug": {"X"}},
			want: []string{
				`href="#vraag.q1.tekst.nl">Vraag 1: Vraag (Nederlands): Vul ook het Nederlands in: dat komt eerst.</a>`,
				// Any other reason of the service: the catalogue's Dutch.
				`href="#slug">Open link: Dit kan niet meer veranderen nu de peiling open is.</a>`,
			},
		},
		{
			name: "the service's words for a malformed link, in Dutch",
			fail: webtest.Invalid("/slug", "must be 3 to 60 lower-case letters, digits or single hyphens, starting and ending with a letter or digit"),
			op:   opSave,
			set:  url.Values{"slug": {"X"}},
			want: []string{`href="#slug">Open link: Gebruik 3 tot 60 kleine letters, cijfers of losse streepjes, beginnend en eindigend met een letter of cijfer.</a>`},
		},
		{
			name: "a sixth question in a flash poll",
			op:   "toevoegen.s1",
			set:  url.Values{"deel.s1.vragen": {"q1 q2 q3 q4 q5"}},
			want: []string{`href="#vragen">Vragen: Een flitspeiling heeft hoogstens 5 vragen; deze heeft er 6. Verwijder een vraag, of maak een vragenlijst.</a>`, `id="vragen-fout"`},
		},
		{
			name: "a local problem is found before the service is asked",
			op:   opSave,
			set:  url.Values{"opent.datum": {"morgen"}},
			want: []string{`href="#opent.datum">Opent op: Vul een datum en tijd in.</a>`, `value="morgen"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := builderSite(t)
			if tc.name == "a sixth question in a flash poll" {
				p := fake.staffNow(t, draftPollID)
				for _, id := range []string{"q2", "q3", "q4", "q5"} {
					p.Sections[0].Questions = append(p.Sections[0].Questions, &surveysv1.Question{Id: id, Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, Text: webtest.Text(id, "")})
				}
				fake.addDraft(p)
			}
			before := fake.staffNow(t, draftPollID)
			fake.FailWith("UpdatePoll", tc.fail)
			resp, body := press(t, site, draftPollID, tc.op, tc.set)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want 422", resp.StatusCode)
			}
			webtest.MustContain(t, body, append(tc.want, "<title>Fout: ", `class="utrecht-alert utrecht-alert--error mdn-error-summary" role="alert" id="fouten"`)...)
			if diff := cmp.Diff(before, fake.staffNow(t, draftPollID), protocmp.Transform()); diff != "" {
				t.Errorf("the poll changed (-before +after):\n%s", diff)
			}
		})
	}
	t.Run("only one field is marked", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.FailWith("UpdatePoll", webtest.Invalid("/sections/0/questions/0/options", "must have 2 to 30 entries (has 1)"))
		_, body := press(t, site, draftPollID, opSave, nil)
		if n := strings.Count(body, `aria-invalid="true"`); n != 1 {
			t.Errorf("%d fields are marked invalid, want 1", n)
		}
	})
}

// Two council members have one draft open; the first saves. The second's
// save is refused with their typing kept in the form; saving that again
// overwrites, knowingly.
func TestBuilderRefusesToSaveOverSomeoneElsesChanges(t *testing.T) {
	t.Parallel()
	fake, site := builderSite(t)
	editor := "/peilingen/" + draftPollID + "/bewerken"
	open := func() url.Values {
		resp, body := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", editor, resp.StatusCode)
		}
		return formOf(t, body, editor)
	}
	first, second := open(), open()
	if first.Get(bfVersion) == "" {
		t.Fatal("the editor's form carries no version")
	}
	first.Set(bfTitleNL, "Titel van de eerste")
	first.Set(bfAction, opSave)
	if resp, _ := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair, Form: first}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first save: status %d, want 303", resp.StatusCode)
	}

	second.Set(bfTitleNL, "Titel van de tweede")
	second.Set(bfAction, opSave)
	resp, body := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair, Form: second})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("the second save: status %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Iemand anders heeft deze peiling opgeslagen nadat je dit formulier opende; er is niets opgeslagen.",
		`value="Titel van de tweede"`)
	if got := fake.staffNow(t, draftPollID).GetTitle().GetNl(); got != "Titel van de eerste" {
		t.Errorf("after the refused save the title is %q, want the first's", got)
	}

	again := formOf(t, body, editor)
	again.Set(bfAction, opSave)
	if resp, _ := webtest.Send(t, site, webtest.Request{Target: editor, As: &webtest.VelsenChair, Form: again}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving again after the warning: status %d, want 303", resp.StatusCode)
	}
	if got := fake.staffNow(t, draftPollID).GetTitle().GetNl(); got != "Titel van de tweede" {
		t.Errorf("after saving again the title is %q, want the second's", got)
	}
}
