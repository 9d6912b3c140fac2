package pg_test

import (
	"os"
	"testing"

	"github.com/meedoen/meedoen/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }
