package api

import (
	"context"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/feedback"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// feedbackBook records the feedback requests the server passes on.
type feedbackBook struct {
	mu  sync.Mutex
	got []feedback.Request
}

func (b *feedbackBook) Add(_ context.Context, r feedback.Request) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.got = append(b.got, r)
	return nil
}

func (b *feedbackBook) requests() []feedback.Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]feedback.Request(nil), b.got...)
}

func TestSubmitPassesOnAFeedbackAddressOnlyWithANewResponse(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	book := &feedbackBook{}
	f.srv = New(store.New(f.pool), Config{Feedback: book})
	p := f.opened(t, velsenMember(), flashPoll("feedback-poll"))

	tests := []struct {
		name       string
		respondent string
		email      string
		lang       string
		key        string
		wantFields []string
		want       []feedback.Request
	}{
		{name: "an invalid address is refused and nothing stored", respondent: "a", email: "iemand op example.nl",
			wantFields: []string{"/feedbackEmail"}},
		{name: "an unknown language is refused", respondent: "a", email: "a@example.nl", lang: "de",
			wantFields: []string{"/feedbackLanguage"}},
		{name: "a valid address is kept, bare", respondent: "a", email: " a@example.nl ", lang: "en", key: "k-a",
			want: []feedback.Request{{PollID: p.GetId(), ProcessID: processID, Address: "a@example.nl", Language: "en"}}},
		{name: "a replayed submit adds nothing", respondent: "a", email: "a@example.nl", lang: "en", key: "k-a"},
		{name: "no address, no request", respondent: "b"},
	}
	respondents := map[string]string{"a": browser(t), "b": browser(t)}
	for _, tt := range tests {
		before := len(book.requests())
		responses := f.count(t, `SELECT count(*) FROM responses`)
		req := byLink("feedback-poll", respondents[tt.respondent], good(), tt.key)
		req.FeedbackEmail, req.FeedbackLanguage = tt.email, tt.lang
		_, err := f.srv.SubmitResponse(resident(), req)
		if diff := cmp.Diff(tt.wantFields, fieldPaths(err)); diff != "" {
			t.Errorf("%s: violations (-want +got):\n%s", tt.name, diff)
		}
		if tt.wantFields != nil {
			if n := f.count(t, `SELECT count(*) FROM responses`); n != responses {
				t.Errorf("%s: a refused submit stored a response", tt.name)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(tt.want, book.requests()[before:], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: feedback requests (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestFeedbackIsOfferedOnlyWhenItCanBeSent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.opened(t, velsenMember(), flashPoll("no-feedback"))
	rp, err := f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{Link: &surveysv1.GetPollForRespondentRequest_Slug{Slug: "no-feedback"}})
	if err != nil {
		t.Fatal(err)
	}
	if rp.GetOffersFeedback() {
		t.Error("a server without feedback requests offers feedback")
	}
	req := byLink("no-feedback", browser(t), good(), "")
	req.FeedbackEmail = "a@example.nl"
	if _, err := f.srv.SubmitResponse(resident(), req); !cmp.Equal(fieldPaths(err), []string{"/feedbackEmail"}) {
		t.Errorf("submit with an address where none is offered: %v", err)
	}

	f.srv = New(store.New(f.pool), Config{Feedback: &feedbackBook{}})
	if rp, err = f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{Link: &surveysv1.GetPollForRespondentRequest_Slug{Slug: "no-feedback"}}); err != nil || !rp.GetOffersFeedback() {
		t.Errorf("a server with feedback requests: offers %v (%v), want true", rp.GetOffersFeedback(), err)
	}
}
