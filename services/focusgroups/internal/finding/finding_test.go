package finding_test

import (
	"testing"
	"time"

	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
)

var now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func agreed(t *testing.T) finding.Finding {
	t.Helper()
	f, err := finding.New(finding.Spec{GroupID: "g", Statement: "Het loket is ver weg.", Breadth: finding.Most, Quotes: []finding.Quote{
		{Text: "Twee bussen.", Consent: finding.Named, SpeakerName: "Ans", MemberID: "01957a3c-2b1e-7c00-8000-000000000001"},
		{Text: "Ik ga niet meer.", Consent: finding.Anonymous},
		{Text: "Niet doorvertellen.", Consent: finding.Internal},
	}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Published(); ok {
		t.Fatal("a draft is published")
	}
	if err := f.Agree(now); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPublishedAsSpeakersAllow(t *testing.T) {
	f := agreed(t)
	q, ok := f.Published()
	if !ok || len(q) != 2 || q[0].SpeakerName != "Ans" || q[1].SpeakerName != "" {
		t.Errorf("published %+v", q)
	}
	if named, anonymous := f.PublishableCounts(); named != 1 || anonymous != 1 {
		t.Errorf("counts %d named, %d anonymous", named, anonymous)
	}
}

func TestAgreedQuotesOnlyNarrow(t *testing.T) {
	f := agreed(t)
	c := f.Editable()
	c.Quotes[0].Consent, c.Quotes[0].SpeakerName = finding.Internal, ""
	c.Quotes = c.Quotes[:2]
	if err := f.Edit(c, now); err != nil {
		t.Fatalf("narrowing and removing: %v", err)
	}
	c = f.Editable()
	c.Quotes[1].Consent, c.Quotes[1].SpeakerName = finding.Named, "Piet"
	if err := f.Edit(c, now); err == nil {
		t.Error("widening an agreed quote's consent was taken")
	}
	c = f.Editable()
	c.Quotes = append(c.Quotes, finding.Quote{Text: "Nieuw", Consent: finding.Anonymous})
	if err := f.Edit(c, now); err == nil {
		t.Error("a quote was added to an agreed finding")
	}
	c = f.Editable()
	c.Statement = "Anders"
	if err := f.Edit(c, now); err == nil {
		t.Error("an agreed statement changed")
	}
}

func TestForgetMember(t *testing.T) {
	f := agreed(t)
	if n := f.ForgetMember("01957a3c-2b1e-7c00-8000-000000000001", now); n != 1 || len(f.Quotes()) != 2 {
		t.Errorf("forgot %d quotes, %d left", n, len(f.Quotes()))
	}
}
