package resident_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/meedoen/meedoen/internal/resident"
)

func TestInvitationTokens(t *testing.T) {
	t.Parallel()
	tok, hash, err := resident.NewInvitationToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := resident.CheckInvitationToken(tok); err != nil {
		t.Errorf("a fresh token fails the check: %v", err)
	}
	if !bytes.Equal(hash, resident.HashInvitationToken(tok)) {
		t.Error("the stored hash does not match the token")
	}
	other, _, _ := resident.NewInvitationToken()
	if other == tok {
		t.Error("two invitations got the same token")
	}
	for _, bad := range []string{"", "short", tok + "x", "!!" + tok[2:]} {
		if resident.CheckInvitationToken(bad) == nil {
			t.Errorf("CheckInvitationToken(%q) accepted", bad)
		}
	}
}

func TestPseudonym(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	p, err := resident.NewPseudonymizer(key)
	if err != nil {
		t.Fatal(err)
	}
	const bsn = "111222333" // passes the eleven test; a test number
	a, err := p.Pseudonym(bsn)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Pseudonym(bsn)
	if a != b || a == bsn || bytes.Contains([]byte(a), []byte(bsn)) {
		t.Errorf("pseudonym %q is not a stable keyed hash", a)
	}
	q, _ := resident.NewPseudonymizer(bytes.Repeat([]byte{8}, 32))
	if c, _ := q.Pseudonym(bsn); c == a {
		t.Error("another key gave the same pseudonym")
	}
	for _, bad := range []string{"111222334", "12345678a", "", "000000000"} {
		if _, err := p.Pseudonym(bad); err == nil {
			t.Errorf("Pseudonym(%q) accepted an invalid number", bad)
		}
	}
	if _, err := resident.NewPseudonymizer([]byte("short")); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestRespondentCookie(t *testing.T) {
	t.Parallel()
	c, err := resident.NewCookies(bytes.Repeat([]byte{1}, 32), true)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	id, err := c.Respondent(rec, httptest.NewRequest(http.MethodGet, "/p/peiling", nil))
	if err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].HttpOnly || !cookies[0].Secure || cookies[0].SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie %+v: want one HttpOnly, Secure, SameSite=Lax cookie", cookies)
	}
	// The same browser comes back: same respondent, no new cookie.
	again := httptest.NewRequest(http.MethodGet, "/p/peiling", nil)
	again.AddCookie(cookies[0])
	rec2 := httptest.NewRecorder()
	if got, _ := c.Respondent(rec2, again); got != id || len(rec2.Result().Cookies()) != 0 {
		t.Errorf("returning browser got %q (want %q) and %d new cookies", got, id, len(rec2.Result().Cookies()))
	}
	// A forged or foreign cookie does not pass for a respondent.
	other, _ := resident.NewCookies(bytes.Repeat([]byte{2}, 32), true)
	if _, ok := other.Read(again); ok {
		t.Error("a cookie sealed with another key was accepted")
	}
	forged := httptest.NewRequest(http.MethodGet, "/", nil)
	forged.AddCookie(&http.Cookie{Name: resident.CookieName, Value: "AAAA" + cookies[0].Value[4:]})
	if _, ok := c.Read(forged); ok {
		t.Error("a tampered cookie was accepted")
	}
}
