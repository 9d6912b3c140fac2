package mail_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/internal/browsertest"
	"github.com/meedoen/meedoen/internal/mail"
)

func TestDevMailboxPagesAreAccessible(t *testing.T) {
	b := browsertest.Start(t)
	mb := startMailbox(t)
	srv := httptest.NewServer(mb.Handler())
	t.Cleanup(srv.Close)
	b.AssertAccessible(t, srv.URL+"/") // empty
	err := senderTo(t, mb).Send(context.Background(), mail.Message{
		To: "inwoner@example.nl", Subject: "Uitnodiging", Text: "Doe mee: https://meedoen.test/i/abc",
		UnsubscribeURL: "https://meedoen.test/afmelden/x",
	})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := mb.Messages()
	if err != nil || len(ms) != 1 {
		t.Fatalf("Messages: %d, %v", len(ms), err)
	}
	b.AssertAccessible(t, srv.URL+"/")
	b.AssertAccessible(t, srv.URL+"/?m="+ms[0].ID)
}
