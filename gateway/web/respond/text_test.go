package respond

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// TestResidentsBadTextIsShownNextToTheAnswer posts the probe's answers, a
// free-text answer with a NUL or with bytes that are not UTF-8, on the
// open link and the invitation link: the form comes back with the problem
// next to the answer, in the page's language, and nothing is stored.
func TestResidentsBadTextIsShownNextToTheAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		lang   string
		form   url.Values
		want   [][2]string
	}{
		{
			name: "a NUL on the open link", target: "/p/" + flashSlug,
			form: url.Values{"v.fq1": {"ja"}, "v.fq3": {"Bij de\x00 bushalte"}},
			want: [][2]string{{"#v.fq3", "Vraag 3: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."}},
		},
		{
			name: "invalid UTF-8 on the open link", target: "/p/" + flashSlug,
			form: url.Values{"v.fq1": {"ja"}, "v.fq3": {"Bij de bushalte\xff"}},
			want: [][2]string{{"#v.fq3", "Vraag 3: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."}},
		},
		{
			name: "in English", target: "/p/" + flashSlug, lang: "en",
			form: url.Values{"v.fq1": {"ja"}, "v.fq3": {"\x00"}},
			want: [][2]string{{"#v.fq3", "Question 3: Your text contains a character we cannot store. Type your answer again, or paste it as plain text."}},
		},
		{
			name: "several answers on the invitation link", target: "/i/" + questionnaireToken,
			form: url.Values{"v.q1": {"other"}, "v.q1.other.text": {"Met de\xc3 taxi"}, "v.q5": {"7"}, "v.q7.chauffeur": {"goed"}, "v.q7.bus": {"goed"},
				"v.q8": {"Een bankje"}, "v.q9": {"Regel 1\x00\r\nRegel 2"}},
			want: [][2]string{
				{"#v.q1.other.text", "Vraag 1, ‘Anders, namelijk’: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."},
				{"#v.q9", "Vraag 9: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."},
			},
		},
	}
	for _, how := range webtest.Connections {
		for _, tt := range tests {
			t.Run(how+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				fake := newFakeSurveys()
				conn := webtest.Connect(t, how, func(s grpc.ServiceRegistrar) { surveysv1.RegisterSurveysServiceServer(s, fake) }, nil)
				var logs webtest.ErrorLog
				site := newSiteWith(t, Config{Surveys: surveysv1.NewSurveysServiceClient(conn)}, kit.Config{}, logs.Logger())
				resp, body := webtest.Send(t, site, webtest.Request{Target: tt.target, Lang: tt.lang, Form: tt.form})
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422", resp.StatusCode)
				}
				if diff := cmp.Diff(tt.want, webtest.SummaryOf(t, body)); diff != "" {
					t.Errorf("error summary (-want +got):\n%s", diff)
				}
				if id := tt.want[0][0][1:]; !strings.Contains(body, `id="`+id+`-fout"`) {
					t.Errorf("no error next to %s", id)
				}
				if n := fake.CallsOf("SubmitResponse"); n != 0 {
					t.Errorf("SubmitResponse reached the service %d times, want 0", n)
				}
				if n := len(fake.responses()); n != 0 {
					t.Errorf("%d responses stored, want none", n)
				}
				if logs.Len() != 0 {
					t.Errorf("logged at error level:\n%s", logs.String())
				}
			})
		}
	}
}
