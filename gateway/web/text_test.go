package web

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fullstorydev/grpchan"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/rpc"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Text no part of the system can hold (a NUL, bytes that are not UTF-8)
// is refused by internal/rpc on every call the site makes, before the
// service runs: through the in-process channel as -target=all connects,
// and by rpc.Dial's clients as a gateway on its own connects. The pages
// show the refusal like any other objection to their input, next to the
// field, in the page's language. These tests connect the fakes those two
// ways, as cmd/meedoen does, rather than through the plain gRPC
// connections of the other tests.

// connections are the two ways the gateway reaches a service.
var connections = []string{"in process", "over the network"}

// connect registers a service with register and returns a connection to it
// made the way cmd/meedoen makes it. unary, if set, is the client's own
// interceptor (the fake councils service learns the caller from it).
func connect(t testing.TB, how string, register func(grpc.ServiceRegistrar), unary grpc.UnaryClientInterceptor) grpc.ClientConnInterface {
	t.Helper()
	if how == "in process" {
		ch := rpc.NewChannel(nil, nil, nil, nil)
		register(ch)
		if unary == nil {
			return ch
		}
		return grpchan.InterceptClientConn(ch, unary, nil)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := rpc.NewServer(nil, nil)
	register(srv)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(lis)
	}()
	t.Cleanup(func() {
		srv.Stop()
		<-served
	})
	var opts []grpc.DialOption
	if unary != nil {
		opts = append(opts, grpc.WithChainUnaryInterceptor(unary))
	}
	conn, err := rpc.Dial(lis.Addr().String(), nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// withSubject passes the caller's subject on, as the gateway's internal
// token does, for the fake councils service.
func withSubject(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if id, ok := auth.FromContext(ctx); ok {
		ctx = metadata.AppendToOutgoingContext(ctx, subjectKey, id.Subject)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// errorLog collects what the site logs at error level.
type errorLog struct{ bytes.Buffer }

func (l *errorLog) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&l.Buffer, &slog.HandlerOptions{Level: slog.LevelError}))
}

// TestResidentsBadTextIsShownNextToTheAnswer posts the probe's answers, a
// free-text answer with a NUL or with bytes that are not UTF-8, on the
// open link and the invitation link: the form comes back with the problem
// next to the answer, in the page's language, and nothing is stored.
func TestResidentsBadTextIsShownNextToTheAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		lang   string
		form   url.Values
		want   [][2]string
	}{
		{
			name: "a NUL on the open link", target: "/p/" + flashSlug,
			form: url.Values{"v.fq1": {"ja"}, "v.fq3": {"Bij de\x00 bushalte"}},
			want: [][2]string{{"#v.fq3", "Vraag 3: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."}},
		},
		{
			name: "invalid UTF-8 on the open link", target: "/p/" + flashSlug,
			form: url.Values{"v.fq1": {"ja"}, "v.fq3": {"Bij de bushalte\xff"}},
			want: [][2]string{{"#v.fq3", "Vraag 3: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."}},
		},
		{
			name: "in English", target: "/p/" + flashSlug, lang: "en",
			form: url.Values{"v.fq1": {"ja"}, "v.fq3": {"\x00"}},
			want: [][2]string{{"#v.fq3", "Question 3: Your text contains a character we cannot store. Type your answer again, or paste it as plain text."}},
		},
		{
			name: "several answers on the invitation link", target: "/i/" + questionnaireToken,
			form: url.Values{"v.q1": {"other"}, "v.q1.other.text": {"Met de\xc3 taxi"}, "v.q5": {"7"}, "v.q7.chauffeur": {"goed"}, "v.q7.bus": {"goed"},
				"v.q8": {"Een bankje"}, "v.q9": {"Regel 1\x00\r\nRegel 2"}},
			want: [][2]string{
				{"#v.q1.other.text", "Vraag 1, ‘Anders, namelijk’: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."},
				{"#v.q9", "Vraag 9: Je tekst bevat een teken dat we niet kunnen opslaan. Typ je antwoord opnieuw, of plak het als gewone tekst."},
			},
		},
	}
	for _, how := range connections {
		for _, tt := range tests {
			t.Run(how+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				fake := newFakeSurveys()
				conn := connect(t, how, func(s grpc.ServiceRegistrar) { surveysv1.RegisterSurveysServiceServer(s, fake) }, nil)
				var logs errorLog
				site, err := New(Config{TenantNames: ijmond, Surveys: surveysv1.NewSurveysServiceClient(conn)}, logs.logger())
				if err != nil {
					t.Fatal(err)
				}
				resp, body := send(t, site, request{target: tt.target, lang: tt.lang, form: tt.form})
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422", resp.StatusCode)
				}
				if diff := cmp.Diff(tt.want, summaryOf(t, body)); diff != "" {
					t.Errorf("error summary (-want +got):\n%s", diff)
				}
				if id := tt.want[0][0][1:]; !strings.Contains(body, `id="`+id+`-fout"`) {
					t.Errorf("no error next to %s", id)
				}
				if n := fake.callsOf("SubmitResponse"); n != 0 {
					t.Errorf("SubmitResponse reached the service %d times, want 0", n)
				}
				if n := len(fake.responses()); n != 0 {
					t.Errorf("%d responses stored, want none", n)
				}
				if logs.Len() != 0 {
					t.Errorf("logged at error level:\n%s", logs.String())
				}
			})
		}
	}
}

