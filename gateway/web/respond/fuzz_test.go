package respond

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/textcheck/textchecktest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// FuzzResidentForm posts a form body to the resident's poll pages, the
// open link and the invitation link, with the fake surveys service behind
// the in-process channel as -target=all has it. Whatever the body, the
// page answers below 500 and logs no error; no call reaches the service
// holding text the system cannot hold; and a form sent back for its text
// stored nothing. testdata/fuzz/FuzzResidentForm holds the probe's
// answers among its seeds.
func FuzzResidentForm(f *testing.F) {
	for _, seed := range []string{
		"v.fq1=ja&v.fq3=Bij+de+bushalte",
		"v.fq1=ja&v.fq3=Bij+de%00+bushalte",
		"v.fq3=%FF%FE",
		"v.q1=other&v.q1.other.text=Met+de%C3+taxi&v.q9=Regel%00",
	} {
		f.Add(uint8(0), []byte(seed))
	}
	fake := newFakeSurveys()
	var reached, badText atomic.Int64
	record := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		reached.Add(1)
		if !textchecktest.OnlyText(req) {
			badText.Add(1)
		}
		return handler(ctx, req)
	}
	ch := rpc.NewChannel(nil, nil, record, nil)
	surveysv1.RegisterSurveysServiceServer(ch, fake)
	var logs webtest.ErrorLog
	site := newSiteWith(f, Config{Surveys: surveysv1.NewSurveysServiceClient(ch)}, kit.Config{}, logs.Logger())
	h := site.Handler()
	textMessage := site.kit.Catalogue("nl").Say("poll.error.text")
	f.Fuzz(func(t *testing.T, link uint8, body []byte) {
		target := "/p/" + flashSlug
		if link%2 == 1 {
			target = "/i/" + questionnaireToken
		}
		r := httptest.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		submits := fake.CallsOf("SubmitResponse")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)

		if w.Code >= 500 {
			t.Fatalf("POST %s %q: status %d", target, body, w.Code)
		}
		if n := badText.Load(); n != 0 {
			t.Fatalf("POST %s %q: %d calls reached the service holding bad text", target, body, n)
		}
		if logs.Len() != 0 {
			t.Fatalf("POST %s %q: logged at error level:\n%s", target, body, logs.String())
		}
		if strings.Contains(w.Body.String(), textMessage) && fake.CallsOf("SubmitResponse") != submits {
			t.Fatalf("POST %s %q: the form came back for its text, yet the answers reached the service", target, body)
		}
	})
}
