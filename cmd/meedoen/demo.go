package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/surveys"
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

// initDemo loads the IJmond demo data with -dev, once everything runs:
// it goes through the councils service's API (and the surveys, focus
// groups and results services' APIs, when they run here too) as an
// administrator.
func (a *app) initDemo(context.Context) (component, error) {
	if !a.cfg.Dev {
		return component{}, nil
	}
	return component{ready: func(ctx context.Context) {
		if a.signer == nil {
			a.log.Warn("demo data not loaded: it is loaded through the API as an administrator, which needs MEEDOEN_INTERNAL_SIGNING_KEY in this process")
			return
		}
		surveysAddr, focusgroupsAddr, resultsAddr := "", "", ""
		if s := a.local[surveys.Name]; s != nil {
			surveysAddr = s.Addr()
		}
		if s := a.local[focusgroups.Name]; s != nil {
			focusgroupsAddr = s.Addr()
		}
		if s := a.local[results.Name]; s != nil {
			resultsAddr = s.Addr()
		}
		if err := loadDemoData(ctx, a.local[councils.Name].Addr(), surveysAddr, focusgroupsAddr, resultsAddr, a.signer, a.tel, a.log); err != nil {
			a.log.Error("loading demo data", "error", err)
		}
	}}, nil
}

// loadDemoData creates the demo region through the councils service's API,
// like any client would. It is idempotent: what exists is left alone.
func loadDemoData(ctx context.Context, councilsAddr, surveysAddr, focusgroupsAddr, resultsAddr string, signer *auth.Signer, tel *telemetry.Telemetry, log *slog.Logger) error {
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
	n, err := loadDemoCouncils(ctx, client)
	if err != nil {
		return err
	}
	created += n
	n, processes, err := loadDemoAgenda(ctx, client)
	if err != nil {
		return err
	}
	created += n
	if surveysAddr != "" {
		sconn, err := rpc.Dial(surveysAddr, tel, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
		if err != nil {
			return err
		}
		defer sconn.Close()
		n, err := loadDemoPolls(ctx, surveysv1.NewSurveysServiceClient(sconn), processes)
		created += n
		if err != nil {
			return err
		}
		if n > 0 { // a first start: the panels are new too
			n, err := loadDemoPanels(ctx, surveysv1.NewPanelsServiceClient(sconn))
			created += n
			if err != nil {
				return err
			}
		}
	}
	if focusgroupsAddr != "" {
		fconn, err := rpc.Dial(focusgroupsAddr, tel, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
		if err != nil {
			return err
		}
		defer fconn.Close()
		n, err := loadDemoFocusGroups(ctx, focusgroupsv1.NewFocusGroupsServiceClient(fconn), processes, time.Now())
		created += n
		if err != nil {
			return err
		}
	}
	if resultsAddr != "" {
		rconn, err := rpc.Dial(resultsAddr, tel, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
		if err != nil {
			return err
		}
		defer rconn.Close()
		n, err := loadDemoResults(ctx, client, resultsv1.NewAdviceServiceClient(rconn), time.Now())
		created += n
		if err != nil {
			return err
		}
	}
	log.Info("demo data ready", "region", demoRegion.id, "created", created)
	return nil
}

// demoCouncils are the three councils' ways of working: Velsen only takes
// the municipality's questions; Beverwijk and Heemskerk also raise their
// own. Members are fictional; each council has vacancies.
var demoCouncils = []struct {
	code, name  string
	unsolicited bool
	members     [][2]string // name, role
}{
	{"GM0453", "Participatieraad Velsen", false, [][2]string{
		{"Anouk de Vries", "MEMBER_ROLE_MEMBER"}, {"Pieter Bakker", "MEMBER_ROLE_CHAIR"}, {"Fatima El Amrani", "MEMBER_ROLE_SECRETARY"},
		{"Femke van Leeuwen", "MEMBER_ROLE_MEMBER"}, {"Gerrit Kok", "MEMBER_ROLE_MEMBER"}, {"Yasmina Bouali", "MEMBER_ROLE_MEMBER"},
	}},
	{"GM0375", "Participatieraad Beverwijk", true, [][2]string{
		{"Sanne Jansen", "MEMBER_ROLE_MEMBER"}, {"Mehmet Yilmaz", "MEMBER_ROLE_CHAIR"}, {"Eline Smit", "MEMBER_ROLE_SECRETARY"},
		{"Kees Schouten", "MEMBER_ROLE_MEMBER"}, {"Daphne Prins", "MEMBER_ROLE_MEMBER"},
	}},
	{"GM0396", "Participatieraad Heemskerk", true, [][2]string{
		{"Lotte Mulder", "MEMBER_ROLE_MEMBER"}, {"Hans Dekker", "MEMBER_ROLE_CHAIR"}, {"Noor Bos", "MEMBER_ROLE_SECRETARY"},
		{"Ahmed Ouali", "MEMBER_ROLE_MEMBER"}, {"Marijke Hendriks", "MEMBER_ROLE_MEMBER"}, {"Tom Verbeek", "MEMBER_ROLE_MEMBER"},
		{"Ria de Graaf", "MEMBER_ROLE_MEMBER"},
	}},
}

func loadDemoCouncils(ctx context.Context, client councilsv1.CouncilsServiceClient) (int, error) {
	created := 0
	for _, c := range demoCouncils {
		if _, err := client.UpdateCouncil(ctx, &councilsv1.UpdateCouncilRequest{MunicipalityCode: c.code, Council: &councilsv1.Council{
			Name: c.name, ContactEmail: "participatieraad@" + strings.ToLower(strings.TrimPrefix(c.name, "Participatieraad ")) + ".example",
			TakesUnsolicitedQuestions: c.unsolicited, Seats: 9,
		}}); err != nil {
			return created, fmt.Errorf("council %s: %w", c.code, err)
		}
		roster, err := client.ListMembers(ctx, &councilsv1.ListMembersRequest{MunicipalityCode: c.code, IncludeFormer: true})
		if err != nil {
			return created, fmt.Errorf("council %s: %w", c.code, err)
		}
		if len(roster.GetMembers()) > 0 {
			continue
		}
		for _, m := range c.members {
			role := councilsv1.MemberRole(councilsv1.MemberRole_value[m[1]])
			if _, err := client.AddMember(ctx, &councilsv1.AddMemberRequest{MunicipalityCode: c.code, Member: &councilsv1.Member{
				Name: m[0], Role: role, TermStart: "2025-01-01", TermEnd: "2026-12-31",
			}}); err != nil {
				return created, fmt.Errorf("member of %s: %w", c.code, err)
			}
			created++
		}
	}
	return created, nil
}

// loadDemoAgenda puts a local and a regional question on the agenda and
// takes both into a process, so the board has something to show.
// loadDemoAgenda raises the demo's questions and starts processes for
// the accepted ones, returning the process ids by question title. It does
// nothing when the agenda has questions.
func loadDemoAgenda(ctx context.Context, client councilsv1.CouncilsServiceClient) (int, map[string]string, error) {
	existing, err := client.ListQuestions(ctx, &councilsv1.ListQuestionsRequest{Limit: 1})
	if err != nil {
		return 0, nil, fmt.Errorf("demo agenda: %w", err)
	}
	if len(existing.GetQuestions()) > 0 {
		return 0, nil, nil
	}
	questions := []*councilsv1.Question{
		{
			Title:          "Bereikbaarheid van het Wmo-loket",
			Description:    "De gemeente wil weten hoe inwoners met een beperking het Wmo-loket ervaren en wat beter kan.",
			Theme:          "toegankelijkheid",
			Origin:         councilsv1.Origin_ORIGIN_SOLICITED,
			Scope:          &councilsv1.Scope{Tenant: "GM0375"},
			AdviceNeededBy: "2027-03-31",
		},
		{
			Title:          "Regionale minimaregelingen: vinden inwoners de weg?",
			Description:    "De drie gemeenten stemmen hun minimaregelingen af en willen weten waar inwoners vastlopen.",
			Theme:          "minimabeleid",
			Origin:         councilsv1.Origin_ORIGIN_SOLICITED,
			Scope:          &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453", "GM0375", "GM0396"}},
			AdviceNeededBy: "2027-06-30",
		},
		{
			Title:          "Wachttijden bij huishoudelijke hulp",
			Description:    "De gemeente vraagt hoe inwoners de wachttijd tot huishoudelijke hulp ervaren en wat hen in die tijd helpt.",
			Theme:          "huishoudelijke-hulp",
			Origin:         councilsv1.Origin_ORIGIN_SOLICITED,
			Scope:          &councilsv1.Scope{Tenant: "GM0453"},
			AdviceNeededBy: "2027-02-28",
		},
		{
			Title:       "Mantelzorgers die uit beeld raken",
			Description: "Leden horen bij het koor en de schilderclub dat jonge mantelzorgers geen ondersteuning vinden.",
			Theme:       "mantelzorg",
			Origin:      councilsv1.Origin_ORIGIN_UNSOLICITED,
			Scope:       &councilsv1.Scope{Tenant: "GM0396"},
		},
	}
	created := 0
	processes := map[string]string{}
	for i, q := range questions {
		raised, err := client.RaiseQuestion(ctx, &councilsv1.RaiseQuestionRequest{Question: q})
		if err != nil {
			return created, processes, fmt.Errorf("demo question %q: %w", q.GetTitle(), err)
		}
		created++
		if q.GetOrigin() == councilsv1.Origin_ORIGIN_UNSOLICITED {
			continue // stays open on Heemskerk's agenda
		}
		if _, err := client.DecideQuestion(ctx, &councilsv1.DecideQuestionRequest{Id: raised.GetId(), Accept: true}); err != nil {
			return created, processes, fmt.Errorf("demo question %q: %w", q.GetTitle(), err)
		}
		p, err := client.StartProcess(ctx, &councilsv1.StartProcessRequest{QuestionId: raised.GetId()})
		if err != nil {
			return created, processes, fmt.Errorf("demo process %q: %w", q.GetTitle(), err)
		}
		created++
		processes[q.GetTitle()] = p.GetId()
		if i == 1 {
			if err := executeDemoProcess(ctx, client, p.GetId()); err != nil {
				return created, processes, fmt.Errorf("demo process %q: %w", q.GetTitle(), err)
			}
		}
	}
	return created, processes, nil
}

// executeDemoProcess takes the regional process through its plan into
// execute, where its flash poll may open (a poll opens only while its
// process is in execute).
func executeDemoProcess(ctx context.Context, client councilsv1.CouncilsServiceClient, id string) error {
	move := func(to councilsv1.Phase, reason string) error {
		_, err := client.TransitionProcess(ctx, &councilsv1.TransitionProcessRequest{Id: id, ToPhase: to, Reason: reason})
		return err
	}
	if err := move(councilsv1.Phase_PHASE_CONCRETISE, "Op de agenda van de drie raden"); err != nil {
		return err
	}
	_, err := client.UpdateProcess(ctx, &councilsv1.UpdateProcessRequest{Id: id, Process: &councilsv1.Process{
		PreciseQuestion: "Vinden inwoners met een laag inkomen in de IJmond de regelingen van hun gemeente, en waar lopen ze vast?",
		Approach:        "Een flitspeiling met een open link in de drie gemeenten, daarna een gesprek bij de voedselbank.",
		TargetGroup:     "Inwoners met een laag inkomen in Velsen, Beverwijk en Heemskerk",
		Forms:           []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_FLASH_POLL, councilsv1.FormKind_FORM_KIND_FOCUS_GROUP},
	}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"precise_question", "approach", "target_group", "forms"}}})
	if err != nil {
		return err
	}
	if err := move(councilsv1.Phase_PHASE_CHOOSE_FORMS, "De vraag is scherp"); err != nil {
		return err
	}
	return move(councilsv1.Phase_PHASE_EXECUTE, "Flitspeiling en gesprek gekozen")
}
