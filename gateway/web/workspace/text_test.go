package workspace

import (
	"net/http"
	"net/url"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// TestStaffFormsShowBadTextNextToTheField raises a question whose title
// holds a NUL: the form comes back with the problem next to the title, and
// the service was not called.
func TestStaffFormsShowBadTextNextToTheField(t *testing.T) {
	t.Parallel()
	for _, how := range webtest.Connections {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			fake := newFakeCouncils()
			conn := webtest.Connect(t, how, func(s grpc.ServiceRegistrar) { councilsv1.RegisterCouncilsServiceServer(s, fake) }, webtest.WithSubject)
			var logs webtest.ErrorLog
			site := newSiteWith(t, Config{Councils: councilsv1.NewCouncilsServiceClient(conn)}, kit.Config{}, logs.Logger())
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/agenda/nieuw", As: &webtest.VelsenOfficer, Form: url.Values{
				"titel": {"Vervoer\x00"}, "omschrijving": {"Hoe komen ouderen er\xff?"}, "thema": {"mantelzorg"},
				"herkomst": {"gevraagd"}, "advies-nodig-voor": {"2026-10-01"}, "reikwijdte": {"lokaal"}, "gemeenten": {"GM0453"},
			}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", resp.StatusCode)
			}
			const msg = "Deze tekst bevat een teken dat niet kan worden opgeslagen (een nulteken of bytes die geen UTF-8 zijn). Typ de tekst opnieuw, of plak hem als platte tekst."
			webtest.MustContain(t, body,
				"Titel: "+msg,
				`<div class="utrecht-form-field__error-message" id="titel-fout">`,
				`id="omschrijving-fout"`,
			)
			if got := fake.Request("RaiseQuestion"); got != nil {
				t.Errorf("RaiseQuestion reached the service: %v", got)
			}
			if logs.Len() != 0 {
				t.Errorf("logged at error level:\n%s", logs.String())
			}
		})
	}
}

// TestPagesRefuseBadTextInTheirAddress passes bad text in what pages hand
// on to the service from their address (a filter, a cursor): the page says
// the request could not be read (400), never an internal error.
func TestPagesRefuseBadTextInTheirAddress(t *testing.T) {
	t.Parallel()
	targets := map[string]int{
		"/agenda?na=a%00b":   http.StatusBadRequest, // the cursor goes to the service
		"/agenda?thema=%FF":  http.StatusOK,         // no theme of the list: the page ignores it
		"/agenda?thema=a%00": http.StatusOK,
	}
	for _, how := range webtest.Connections {
		for target, wantStatus := range targets {
			t.Run(how+"/"+target, func(t *testing.T) {
				t.Parallel()
				fake := newFakeCouncils()
				conn := webtest.Connect(t, how, func(s grpc.ServiceRegistrar) { councilsv1.RegisterCouncilsServiceServer(s, fake) }, webtest.WithSubject)
				var logs webtest.ErrorLog
				site := newSiteWith(t, Config{Councils: councilsv1.NewCouncilsServiceClient(conn)}, kit.Config{}, logs.Logger())
				resp, body := webtest.Send(t, site, webtest.Request{Target: target, As: &webtest.VelsenOfficer})
				if resp.StatusCode != wantStatus {
					t.Fatalf("status = %d, want %d", resp.StatusCode, wantStatus)
				}
				if wantStatus == http.StatusBadRequest {
					webtest.MustContain(t, body, "Het formulier kon niet worden gelezen")
				}
				if logs.Len() != 0 {
					t.Errorf("logged at error level:\n%s", logs.String())
				}
			})
		}
	}
}
