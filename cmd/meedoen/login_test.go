package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/internal/testop"
)

// Staff login against an OpenID Provider that nobody here wrote (zitadel's
// example provider, on an origin of its own), with meedoen run as a
// municipality would run it: the chair of Velsen logs in on the provider's
// page and works in the browser, an integration calls the API with the
// provider's access tokens (JWT and opaque), the provider takes the roles
// away and gives them back, a form sent after the session ended says so,
// logging out reaches the provider (the browser follows the redirect only
// if the page's form-action allows it), a copied cookie opens nothing once
// its session ended, and the end of a council term ends the sessions of the
// member's login. The wrong settings of the provider are in
// gateway/identity's tests and TestWrongIssuerFailsReadiness.
func TestStaffLoginWithAnIndependentProvider(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser")
	}
	b := browsertest.Start(t)
	addr := freeAddr(t)
	base := "http://" + addr
	const secret = "client-secret-of-meedoen"
	chair := testop.User{ID: "op-velsen-chair", Username: "pieter", Password: "welkom-pieter", FirstName: "Pieter", LastName: "Bakker",
		Roles: []string{"chair@GM0453"}}
	op := testop.Start(t, testop.Config{
		ClientID: "meedoen", ClientSecret: secret, RedirectURI: base + "/auth/callback", PostLogoutRedirectURI: base + "/",
		RolesClaim: "meedoen_roles", Users: []testop.User{chair},
	})
	startInProcess(t, "-dev", "-http-addr="+addr, "-data-dir="+t.TempDir(), "-database-url="+testkit.NewDatabase(t),
		"-oidc-issuer="+op.Issuer, "-oidc-client-secret="+secret, "-oidc-scopes=openid profile offline_access",
		"-oidc-introspection", "-oidc-recheck-interval=1s", "-rate-limit=-1", "-anonymous-rate-limit=-1")

	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	get := func(a chromedp.Action[string]) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 20*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// arrive waits until the browser shows a page at a URL for which ok
	// holds, and returns that page's text.
	arrive := func(what string, ok func(string) bool) string {
		t.Helper()
		testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
			if here := get(chromedp.Location()); !ok(here) {
				return fmt.Errorf("the browser is at %s, want %s", here, what)
			}
			return nil
		})
		run(chromedp.WaitVisible(`body`))
		return get(chromedp.Text(`body`))
	}
	at := func(path string) func(string) bool {
		return func(u string) bool { return strings.SplitN(u, "?", 2)[0] == base+path }
	}
	logIn := func() {
		t.Helper()
		arrive("the provider's login page", func(u string) bool { return strings.HasPrefix(u, op.Issuer+"/login/username") })
		run(chromedp.SendKeys(`#username`, chair.Username), chromedp.SendKeys(`#password`, chair.Password), chromedp.Submit(`#password`))
	}
	sessionCookie := func() *http.Cookie {
		t.Helper()
		res, err := chromedp.Call(b.Context(), network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Cookies {
			if c.Name == "meedoen_session" {
				return &http.Cookie{Name: c.Name, Value: c.Value}
			}
		}
		t.Fatal("the browser has no session cookie")
		return nil
	}

	// Log in on the provider's own page; the name comes from its userinfo
	// endpoint, since its ID token leaves profile claims out.
	run(chromedp.Navigate(base + "/raad"))
	logIn()
	if page := arrive("the council page", at("/raad")); !strings.Contains(page, "Ingelogd als Pieter Bakker") {
		t.Fatalf("the council page does not show who is logged in:\n%s", page)
	}
	b.AssertAccessible(t, base+"/raad")

	// An integration calls the API with the provider's access tokens, never
	// with an ID token.
	api := func(token string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/municipalities", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	jwt, err := op.Tokens(t.Context(), chair.Username, chair.Password, "openid", "profile")
	if err != nil {
		t.Fatal(err)
	}
	idToken, _ := jwt.Extra("id_token").(string)
	op.SetOpaqueAccessTokens(true)
	opaque, err := op.Tokens(t.Context(), chair.Username, chair.Password, "openid", "profile")
	if err != nil {
		t.Fatal(err)
	}
	op.SetOpaqueAccessTokens(false)
	for _, tc := range []struct {
		name, token string
		want        int
	}{
		{"a JWT access token", jwt.AccessToken, http.StatusOK},
		{"an opaque access token, introspected", opaque.AccessToken, http.StatusOK},
		{"an ID token", idToken, http.StatusUnauthorized},
	} {
		if got := api(tc.token); got != tc.want {
			t.Errorf("the API with %s: status %d, want %d", tc.name, got, tc.want)
		}
	}

	// The provider stops sending the roles claim: within the recheck
	// interval the page says the roles did not arrive; they come back the
	// same way.
	op.SetRoles(chair.ID, nil)
	testkit.CheckFor(t, 10*time.Second, 300*time.Millisecond, func() error {
		run(chromedp.Navigate(base + "/"))
		if page := get(chromedp.Text(`body`)); !strings.Contains(page, "Je rollen zijn niet meegekomen") {
			return fmt.Errorf("the page does not say the roles did not arrive")
		}
		return nil
	})
	op.SetRoles(chair.ID, []string{"chair@GM0453"})
	testkit.CheckFor(t, 10*time.Second, 300*time.Millisecond, func() error {
		run(chromedp.Navigate(base + "/"))
		if page := get(chromedp.Text(`body`)); strings.Contains(page, "Je rollen zijn niet meegekomen") || !strings.Contains(page, "Velsen") {
			return fmt.Errorf("the roles are not back")
		}
		return nil
	})

	// The session ends while a form is being filled in: sending it shows a
	// page that says so, instead of a redirect the browser would block.
	// The form is offered only to whom the council takes questions from,
	// so Velsen's council first takes its own questions.
	apiJSON(t, jwt.AccessToken, http.MethodPatch, base+"/api/v1/councils/GM0453", "application/merge-patch+json",
		`{"takesUnsolicitedQuestions":true}`)
	run(chromedp.Navigate(base + "/agenda/nieuw"))
	arrive("the new question form", at("/agenda/nieuw"))
	endSession(t, base, sessionCookie())
	run(chromedp.SendKeys(`#titel`, "Wachttijden bij het Wmo-loket"), chromedp.Submit(`#titel`))
	// The answer comes at the form's own address, so the address alone does
	// not tell the answer from the form still showing: wait for the text.
	testkit.CheckFor(t, 15*time.Second, 100*time.Millisecond, func() error {
		if page := arrive("the answer to the form", at("/agenda/nieuw")); !strings.Contains(page, "Je bent niet meer ingelogd") {
			return fmt.Errorf("sending a form after the session ended shows:\n%s", page)
		}
		return nil
	})
	run(chromedp.Click(`main a.utrecht-button-link`))
	logIn()
	arrive("the form again", at("/agenda/nieuw"))

	// Logging out reaches the provider, which is told whose session ends,
	// and returns to the start page; a copy of the cookie opens nothing.
	copied := sessionCookie()
	run(chromedp.Click(`form.mdn-account button`))
	if page := arrive("the start page after the provider", at("/")); !strings.Contains(page, "Inloggen") || strings.Contains(page, "Ingelogd als") {
		t.Fatalf("after logging out the start page shows:\n%s", page)
	}
	if got := op.Terminated(); len(got) != 1 || got[0] != chair.ID {
		t.Errorf("sessions ended at the provider: %q, want [%s] (named by id_token_hint)", got, chair.ID)
	}
	if status := staffPage(t, base, copied); status != http.StatusSeeOther {
		t.Errorf("a copy of the cookie after logout: status %d, want 303 to log in", status)
	}

	// A council term that ends ends the sessions of the member's login.
	session := loginOverHTTP(t, base, op, chair)
	if status := staffPage(t, base, session); status != http.StatusOK {
		t.Fatalf("a fresh session: status %d, want 200", status)
	}
	member := apiJSON(t, jwt.AccessToken, http.MethodPost, base+"/api/v1/councils/GM0453/members", "application/json",
		`{"name":"Pieter Bakker","role":"chair","termStart":"2024-01-01","subject":"`+chair.ID+`"}`)
	yesterday := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	apiJSON(t, jwt.AccessToken, http.MethodPatch, base+"/api/v1/councils/GM0453/members/"+member["id"].(string),
		"application/merge-patch+json", `{"termEnd":"`+yesterday+`"}`)
	testkit.CheckFor(t, 15*time.Second, 100*time.Millisecond, func() error {
		if status := staffPage(t, base, session); status != http.StatusSeeOther {
			return fmt.Errorf("the session of a member whose term ended: status %d, want 303", status)
		}
		return nil
	})
}

// endSession ends a session from outside the browser, as a logout in
// another tab would.
func endSession(t *testing.T, base string, c *http.Cookie) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/auth/logout", nil)
	req.AddCookie(c)
	resp, err := noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: status %d, want 303", resp.StatusCode)
	}
}

