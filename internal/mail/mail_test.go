package mail_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/meedoen/meedoen/internal/mail"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startMailbox runs a development mailbox in a temporary directory for the
// length of the test.
func startMailbox(t *testing.T) *mail.DevMailbox {
	t.Helper()
	mb, err := mail.NewDevMailbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := mb.Run(ctx); err != nil {
			t.Errorf("mailbox: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return mb
}

// senderTo returns an SMTP sender that delivers to mb.
func senderTo(t *testing.T, mb *mail.DevMailbox) *mail.SMTP {
	t.Helper()
	host, port, err := net.SplitHostPort(mb.Addr())
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: p, From: "Meedoen <noreply@meedoen.test>", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSMTPDeliversToTheDevMailbox(t *testing.T) {
	mb := startMailbox(t)
	s := senderTo(t, mb)
	msg := mail.Message{
		To:             "inwoner@example.nl",
		Subject:        "Wat er met je antwoord gebeurde – résumé",
		Text:           "Hallo,\n\nLees het verslag: https://meedoen.test/verslagen/1.\n\nRegel met é en een lange regel " + strings.Repeat("woord ", 40) + "\n",
		HTML:           "<p>Hallo</p>",
		UnsubscribeURL: "https://meedoen.test/afmelden/abc",
		Language:       "nl",
	}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got, err := mb.Messages()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("mailbox holds %d messages, want 1", len(got))
	}
	m := got[0]
	type view struct{ From, To, Subject, Text, Language, Unsubscribe string }
	want := view{
		From:        `"Meedoen" <noreply@meedoen.test>`,
		To:          "<inwoner@example.nl>",
		Subject:     msg.Subject,
		Text:        msg.Text,
		Language:    "nl",
		Unsubscribe: "<https://meedoen.test/afmelden/abc>",
	}
	gotView := view{m.From, m.To, m.Subject, m.Text, m.Header.Get("Content-Language"), m.Header.Get("List-Unsubscribe")}
	if diff := cmp.Diff(want, gotView); diff != "" {
		t.Errorf("stored message (-want +got):\n%s", diff)
	}
}

func TestDevMailboxListsNewestFirst(t *testing.T) {
	mb := startMailbox(t)
	s := senderTo(t, mb)
	for _, subject := range []string{"eerste", "tweede", "derde"} {
		if err := s.Send(context.Background(), mail.Message{To: subject + "@example.nl", Subject: subject, Text: subject}); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := mb.Messages()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Subject)
	}
	if diff := cmp.Diff([]string{"derde", "tweede", "eerste"}, got); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
}

func TestDevMailboxPages(t *testing.T) {
	mb := startMailbox(t)
	s := senderTo(t, mb)
	err := s.Send(context.Background(), mail.Message{
		To: "inwoner@example.nl", Subject: "Uitnodiging <peiling>",
		Text: "Doe mee: https://meedoen.test/i/abc?x=1&y=2.",
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := mb.Messages()
	if err != nil || len(ms) != 1 {
		t.Fatalf("Messages: %v, %d", err, len(ms))
	}
	srv := httptest.NewServer(mb.Handler())
	defer srv.Close()

	tests := []struct {
		name       string
		path       string
		wantStatus int
		wantBody   []string
	}{
		{
			name: "list", path: "/", wantStatus: http.StatusOK,
			wantBody: []string{`<html lang="nl">`, "Ontwikkel-mailbox", "inwoner@example.nl", "Uitnodiging &lt;peiling&gt;", `href="?m=` + ms[0].ID + `"`},
		},
		{
			name: "message", path: "/?m=" + ms[0].ID, wantStatus: http.StatusOK,
			wantBody: []string{
				"<h1>Uitnodiging &lt;peiling&gt;</h1>",
				`<a href="https://meedoen.test/i/abc?x=1&amp;y=2">https://meedoen.test/i/abc?x=1&amp;y=2</a>.`,
				`<a href="?">`,
			},
		},
		{name: "unknown message", path: "/?m=00000000000000000000-00000000", wantStatus: http.StatusNotFound},
		{name: "path outside the mailbox", path: "/?m=../../etc/passwd", wantStatus: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			for _, w := range tt.wantBody {
				if !strings.Contains(string(body), w) {
					t.Errorf("body lacks %q:\n%s", w, body)
				}
			}
		})
	}
}

func TestNewSMTPChecksItsConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  mail.SMTPConfig
	}{
		{"no host", mail.SMTPConfig{From: "a@example.nl"}},
		{"bad from", mail.SMTPConfig{Host: "localhost", From: "not an address"}},
		{"bad tls policy", mail.SMTPConfig{Host: "localhost", From: "a@example.nl", TLS: "sometimes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := mail.NewSMTP(tt.cfg); err == nil {
				t.Error("NewSMTP succeeded, want an error")
			}
		})
	}
}

func TestSendRejectsAnInvalidRecipientWithoutNamingIt(t *testing.T) {
	mb := startMailbox(t)
	err := senderTo(t, mb).Send(context.Background(), mail.Message{To: "geen adres@@", Subject: "x", Text: "x"})
	if !errors.Is(err, mail.ErrRejected) {
		t.Fatalf("Send: %v, want ErrRejected", err)
	}
	if strings.Contains(err.Error(), "geen adres") {
		t.Errorf("error %q names the address", err)
	}
}

func TestSendFailsWhenNoServerListens(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := lis.Addr().(*net.TCPAddr).Port
	lis.Close()
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: port, From: "a@example.nl", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "b@example.nl", Subject: "x", Text: "x"})
	if err == nil || errors.Is(err, mail.ErrRejected) {
		t.Errorf("Send: %v, want a temporary error", err)
	}
}
