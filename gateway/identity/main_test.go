package identity_test

import (
	"os"
	"testing"

	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// newStore is a session store on a database of the test's own.
func newStore(t *testing.T) *store.Store {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: store.Schema, Sets: store.Migrations()})
	return store.New(testkit.NewPool(t, url, store.Schema))
}
