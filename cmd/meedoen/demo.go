package main

import (
	"context"
	"fmt"
	"log/slog"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// demoRegion is the IJmond: three municipalities that share much of their
// social-domain work. It is demo data, not a limit.
var demoRegion = struct {
	id, name       string
	municipalities [][2]string
}{
	id:   "ijmond",
	name: "IJmond",
	municipalities: [][2]string{
		{"GM0453", "Velsen"},
		{"GM0375", "Beverwijk"},
		{"GM0396", "Heemskerk"},
	},
}

// loadDemoData creates the demo region through the councils service's API,
// like any client would. It is idempotent: what exists is left alone.
func loadDemoData(ctx context.Context, councilsAddr string, signer *auth.Signer, tel *telemetry.Telemetry, log *slog.Logger) error {
	conn, err := rpc.Dial(councilsAddr, tel, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
	if err != nil {
		return err
	}
	// The loader acts as a platform administrator, through the same checks
	// as anyone else.
	ctx = auth.WithIdentity(ctx, auth.Identity{Subject: "system:demo-loader", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}})
	defer conn.Close()
	client := councilsv1.NewCouncilsServiceClient(conn)
	created := 0
	_, err = client.CreateRegion(ctx, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: demoRegion.id, Name: demoRegion.name}})
	switch status.Code(err) {
	case codes.OK:
		created++
	case codes.AlreadyExists:
	default:
		return fmt.Errorf("creating region %s: %w", demoRegion.id, err)
	}
	for _, m := range demoRegion.municipalities {
		_, err := client.CreateMunicipality(ctx, &councilsv1.CreateMunicipalityRequest{
			Municipality: &councilsv1.Municipality{Code: m[0], Name: m[1], RegionId: demoRegion.id},
		})
		switch status.Code(err) {
		case codes.OK:
			created++
		case codes.AlreadyExists:
		default:
			return fmt.Errorf("creating municipality %s: %w", m[0], err)
		}
	}
	log.Info("demo data ready", "region", demoRegion.id, "created", created)
	return nil
}

// demoTenantNames names the demo tenants for the web pages until the pages
// read names from the councils service.
func demoTenantNames() map[string]string {
	names := map[string]string{demoRegion.id: demoRegion.name}
	for _, m := range demoRegion.municipalities {
		names[m[0]] = m[1]
	}
	return names
}
