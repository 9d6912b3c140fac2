package panel_test

import (
	"strings"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/dutch"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
)

// TestMailsSayJe: every panel mail addresses the resident as "je" in its
// Dutch part and subject, as everything Meedoen writes does.
func TestMailsSayJe(t *testing.T) {
	t.Parallel()
	links := panel.Links{Action: "https://meedoen.example/i/x", Unsubscribe: "https://meedoen.example/panel/afmelden/y"}
	p := panel.Poll{TitleNL: "Mantelzorg", ClosesAt: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	for name, l := range map[string]panel.Letter{
		"confirmation":   panel.ConfirmationLetter("Velsen", links),
		"already member": panel.AlreadyMemberLetter("Velsen", links),
		"invitation":     panel.InvitationLetter("Velsen", p, links, false),
		"reminder":       panel.InvitationLetter("Velsen", p, links, true),
	} {
		dutchPart, _, ok := strings.Cut(l.Text, "-- English --")
		if !ok {
			t.Errorf("%s: no English part", name)
		}
		subject, _, _ := strings.Cut(l.Subject, " / ")
		if f := dutch.Formal(subject + "\n" + dutchPart); len(f) > 0 {
			t.Errorf("%s says %q:\n%s\n%s", name, f, subject, dutchPart)
		}
	}
}
