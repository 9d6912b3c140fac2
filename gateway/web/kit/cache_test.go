package kit

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// names is a councils service that knows the IJmond's names, and fails
// the methods a test says.
type names struct {
	councilsv1.UnimplementedCouncilsServiceServer

	mu   sync.Mutex
	fail map[string]error
	// identified counts the calls that carried an identity.
	identified int
}

func (n *names) failWith(method string, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.fail[method] = err
}

func (n *names) call(ctx context.Context, method string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if md, ok := metadata.FromIncomingContext(ctx); ok && len(md.Get("x-subject")) > 0 {
		n.identified++
	}
	return n.fail[method]
}

func (n *names) ListRegions(ctx context.Context, _ *councilsv1.ListRegionsRequest) (*councilsv1.ListRegionsResponse, error) {
	if err := n.call(ctx, "ListRegions"); err != nil {
		return nil, err
	}
	return &councilsv1.ListRegionsResponse{Regions: []*councilsv1.Region{{Id: "ijmond", Name: "IJmond"}}}, nil
}

func (n *names) ListMunicipalities(ctx context.Context, _ *councilsv1.ListMunicipalitiesRequest) (*councilsv1.ListMunicipalitiesResponse, error) {
	if err := n.call(ctx, "ListMunicipalities"); err != nil {
		return nil, err
	}
	return &councilsv1.ListMunicipalitiesResponse{Municipalities: []*councilsv1.Municipality{
		{Code: "GM0375", Name: "Beverwijk", RegionId: "ijmond"},
		{Code: "GM0396", Name: "Heemskerk", RegionId: "ijmond"},
		{Code: "GM0453", Name: "Velsen", RegionId: "ijmond"},
	}}, nil
}

// serveNames runs n on a loopback server for the test's duration; the
// client passes the subject of its context's identity on, as the gateway's
// connection passes the person on to the services.
func serveNames(t *testing.T, n *names) councilsv1.CouncilsServiceClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	councilsv1.RegisterCouncilsServiceServer(srv, n)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	withSubject := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		if id, ok := auth.FromContext(ctx); ok {
			ctx = metadata.AppendToOutgoingContext(ctx, "x-subject", id.Subject)
		}
		return invoker(ctx, method, req, reply, cc, opts...)
	}
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()), grpc.WithUnaryInterceptor(withSubject))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return councilsv1.NewCouncilsServiceClient(conn)
}

// Without fixed names the site reads them from the councils service, in
// the background and anonymously, and reads them again later: a
// municipality added there appears without a restart, and a failing
// service leaves the pages working with the names they had. (The panel
// sign-up page offers every municipality the names hold.)
func TestTenantNamesComeFromTheCouncilsService(t *testing.T) {
	t.Parallel()
	councils := &names{fail: map[string]error{}}
	councils.failWith("ListMunicipalities", status.Error(codes.Unavailable, "down"))
	site, err := New(Config{Councils: serveNames(t, councils)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	site.dir.fresh, site.dir.retry = time.Hour, 50*time.Millisecond
	// The pages ask with the person's request context.
	ctx := auth.WithIdentity(context.Background(), auth.Identity{Subject: "u-chair"})

	// Down at first: the pages still work, with codes for names.
	if got := site.TenantNames(ctx)["GM0453"]; got != "" {
		t.Errorf("while the councils service is down, GM0453 is named %q, want no name", got)
	}

	councils.failWith("ListMunicipalities", nil)
	testkit.CheckFor(t, 5*time.Second, 20*time.Millisecond, func() error {
		for code, want := range map[string]string{"GM0375": "Beverwijk", "GM0396": "Heemskerk", "GM0453": "Velsen", "ijmond": "IJmond"} {
			if got := site.TenantNames(ctx)[code]; got != want {
				return status.Errorf(codes.NotFound, "%s is named %q, want %q", code, got, want)
			}
		}
		return nil
	})
	councils.mu.Lock()
	identified := councils.identified
	councils.mu.Unlock()
	if identified != 0 {
		t.Errorf("%d reads of the names carried an identity, want none", identified)
	}

	// A failed later read keeps the names the pages have.
	site.dir.mu.Lock()
	site.dir.readAt = time.Time{}
	site.dir.mu.Unlock()
	councils.failWith("ListRegions", status.Error(codes.Unavailable, "down"))
	if got := site.TenantNames(ctx)["GM0453"]; got != "Velsen" {
		t.Errorf("after a failed read GM0453 is named %q, want Velsen", got)
	}
}
