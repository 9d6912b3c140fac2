package identity

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// roundTripFunc is a transport standing in for the provider.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestJWKSThrottleAsksTheProviderOncePerInterval(t *testing.T) {
	t.Parallel()
	var asked int
	provider := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		asked++
		if asked == 2 {
			return nil, errors.New("provider down")
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"keys":[]}`))}, nil
	})
	clock := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	th := newJWKSThrottle(provider)
	th.now = func() time.Time { return clock }

	type outcome struct {
		Asked  int
		Status int
		Body   string
		Err    string
	}
	fetch := func() outcome {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://idp.test/jwks", nil)
		resp, err := th.RoundTrip(req)
		if err != nil {
			return outcome{Asked: asked, Err: err.Error()}
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return outcome{Asked: asked, Status: resp.StatusCode, Body: string(b)}
	}
	keys := `{"keys":[]}`
	steps := []struct {
		name    string
		advance time.Duration
		want    outcome
	}{
		{name: "first request goes to the provider", want: outcome{Asked: 1, Status: 200, Body: keys}},
		{name: "at once again: the same answer", want: outcome{Asked: 1, Status: 200, Body: keys}},
		{name: "just inside the interval", advance: minKeyRefresh - time.Nanosecond, want: outcome{Asked: 1, Status: 200, Body: keys}},
		{name: "after the interval: asked again, and it fails", advance: time.Nanosecond, want: outcome{Asked: 2, Err: "provider down"}},
		{name: "the failure is kept for the interval too", advance: time.Second, want: outcome{Asked: 2, Err: "provider down"}},
		{name: "then asked again", advance: minKeyRefresh, want: outcome{Asked: 3, Status: 200, Body: keys}},
	}
	for _, s := range steps {
		clock = clock.Add(s.advance)
		if diff := cmp.Diff(s.want, fetch()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}