// staffPage asks for the council page with a session cookie and returns
// the status: 200 for a live session, 303 (to log in) without one.
func staffPage(t *testing.T, base string, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/raad", nil)
	req.AddCookie(c)
	resp, err := noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// loginOverHTTP logs in without a browser, through the gateway and the
// provider's login page, and returns the session cookie.
func loginOverHTTP(t *testing.T, base string, op *testop.Provider, u testop.User) *http.Cookie {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := c.Get(base + "/auth/login?returnTo=/raad")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	resp, err = c.PostForm(op.Issuer+"/login/username", url.Values{"id": {id}, "username": {u.Username}, "password": {u.Password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	b, _ := url.Parse(base)
	for _, ck := range jar.Cookies(b) {
		if ck.Name == "meedoen_session" {
			return ck
		}
	}
	t.Fatalf("no session after logging in over HTTP (ended at %s, status %d)", resp.Request.URL, resp.StatusCode)
	return nil
}

// apiJSON calls the API with a bearer token and returns the decoded answer,
// which must be a success.
func apiJSON(t *testing.T, token, method, u, contentType, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: status %d: %s", method, u, resp.StatusCode, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return out
}

func noRedirects() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// A gateway whose issuer setting does not name the provider exactly (here
// a trailing slash) starts, says why it is not ready, and answers logins
// with 500, not with the 503 of a provider that is down. It runs on its
// own, against an external database, which gets the gateway's schema.
func TestWrongIssuerFailsReadiness(t *testing.T) {
	t.Parallel()
	op := testop.Start(t, testop.Config{ClientID: "meedoen", ClientSecret: "s", RedirectURI: "http://127.0.0.1:1/auth/callback", RolesClaim: "meedoen_roles"})
	nats, _, _ := testkit.NewJetStream(t)
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	var logs testkit.Buffer
	base := startInProcessLogging(t, &logs, "-target=gateway", "-http-addr=127.0.0.1:0", "-database-url="+testkit.NewDatabase(t), "-nats-url="+nats.ClientURL(),
		"-internal-signing-key="+base64.StdEncoding.EncodeToString(key.Seed()), "-oidc-issuer="+op.Issuer+"/")
	var report struct {
		Checks map[string]string `json:"checks"`
	}
	testkit.CheckFor(t, 10*time.Second, 100*time.Millisecond, func() error {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&report); err != nil {
			return err
		}
		// The body names the failing check; the cause is in the log.
		if resp.StatusCode != http.StatusServiceUnavailable || report.Checks["identity-provider"] != "unavailable" {
			return fmt.Errorf("/readyz: %d %v, want 503 with the identity provider unavailable", resp.StatusCode, report.Checks)
		}
		if !strings.Contains(logs.String(), "calls itself") {
			return errors.New("the log does not name the issuer mismatch")
		}
		return nil
	})
	if got := report.Checks["postgres-gateway"]; got != "ok" {
		t.Errorf("the gateway's own schema: %q, want ok", got)
	}
	resp, err := noRedirects().Get(base + "/auth/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("login with a wrong issuer: status %d, want 500", resp.StatusCode)
	}
}
