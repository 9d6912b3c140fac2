package identity_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
)

func TestSessionCookieAttributes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *identity.Config, _ *[]devidp.User) { c.SessionTTL = time.Hour })
	b := e.browser(t)
	resp, body := get(t, b, e.srv.URL+"/auth/login")
	wantStatus(t, resp, body, http.StatusFound)
	// Finish the flow by hand to see the callback's Set-Cookie.
	au, _ := url.Parse(resp.Header.Get("Location"))
	form := au.Query()
	form.Set("subject", velsenCM)
	resp, err := b.PostForm(e.issuer+"/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, body = get(t, b, resp.Header.Get("Location"))
	wantStatus(t, resp, body, http.StatusSeeOther)
	var c *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == identity.SessionCookie {
			c = k
		}
	}
	if c == nil {
		t.Fatalf("callback set no %s cookie", identity.SessionCookie)
	}
	// Max-Age counts from when the session was stored, a moment before.
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge < 3590 || c.MaxAge > 3600 {
		t.Errorf("cookie HttpOnly=%v SameSite=%v Path=%q MaxAge=%d; want HttpOnly, Lax, /, an hour", c.HttpOnly, c.SameSite, c.Path, c.MaxAge)
	}
	if strings.Contains(c.Value, velsenCM) || strings.Contains(c.Value, "GM0453") {
		t.Error("session cookie shows its content; it must be encrypted")
	}
}

func TestTamperedSessionCookieIsNoSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	other := newEnv(t) // same code, another session key
	cookieOf := func(e *env) string {
		b := e.browser(t)
		e.login(t, b, velsenCM, "/")
		u, _ := url.Parse(e.srv.URL)
		for _, c := range b.Jar.Cookies(u) {
			if c.Name == identity.SessionCookie {
				return c.Value
			}
		}
		t.Fatal("no session cookie after login")
		return ""
	}
	valid := cookieOf(e)
	// flip changes the top bit of the character's six: the last character
	// of unpadded base64 carries only its top bits, so changing a low one
	// ('A' for 'B') may leave the decoded bytes as they were.
	flip := func(s string, i int) string {
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		b := []byte(s)
		if j := strings.IndexByte(alphabet, b[i]); j >= 0 {
			b[i] = alphabet[j^32]
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name   string
		value  string
		wantID bool
	}{
		{"untouched", valid, true},
		{"one character changed at the start", flip(valid, 0), false},
		{"one character changed in the middle", flip(valid, len(valid)/2), false},
		{"one character changed at the end", flip(valid, len(valid)-1), false},
		{"cut short", valid[:len(valid)-4], false},
		{"not base64", "!!!" + valid, false},
		{"sealed with another key", cookieOf(other), false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := e.whoami(t, e.srv.Client(), func(r *http.Request) {
				r.AddCookie(&http.Cookie{Name: identity.SessionCookie, Value: tt.value})
			})
			if (got != nil) != tt.wantID {
				t.Errorf("identity %+v, want one: %v", got, tt.wantID)
			}
		})
	}
}

func TestCookieSessionRefusesCrossOriginWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	e.login(t, b, velsenCM, "/")
	tests := []struct {
		name     string
		fetch    string
		origin   string
		wantCode int
	}{
		{"same origin", "same-origin", e.srv.URL, http.StatusOK},
		{"no browser headers", "", "", http.StatusOK},
		{"another site", "cross-site", "https://evil.example", http.StatusForbidden},
		{"another origin, old browser", "", "https://evil.example", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/whoami", nil)
			if tt.fetch != "" {
				req.Header.Set("Sec-Fetch-Site", tt.fetch)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			resp, body := do(t, b, req)
			wantStatus(t, resp, body, tt.wantCode)
		})
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	post := func(t *testing.T, b *http.Client, fetch, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/auth/logout", nil)
		req.Header.Set("Sec-Fetch-Site", fetch)
		req.Header.Set("Origin", origin)
		resp, _ := do(t, b, req)
		return resp
	}

	t.Run("same origin ends the session at the gateway and the provider", func(t *testing.T) {
		t.Parallel()
		b := e.browser(t)
		e.login(t, b, velsenCM, "/")
		resp := post(t, b, "same-origin", e.srv.URL)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d, want 303", resp.StatusCode)
		}
		cleared := false
		for _, c := range resp.Cookies() {
			cleared = cleared || (c.Name == identity.SessionCookie && c.MaxAge < 0)
		}
		if !cleared {
			t.Errorf("Set-Cookie %v does not clear %s", resp.Header.Values("Set-Cookie"), identity.SessionCookie)
		}
		end, _ := url.Parse(resp.Header.Get("Location"))
		if got := end.Scheme + "://" + end.Host + end.Path; got != e.issuer+"/logout" {
			t.Errorf("redirected to %s, want the end_session_endpoint", got)
		}
		if end.Query().Get("id_token_hint") == "" {
			t.Errorf("the end_session request %s names no id_token_hint", end)
		}
		if got := e.whoami(t, b, nil); got != nil {
			t.Errorf("identity after logout: %+v", got)
		}
		resp, body := get(t, b, end.String())
		wantStatus(t, resp, body, http.StatusSeeOther)
		if got := resp.Header.Get("Location"); got != e.srv.URL+"/" {
			t.Errorf("provider sent the browser to %q, want %q", got, e.srv.URL+"/")
		}
	})
	t.Run("cross-site is refused", func(t *testing.T) {
		t.Parallel()
		b := e.browser(t)
		e.login(t, b, velsenCM, "/")
		if resp := post(t, b, "cross-site", "https://evil.example"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("status %d, want 403", resp.StatusCode)
		}
		if got := e.whoami(t, b, nil); got == nil {
			t.Error("a cross-site logout ended the session")
		}
	})
	t.Run("GET is not allowed", func(t *testing.T) {
		t.Parallel()
		resp, body := get(t, e.browser(t), e.srv.URL+"/auth/logout")
		wantStatus(t, resp, body, http.StatusMethodNotAllowed)
		if resp.Header.Get("Allow") != "POST" {
			t.Errorf("Allow %q, want POST", resp.Header.Get("Allow"))
		}
	})
}