// TestStaffFormsShowBadTextNextToTheField raises a question whose title
// holds a NUL: the form comes back with the problem next to the title, and
// the service was not called.
func TestStaffFormsShowBadTextNextToTheField(t *testing.T) {
	t.Parallel()
	for _, how := range connections {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			fake := newFakeCouncils()
			conn := connect(t, how, func(s grpc.ServiceRegistrar) { councilsv1.RegisterCouncilsServiceServer(s, fake) }, withSubject)
			var logs errorLog
			site, err := New(Config{TenantNames: ijmond, Councils: councilsv1.NewCouncilsServiceClient(conn)}, logs.logger())
			if err != nil {
				t.Fatal(err)
			}
			resp, body := send(t, site, request{target: "/agenda/nieuw", as: &velsenOfficer, form: url.Values{
				"titel": {"Vervoer\x00"}, "omschrijving": {"Hoe komen ouderen er\xff?"}, "thema": {"mantelzorg"},
				"herkomst": {"gevraagd"}, "advies-nodig-voor": {"2026-10-01"}, "reikwijdte": {"lokaal"}, "gemeenten": {"GM0453"},
			}})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("status = %d, want 422", resp.StatusCode)
			}
			const msg = "Deze tekst bevat een teken dat niet kan worden opgeslagen (een nulteken of bytes die geen UTF-8 zijn). Typ de tekst opnieuw, of plak hem als platte tekst."
			mustContain(t, body,
				"Titel: "+msg,
				`<div class="utrecht-form-field__error-message" id="titel-fout">`,
				`id="omschrijving-fout"`,
			)
			if got := fake.request("RaiseQuestion"); got != nil {
				t.Errorf("RaiseQuestion reached the service: %v", got)
			}
			if logs.Len() != 0 {
				t.Errorf("logged at error level:\n%s", logs.String())
			}
		})
	}
}

// TestPagesRefuseBadTextInTheirAddress passes bad text in what pages hand
// on to the service from their address (a filter, a cursor): the page says
// the request could not be read (400), never an internal error.
func TestPagesRefuseBadTextInTheirAddress(t *testing.T) {
	t.Parallel()
	targets := map[string]int{
		"/agenda?na=a%00b":   http.StatusBadRequest, // the cursor goes to the service
		"/agenda?thema=%FF":  http.StatusOK,         // no theme of the list: the page ignores it
		"/agenda?thema=a%00": http.StatusOK,
	}
	for _, how := range connections {
		for target, wantStatus := range targets {
			t.Run(how+"/"+target, func(t *testing.T) {
				t.Parallel()
				fake := newFakeCouncils()
				conn := connect(t, how, func(s grpc.ServiceRegistrar) { councilsv1.RegisterCouncilsServiceServer(s, fake) }, withSubject)
				var logs errorLog
				site, err := New(Config{TenantNames: ijmond, Councils: councilsv1.NewCouncilsServiceClient(conn)}, logs.logger())
				if err != nil {
					t.Fatal(err)
				}
				resp, body := send(t, site, request{target: target, as: &velsenOfficer})
				if resp.StatusCode != wantStatus {
					t.Fatalf("status = %d, want %d", resp.StatusCode, wantStatus)
				}
				if wantStatus == http.StatusBadRequest {
					mustContain(t, body, "Het formulier kon niet worden gelezen")
				}
				if logs.Len() != 0 {
					t.Errorf("logged at error level:\n%s", logs.String())
				}
			})
		}
	}
}
