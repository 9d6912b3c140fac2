package notice_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/meedoen/meedoen/services/focusgroups/internal/notice"
)

// formal finds the formal Dutch "u" and "uw" as words.
var formal = regexp.MustCompile(`(?i)(^|[^\p{L}])(u|uw)([^\p{L}]|$)`)

// TestLettersAreDutchFirst: every mail a member gets opens in Dutch, then
// has its English part, in which members are "je"; subjects are Dutch
// first; calendar messages ride
// along where the session changes, and times are in Amsterdam's.
func TestLettersAreDutchFirst(t *testing.T) {
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	g := notice.Group{Name: "Mantelzorg in Heemskerk", Purpose: "Wat hebben mantelzorgers nodig?"}
	s := notice.Session{ID: "01957a3c-2b1e-7c00-8000-000000000001", Start: time.Date(2027, 1, 14, 17, 30, 0, 0, time.UTC),
		End: time.Date(2027, 1, 14, 19, 30, 0, 0, time.UTC), Address: "Buurthuis De Schakel", OnlineURL: "https://meet.example/fg"}
	r := notice.Recipient{Name: "Ans", Email: "ans@example.nl", Link: "https://meedoen.example/focusgroep/abc"}
	from := notice.Sender{Address: "focusgroepen@meedoen.example"}
	tests := []struct {
		name        string
		letter      notice.Letter
		dutch       string
		attachments int
	}{
		{"join", notice.JoinInvitation(g, notice.Recipient{Name: "Ans", Link: "https://meedoen.example/focusgroep/uitnodiging/x"}, "Cliënt", "Client"), "Je bent uitgenodigd", 0},
		{"welcome", notice.Welcome(g, r, []notice.Session{s}), "Welkom in de focusgroep", 0},
		{"invitation", notice.SessionInvitation(g, s, r, from, now), "donderdag 14 januari 2027, 18.30–20.30 uur", 1},
		{"moved", notice.SessionUpdate(g, s, r, true, from, now), "is verplaatst", 1},
		{"cancelled", notice.SessionCancellation(g, s, r, from, now), "gaat niet door", 1},
		{"seated", notice.Seated(g, s, r), "Er is een plek vrijgekomen", 0},
		{"reminder", notice.Reminder(g, s, r), "Herinnering", 0},
		{"farewell", notice.Farewell(g, r, []notice.Session{s}, from, now), "Je hebt de focusgroep", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := tt.letter
			// One form of address, as the web pages and the surveys'
			// mails: "je" and "jouw", never "u" or "uw".
			dutch, _, _ := strings.Cut(l.Text, "-- English --")
			if m := formal.FindString(l.Subject + "\n" + dutch); m != "" {
				t.Errorf("the Dutch says %q, want je/jouw:\n%s\n%s", m, l.Subject, dutch)
			}
			nl, en := strings.Index(l.Text, tt.dutch), strings.Index(l.Text, "-- English --")
			if nl < 0 || en < 0 || nl > en {
				t.Errorf("the Dutch %q (at %d) does not come before the English part (at %d):\n%s", tt.dutch, nl, en, l.Text)
			}
			if !strings.Contains(l.Subject, " / ") {
				t.Errorf("subject %q is not Dutch / English", l.Subject)
			}
			if len(l.Attachments) != tt.attachments {
				t.Errorf("%d attachments, want %d", len(l.Attachments), tt.attachments)
			}
		})
	}
}

// TestLinksSpeakTheMembersLanguage: an English-speaking member's links, in
// the text and in the calendar entry, open the pages in English; a Dutch
// member's carry no language, Dutch being the pages' default.
func TestLinksSpeakTheMembersLanguage(t *testing.T) {
	now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	g := notice.Group{Name: "Mantelzorg in Heemskerk"}
	s := notice.Session{ID: "01957a3c-2b1e-7c00-8000-000000000001", Start: time.Date(2027, 1, 14, 17, 30, 0, 0, time.UTC),
		End: time.Date(2027, 1, 14, 19, 30, 0, 0, time.UTC), Address: "Buurthuis De Schakel"}
	from := notice.Sender{Address: "focusgroepen@meedoen.example"}
	const link = "https://meedoen.example/focusgroep/abc"
	letters := map[string]func(notice.Recipient) notice.Letter{
		"join":       func(r notice.Recipient) notice.Letter { return notice.JoinInvitation(g, r, "Cliënt", "Client") },
		"welcome":    func(r notice.Recipient) notice.Letter { return notice.Welcome(g, r, []notice.Session{s}) },
		"invitation": func(r notice.Recipient) notice.Letter { return notice.SessionInvitation(g, s, r, from, now) },
		"moved":      func(r notice.Recipient) notice.Letter { return notice.SessionUpdate(g, s, r, true, from, now) },
		"seated":     func(r notice.Recipient) notice.Letter { return notice.Seated(g, s, r) },
		"reminder":   func(r notice.Recipient) notice.Letter { return notice.Reminder(g, s, r) },
		"report":     func(r notice.Recipient) notice.Letter { return notice.Report(g.Name, r) },
	}
	for name, write := range letters {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct{ language, want string }{{"en", link + "?lang=en"}, {"nl", link}, {"", link}} {
				l := write(notice.Recipient{Name: "Ans", Email: "ans@example.nl", Link: link, Language: tc.language})
				texts := []string{l.Text}
				for _, a := range l.Attachments {
					// iCalendar folds long lines; unfold before looking.
					texts = append(texts, strings.ReplaceAll(strings.ReplaceAll(string(a.Data), "\r\n ", ""), "\\n", "\n"))
				}
				for i, text := range texts {
					if !strings.Contains(text, tc.want) {
						t.Errorf("language %q, part %d: no link %q in\n%s", tc.language, i, tc.want, text)
					}
					if tc.language != "en" && strings.Contains(text, "lang=") {
						t.Errorf("language %q, part %d: a link names a language:\n%s", tc.language, i, text)
					}
				}
			}
		})
	}
}
