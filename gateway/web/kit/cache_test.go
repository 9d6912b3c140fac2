package kit

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/testkit"
)

// Without fixed names the site reads them from the councils service,
// anonymously, and reads them again later: a municipality added there
// appears without a restart, and a failing service leaves the pages
// working with the names they had.
func TestMunicipalityNamesComeFromTheCouncilsService(t *testing.T) {
	t.Parallel()
	councils := newFakeCouncils()
	councils.FailWith("ListMunicipalities", status.Error(codes.Unavailable, "down"))
	site, err := New(Config{Panels: newFakePanels().serve(t), Surveys: newFakeSurveys().serve(t), Councils: councils.serve(t)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	site.dir.fresh, site.dir.retry = time.Hour, 50*time.Millisecond

	// Down at first: the page still works, with no municipality to choose.
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d while the councils service is down, want 200", resp.StatusCode)
	}
	webtest.MustNotContain(t, body, `<option value="GM0453">`)

	councils.FailWith("ListMunicipalities", nil)
	testkit.CheckFor(t, 5*time.Second, 20*time.Millisecond, func() error {
		_, body := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden"})
		for _, want := range []string{`<option value="GM0375">Beverwijk</option>`, `<option value="GM0396">Heemskerk</option>`, `<option value="GM0453">Velsen</option>`} {
			if !strings.Contains(body, want) {
				return fmt.Errorf("the sign-up page lacks %s", want)
			}
		}
		return nil
	})
	if resp, _ := webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden/GM0396"}); resp.StatusCode != http.StatusOK {
		t.Errorf("Heemskerk's sign-up: status = %d, want 200", resp.StatusCode)
	}
	councils.mu.Lock()
	subjects := slices.Clone(councils.subjects)
	councils.mu.Unlock()
	if len(subjects) != 0 {
		t.Errorf("the names were read as %v, want anonymously", subjects)
	}

	// A failed later read keeps the names the pages have.
	site.dir.mu.Lock()
	site.dir.readAt = time.Time{}
	site.dir.mu.Unlock()
	councils.FailWith("ListRegions", status.Error(codes.Unavailable, "down"))
	_, body = webtest.Send(t, site, webtest.Request{Target: "/panel/aanmelden"})
	webtest.MustContain(t, body, `<option value="GM0453">Velsen</option>`)
}
