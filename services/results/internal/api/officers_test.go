package api

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/errs"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// TestOfficerChangesOfAnothersResponse: of the IJmond's shared advice to
// Beverwijk and Heemskerk, Beverwijk's policy officer sees Heemskerk's
// response (the process is Beverwijk's too) but is refused every change
// of it as forbidden; Velsen's officer, outside the process, is answered
// as if the advice did not exist, for Heemskerk's response and for one of
// Velsen's own that was never addressed. Nothing changes; Heemskerk's
// officer then makes the same changes.
func TestOfficerChangesOfAnothersResponse(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, sharedProcessID, coordinator)
	heemskerk := as("heemskerk", "policy_officer@GM0396")
	changes := map[string]func(ctx context.Context, municipality string) error{
		"acknowledge": func(ctx context.Context, m string) error {
			_, err := f.srv.Advice.AcknowledgeResponse(ctx, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: m})
			return err
		},
		"assign": func(ctx context.Context, m string) error {
			_, err := f.srv.Advice.AssignResponse(ctx, &pb.AssignResponseRequest{Id: a.GetId(), MunicipalityCode: m,
				OwnerName: "Sanne Bakker", OwnerEmail: "sanne.bakker@heemskerk.example"})
			return err
		},
		"respond": func(ctx context.Context, m string) error {
			_, err := f.srv.Advice.RecordResponse(ctx, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: m, DecidedOn: "2027-03-10",
				Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED}, {Recommendation: 2, Verdict: pb.Verdict_VERDICT_ADOPTED}}})
			return err
		},
	}
	before, err := f.srv.Advice.GetResponse(beverwijk, &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	if err != nil {
		t.Fatalf("Beverwijk's officer reading Heemskerk's response: %v", err)
	}
	for name, change := range changes {
		wantCode(t, "Beverwijk's officer: "+name+" Heemskerk's", change(beverwijk, "GM0396"), errs.PermissionDenied)
		wantCode(t, "Velsen's officer: "+name+" Heemskerk's", change(velsenAmbtenaar, "GM0396"), errs.NotFound)
		wantCode(t, "Velsen's officer: "+name+" Velsen's, never addressed", change(velsenAmbtenaar, "GM0453"), errs.NotFound)
	}
	_, err = f.srv.Advice.GetResponse(velsenAmbtenaar, &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	wantCode(t, "Velsen's officer reading Heemskerk's response", err, errs.NotFound)
	after, err := f.srv.Advice.GetResponse(heemskerk, &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(before, after) {
		t.Errorf("Heemskerk's response changed by refused calls:\nbefore %v\nafter  %v", before, after)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.advice.acknowledged' OR subject LIKE '%.response.recorded'`); n != 0 {
		t.Errorf("%d events of refused changes in the outbox", n)
	}
	for _, name := range []string{"acknowledge", "assign", "respond"} {
		if err := changes[name](heemskerk, "GM0396"); err != nil {
			t.Errorf("Heemskerk's officer: %s its own: %v", name, err)
		}
	}
}
