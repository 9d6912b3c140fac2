package auth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

func mustSigner(t *testing.T) *auth.Signer {
	t.Helper()
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	s, err := auth.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInternalTokens(t *testing.T) {
	t.Parallel()
	signer, other := mustSigner(t), mustSigner(t)
	id := auth.Identity{Subject: "dev-velsen-council-member", Name: "Anouk", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	good, err := signer.Sign(id, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := signer.Sign(id, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Sign(id, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	v := auth.NewVerifier(signer.Public())
	got, err := v.Verify(good)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(id, got); diff != "" {
		t.Errorf("identity (-want +got):\n%s", diff)
	}
	for name, tok := range map[string]string{
		"expired":           expired,
		"signed by another": foreign,
		"tampered":          good[:len(good)-4] + "AAAA",
		"garbage":           "not.a.token",
		"empty":             "",
	} {
		if _, err := v.Verify(tok); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("%s token: err = %v, want ErrInvalidToken", name, err)
		}
	}
	// During a key rotation both keys verify.
	if _, err := auth.NewVerifier(other.Public(), signer.Public()).Verify(good); err != nil {
		t.Errorf("rotation: %v", err)
	}
}

func TestHas(t *testing.T) {
	t.Parallel()
	id := auth.Identity{Subject: "x", Grants: []auth.Grant{
		{Tenant: "GM0453", Role: auth.CouncilMember},
		{Tenant: "ijmond", Role: auth.RegionalCoordinator},
		{Tenant: "GM0375", Role: auth.Admin},
	}}
	tests := []struct {
		tenant string
		roles  []auth.Role
		want   bool
	}{
		{"GM0453", []auth.Role{auth.CouncilMember}, true},
		{"GM0453", []auth.Role{auth.Chair}, false},
		{"GM0396", []auth.Role{auth.CouncilMember}, false},
		{"ijmond", []auth.Role{auth.RegionalCoordinator, auth.Chair}, true},
		{"GM0375", []auth.Role{auth.Secretary}, true}, // admin there counts for every role
		{"*", []auth.Role{auth.Admin}, false},
	}
	for _, tc := range tests {
		if got := id.Has(tc.tenant, tc.roles...); got != tc.want {
			t.Errorf("Has(%s, %v) = %v, want %v", tc.tenant, tc.roles, got, tc.want)
		}
	}
	if diff := cmp.Diff([]string{"GM0375", "GM0453", "ijmond"}, id.Tenants()); diff != "" {
		t.Errorf("Tenants (-want +got):\n%s", diff)
	}
	platform := auth.Identity{Subject: "root", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}}
	if !platform.Has("GM0396", auth.Chair) {
		t.Error("a platform admin should count as every role in every tenant")
	}
}

func TestParseGrant(t *testing.T) {
	t.Parallel()
	if g, err := auth.ParseGrant("council_member@GM0453"); err != nil || g != (auth.Grant{Tenant: "GM0453", Role: auth.CouncilMember}) {
		t.Errorf("ParseGrant = %v, %v", g, err)
	}
	for _, bad := range []string{"", "council_member", "@GM0453", "king@GM0453", "council_member@"} {
		if _, err := auth.ParseGrant(bad); err == nil {
			t.Errorf("ParseGrant(%q) accepted", bad)
		}
	}
}

// echoCouncils answers GetRegion with the caller's subject as the name.
type echoCouncils struct {
	councilsv1.UnimplementedCouncilsServiceServer
}

func (echoCouncils) GetRegion(ctx context.Context, _ *councilsv1.GetRegionRequest) (*councilsv1.Region, error) {
	id, _ := auth.FromContext(ctx)
	return &councilsv1.Region{Id: "ijmond", Name: id.Subject}, nil
}

func (echoCouncils) CreateRegion(ctx context.Context, r *councilsv1.CreateRegionRequest) (*councilsv1.Region, error) {
	return r.GetRegion(), nil
}

func TestGuardOverGRPC(t *testing.T) {
	t.Parallel()
	signer := mustSigner(t)
	policy := auth.NewPolicy(
		auth.Rule{Method: councilsv1.CouncilsService_GetRegion_FullMethodName, Access: auth.Read, Roles: auth.StaffAndAdmin},
		auth.Rule{Method: councilsv1.CouncilsService_CreateRegion_FullMethodName, Access: auth.Change, Roles: []auth.Role{auth.Admin}, Platform: true},
	)
	guard := auth.NewGuard(auth.NewVerifier(signer.Public()), policy, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := grpc.NewServer(grpc.ChainUnaryInterceptor(guard.UnaryInterceptor()))
	councilsv1.RegisterCouncilsServiceServer(srv, echoCouncils{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	client := councilsv1.NewCouncilsServiceClient(conn)

	member := auth.Identity{Subject: "member", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}
	localAdmin := auth.Identity{Subject: "local-admin", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.Admin}}}
	platformAdmin := auth.Identity{Subject: "root", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}}
	ctxAs := func(id *auth.Identity) context.Context {
		if id == nil {
			return context.Background()
		}
		return auth.WithIdentity(context.Background(), *id)
	}
	tests := []struct {
		name   string
		as     *auth.Identity
		create bool
		want   codes.Code
	}{
		{name: "anonymous read", as: nil, want: codes.Unauthenticated},
		{name: "member reads", as: &member, want: codes.OK},
		{name: "member creates a region", as: &member, create: true, want: codes.PermissionDenied},
		{name: "municipal admin creates a region", as: &localAdmin, create: true, want: codes.PermissionDenied},
		{name: "platform admin creates a region", as: &platformAdmin, create: true, want: codes.OK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.create {
				_, err = client.CreateRegion(ctxAs(tc.as), &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "x"}})
			} else {
				var r *councilsv1.Region
				r, err = client.GetRegion(ctxAs(tc.as), &councilsv1.GetRegionRequest{Id: "ijmond"})
				if err == nil && r.GetName() != tc.as.Subject {
					t.Errorf("the service saw subject %q, want %q", r.GetName(), tc.as.Subject)
				}
			}
			if got := status.Code(err); got != tc.want {
				t.Errorf("code = %v, want %v (%v)", got, tc.want, err)
			}
		})
	}
	// A forged token (signed by another key) is refused.
	forger := mustSigner(t)
	fconn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(forger)))
	if err != nil {
		t.Fatal(err)
	}
	defer fconn.Close()
	_, err = councilsv1.NewCouncilsServiceClient(fconn).CreateRegion(ctxAs(&platformAdmin), &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "x"}})
	if status.Code(err) != codes.Unauthenticated {
		t.Errorf("forged token: %v, want Unauthenticated", err)
	}
}
