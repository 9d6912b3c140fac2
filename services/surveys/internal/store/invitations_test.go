package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

const (
	anna  = "01957a3c-2b1e-7c00-8000-0000000000a1"
	bram  = "01957a3c-2b1e-7c00-8000-0000000000b2"
	chris = "01957a3c-2b1e-7c00-8000-0000000000c3"
)

func TestInvitationsKeepOnlyTheHashOfTheirToken(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, sharedSpec(t, "mantelzorg", now), now)
	f.panelMembers(t, "GM0453", anna, chris)
	f.panelMembers(t, "GM0375", bram)

	issued, err := f.st.CreateInvitations(ctx, p.ID(), []store.Invitee{
		{PanelMemberID: anna, Municipality: "GM0453"},
		{PanelMemberID: bram, Municipality: "GM0375"},
		{Municipality: "GM0396"}, // on paper, no panel member
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) != 3 {
		t.Fatalf("%d invitations issued, want 3", len(issued))
	}
	for _, inv := range issued {
		got, err := f.st.InvitationByToken(ctx, inv.Token)
		if err != nil {
			t.Fatalf("InvitationByToken: %v", err)
		}
		if diff := cmp.Diff(inv.Invitation, got); diff != "" {
			t.Errorf("invitation read by its token (-want +got):\n%s", diff)
		}
		hash := sha256.Sum256([]byte(inv.Token))
		if n := f.count(t, `SELECT count(*) FROM invitations WHERE token_hash = $1`, hash[:]); n != 1 {
			t.Errorf("%d invitations stored under the token's hash, want 1", n)
		}
		if n := f.count(t, `SELECT count(*) FROM invitations i WHERE strpos(i::text, $1) > 0`, inv.Token); n != 0 {
			t.Errorf("the token itself is stored")
		}
	}

	// Inviting the panel again invites only its new member.
	again, err := f.st.CreateInvitations(ctx, p.ID(), []store.Invitee{
		{PanelMemberID: bram, Municipality: "GM0375"},
		{PanelMemberID: chris, Municipality: "GM0453"},
		{PanelMemberID: chris, Municipality: "GM0453"},
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1 || again[0].PanelMemberID != chris {
		t.Errorf("inviting again issued %+v, want one invitation, for the new member", again)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations`); n != 4 {
		t.Errorf("%d invitations stored, want 4", n)
	}
}

func TestCreateInvitationsRefusesWhatDoesNotFit(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	local := openPoll(t, f, flashSpec("velsen", now), now)
	shared := openPoll(t, f, sharedSpec(t, "ijmond", now), now)
	f.panelMembers(t, "GM0453", anna)
	f.panelMembers(t, "GM0396", chris)
	if _, err := f.pool.Exec(ctx, `INSERT INTO panel_members (id, municipality, status, source, consent_at, consent_version, created_at, updated_at, unsubscribed_at)
VALUES ($1, 'GM0453', 'unsubscribed', 'import', now(), 'test', now(), now(), now())`, bram); err != nil {
		t.Fatal(err)
	}
	// Another municipality's member, an unsubscribed one and an id of nobody
	// are refused in the same words: the refusal tells nothing of who exists.
	const notInPanel = "is not an active member of the panel of the municipality the invitation is for"

	tests := []struct {
		name      string
		pollID    string
		invitees  []store.Invitee
		wantCode  errs.Code
		wantPaths []string
	}{
		{"an unknown poll", "01957a3c-2b1e-7c00-8000-00000000dead", []store.Invitee{{}}, errs.NotFound, nil},
		{"a municipality outside a local poll", local.ID(), []store.Invitee{{Municipality: "GM0375"}}, errs.Invalid, []string{"/invitees/0/municipality"}},
		{"a shared poll's invitee without a municipality", shared.ID(), []store.Invitee{{Municipality: "GM0453"}, {PanelMemberID: anna}}, errs.Invalid, []string{"/invitees/1/municipality"}},
		{"a panel member id that is none", shared.ID(), []store.Invitee{{PanelMemberID: "anna", Municipality: "GM0453"}}, errs.Invalid, []string{"/invitees/0/panelMemberId"}},
		{"another municipality's panel member", local.ID(), []store.Invitee{{PanelMemberID: anna}, {PanelMemberID: chris}}, errs.Invalid, []string{"/invitees/1/panelMemberId"}},
		{"a member of a participating municipality's panel, said to be of another", shared.ID(), []store.Invitee{{PanelMemberID: chris, Municipality: "GM0453"}}, errs.Invalid, []string{"/invitees/0/panelMemberId"}},
		{"an unsubscribed member", local.ID(), []store.Invitee{{PanelMemberID: bram}}, errs.Invalid, []string{"/invitees/0/panelMemberId"}},
		{"an id of nobody", local.ID(), []store.Invitee{{PanelMemberID: "01957a3c-2b1e-7c00-8000-00000000beef"}}, errs.Invalid, []string{"/invitees/0/panelMemberId"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			issued, err := f.st.CreateInvitations(ctx, tc.pollID, tc.invitees, now)
			if codeOf(err) != tc.wantCode {
				t.Fatalf("CreateInvitations: %v, want code %q", err, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantPaths, fieldPaths(err)); diff != "" {
				t.Errorf("fields named (-want +got):\n%s", diff)
			}
			if issued != nil {
				t.Errorf("issued %d invitations with an error", len(issued))
			}
			var e *errs.Error
			if errors.As(err, &e) {
				for _, f := range e.Fields {
					if strings.HasSuffix(f.Path, "/panelMemberId") && strings.Contains(f.Path, "invitees") && f.Reason != notInPanel && tc.name != "a panel member id that is none" {
						t.Errorf("%s: %q, want %q", f.Path, f.Reason, notInPanel)
					}
				}
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM invitations`); n != 0 {
		t.Errorf("%d invitations stored, want none", n)
	}

	// A local poll's invitee may leave the municipality to the poll.
	issued, err := f.st.CreateInvitations(ctx, local.ID(), []store.Invitee{{}}, now)
	if err != nil || len(issued) != 1 || issued[0].Municipality != "GM0453" {
		t.Errorf("CreateInvitations for a local poll: %+v, %v; want one invitation for GM0453", issued, err)
	}
}

func TestInvitationByTokenFindsNothingForAForeignToken(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	for name, token := range map[string]string{
		"empty":                      "",
		"not base64url":              "not a token!",
		"too short":                  "abc",
		"well-formed but not issued": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	} {
		if _, err := f.st.InvitationByToken(ctx, token); codeOf(err) != errs.NotFound {
			t.Errorf("%s token: %v, want not found", name, err)
		}
	}
}

// Residents open their links at the same moment: concurrent reads share
// queries (lookupQueue), and each must still get its own invitation and
// its own poll, and a foreign token nothing.
func TestConcurrentInvitedPollsEachGetTheirOwn(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	polls := []poll.Poll{
		openPoll(t, f, sharedSpec(t, "vervoer", now), now),
		openPoll(t, f, flashSpec("bibliotheek", now), now),
	}
	type want struct {
		inv  store.Invitation
		poll poll.Poll
	}
	tokens := map[string]want{}
	for i, p := range polls {
		var invitees []store.Invitee
		for j := range 150 {
			m := "GM0453" // the flash poll is Velsen's
			if i == 0 {
				m = []string{"GM0453", "GM0375", "GM0396"}[j%3]
			}
			invitees = append(invitees, store.Invitee{Municipality: m})
		}
		issued, err := f.st.CreateInvitations(ctx, p.ID(), invitees, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range issued {
			tokens[inv.Token] = want{inv.Invitation, p}
		}
	}
	// Foreign tokens, well-formed but never issued.
	for i := range 50 {
		tokens[fmt.Sprintf("%043d", i)] = want{}
	}

	// Each token twice, as a double click or a second tab does.
	var wg sync.WaitGroup
	errc := make(chan error, 2*len(tokens))
	for token, w := range tokens {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				inv, p, err := f.st.InvitedPoll(ctx, token)
				switch {
				case w.inv.ID == "" && codeOf(err) != errs.NotFound:
					errc <- fmt.Errorf("foreign token %s: %v, want not found", token, err)
				case w.inv.ID == "":
				case err != nil:
					errc <- fmt.Errorf("invitation %s: %v", w.inv.ID, err)
				case !cmp.Equal(inv, w.inv):
					errc <- fmt.Errorf("token of invitation %s read %+v", w.inv.ID, inv)
				case p.ID() != w.poll.ID() || p.Title() != w.poll.Title() || len(p.Questions()) != len(w.poll.Questions()):
					errc <- fmt.Errorf("invitation %s came with poll %s %q, want %s %q", w.inv.ID, p.ID(), p.Title().NL, w.poll.ID(), w.poll.Title().NL)
				}
			}()
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
}
