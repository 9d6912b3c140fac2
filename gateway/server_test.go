package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/meedoen/meedoen/internal/testkit"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/textcheck/textchecktest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// testServer is a gateway in front of a fake councils service.
type testServer struct {
	*httptest.Server
	gateway *Gateway
	fake    *fakeCouncils
	// calls counts the gRPC calls that reached the councils service.
	calls *atomic.Int64
	// badText counts the calls that reached it holding text the system
	// cannot hold; the gateway must refuse those itself.
	badText *atomic.Int64
	// logs holds what the gateway logged, as text.
	logs *testkit.Buffer
}

// newTestServer starts a gateway in front of a fake councils service that
// knows two regions and three municipalities, both on loopback listeners
// that close when the test ends.
func newTestServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	fake := newFakeCouncils()
	for _, r := range []*councilsv1.Region{
		{Id: "ijmond", Name: "IJmond"},
		{Id: "zuid-kennemerland", Name: "Zuid-Kennemerland"},
	} {
		r.CreateTime = timestamppb.New(fixedTime)
		fake.regions[r.Id] = r
	}
	for _, m := range []*councilsv1.Municipality{
		{Code: "GM0453", Name: "Velsen", RegionId: "ijmond"},
		{Code: "GM0375", Name: "Beverwijk", RegionId: "ijmond"},
		{Code: "GM0392", Name: "Haarlem", RegionId: "zuid-kennemerland"},
	} {
		m.CreateTime = timestamppb.New(fixedTime)
		fake.municipalities[m.Code] = m
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	calls, badText := new(atomic.Int64), new(atomic.Int64)
	count := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		calls.Add(1)
		if !textchecktest.OnlyText(req) {
			badText.Add(1)
		}
		return handler(ctx, req)
	}
	grpcServer := grpc.NewServer(grpc.UnaryInterceptor(count))
	councilsv1.RegisterCouncilsServiceServer(grpcServer, fake)
	served := make(chan error, 1)
	go func() { served <- grpcServer.Serve(lis) }()
	t.Cleanup(func() {
		grpcServer.Stop()
		if err := <-served; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
			t.Errorf("grpc server: %v", err)
		}
	})

	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })

	logs := new(testkit.Buffer)
	g, err := New(t.Context(), cfg, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(g.Handler())
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, gateway: g, fake: fake, calls: calls, badText: badText, logs: logs}
}

// chunked hides a body's length so that the client streams it.
type chunked struct{ io.Reader }

// readAll reads and closes the body of resp.
func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	return body
}

// assertJSONSubset checks that the JSON object got has every member of
// want, with equal values.
func assertJSONSubset(t *testing.T, want string, got []byte) {
	t.Helper()
	var w, g map[string]any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not a JSON object: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, got)
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			delete(g, k)
		}
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("body mismatch (-want +got):\n%s", diff)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	conn, err := grpc.NewClient("127.0.0.1:1", grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	tests := []struct {
		name  string
		cfg   Config
		conns Conns
	}{
		{"negative body limit", Config{MaxBodyBytes: -1}, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}},
		{"version not semver", Config{APIVersion: "v1"}, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}},
		{"missing connections", Config{}, Conns{}},
		{"missing surveys connection", Config{}, Conns{Councils: conn}},
		{"missing focus groups connection", Config{}, Conns{Councils: conn, Surveys: conn}},
		{"negative burst", Config{RateLimit: RateLimit{Burst: -1}}, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}},
		{"invalid trusted proxy", Config{TrustedProxies: []netip.Prefix{{}}}, Conns{Councils: conn, Surveys: conn, FocusGroups: conn, Results: conn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(t.Context(), tt.cfg, tt.conns, nil); err == nil {
				t.Error("New succeeded, want an error")
			}
		})
	}
}
