package panel_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

// The web pages (the sign-up, the poll builder's audience, the panel
// invitation) offer the age bands as boxes from their own copy of the
// list, so that they need not ask for six fixed values; the copy is this
// service's list, in its order, or the builder would offer a band the
// service refuses.
func TestThePagesOfferTheServicesAgeBands(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff(panel.AgeBands(), kit.AgeBands); diff != "" {
		t.Errorf("gateway/web/kit.AgeBands differs from the panel's bands (-service +pages):\n%s", diff)
	}
}
