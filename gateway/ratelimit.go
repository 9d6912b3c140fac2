package gateway

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/meedoen/meedoen/gateway/limited"
	"github.com/meedoen/meedoen/internal/auth"
)

// RateLimit is a token bucket per client of the API: a client may send
// Burst requests at once, and its bucket refills at its per-minute rate.
// An authenticated caller is one client wherever it calls from; callers
// without an identity are told apart by IP address (the /64 network for
// IPv6, which one host usually holds entirely).
type RateLimit struct {
	// PerMinute is the rate for authenticated callers. Default 600;
	// negative turns their limit off.
	PerMinute int
	// AnonymousPerMinute is the rate for callers without an identity.
	// Default 120; negative turns their limit off.
	AnonymousPerMinute int
	// Burst is how many requests a client of either kind may send at
	// once. Default a tenth of the client's per-minute rate, at least 1.
	Burst int
	// AnswerBurst is how many residents' answers to polls (the routes
	// LimitPages marks as Answers) one address may send at once, in a
	// bucket of their own that refills at the anonymous rate: a room of
	// people on one Wi-Fi answering a flash poll together must not meet
	// the limit, while a script that throws its cookies away still gets
	// no more than the anonymous rate. Default 40; it never applies to
	// logged-in callers, who keep their own bucket.
	AnswerBurst int
}

// Class is a kind of route with a bucket of its own per client.
type Class int

// The classes of limited routes.
const (
	// API routes, and the web routes that share the API's buckets.
	API Class = iota
	// Answers are residents' answers to polls.
	Answers
)

// Bounds of the per-client state. Once per sweepEvery a request sweeps out
// every bucket that has refilled, which then differs in nothing from a new
// one. Should a flood of new clients reach maxClients between sweeps, each
// newcomer pushes out an arbitrary bucket: memory stays bounded at the price
// of a fresh bucket for the client that lost its own.
const (
	sweepEvery = time.Minute
	maxClients = 1 << 16
)

// policy is the bucket shape of one kind of client.
type policy struct {
	off       bool
	perMinute int
	burst     int
}

func newPolicy(perMinute, def, burst int) policy {
	switch {
	case perMinute < 0:
		return policy{off: true}
	case perMinute == 0:
		perMinute = def
	}
	if burst == 0 {
		burst = max(1, perMinute/10)
	}
	return policy{perMinute: perMinute, burst: burst}
}

func (p policy) limit() rate.Limit { return rate.Limit(float64(p.perMinute) / 60) }

// limiter keeps a token bucket per client. Idle buckets are swept lazily by
// the requests themselves, so it owns no goroutine.
type limiter struct {
	authenticated, anonymous, answers policy
	trusted                           []netip.Prefix
	now                               func() time.Time
	maxClients                        int

	mu        sync.Mutex
	clients   map[string]*rate.Limiter
	lastSweep time.Time
}

func newLimiter(cfg RateLimit, trusted []netip.Prefix) (*limiter, error) {
	if cfg.Burst < 0 {
		return nil, fmt.Errorf("rate limit burst is %d, want a positive number or 0 for the default", cfg.Burst)
	}
	if cfg.AnswerBurst < 0 {
		return nil, fmt.Errorf("answer burst is %d, want a positive number or 0 for the default", cfg.AnswerBurst)
	}
	answerBurst := cfg.AnswerBurst
	if answerBurst == 0 {
		answerBurst = 40
	}
	anonymous := newPolicy(cfg.AnonymousPerMinute, 120, cfg.Burst)
	answers := anonymous
	if !answers.off {
		answers.burst = answerBurst
	}
	for _, p := range trusted {
		if !p.IsValid() {
			return nil, fmt.Errorf("trusted proxy %v is not a valid prefix", p)
		}
	}
	return &limiter{
		authenticated: newPolicy(cfg.PerMinute, 600, cfg.Burst),
		anonymous:     anonymous,
		answers:       answers,
		trusted:       trusted,
		now:           time.Now,
		maxClients:    maxClients,
		clients:       make(map[string]*rate.Limiter),
	}, nil
}

// verdict is the limiter's answer to one request.
type verdict struct {
	allowed bool
	// limit is the bucket size, remaining what is left in it, and reset
	// the time until it is full again.
	limit, remaining int
	reset            time.Duration
	// retryAfter is, when not allowed, the time until one request fits.
	retryAfter time.Duration
}

// take spends one token of the client that sent r. ok is false when the
// client's kind is not limited.
func (l *limiter) take(r *http.Request, class Class) (v verdict, ok bool) {
	key, p := l.client(r, class)
	if p.off {
		return verdict{}, false
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.sweep(now)
	}
	b, found := l.clients[key]
	if !found {
		for k := range l.clients {
			if len(l.clients) < l.maxClients {
				break
			}
			delete(l.clients, k)
		}
		b = rate.NewLimiter(p.limit(), p.burst)
		l.clients[key] = b
	}
	v = verdict{allowed: b.AllowN(now, 1), limit: p.burst}
	tokens := b.TokensAt(now)
	v.remaining = max(0, int(math.Floor(tokens)))
	v.reset = secondsFor(float64(p.burst)-tokens, p.limit())
	if !v.allowed {
		v.retryAfter = max(time.Second, secondsFor(1-tokens, p.limit()))
	}
	return v, true
}

// secondsFor is how long rate takes to refill tokens, in whole seconds
// rounded up, as the Retry-After and RateLimit-Reset headers count.
func secondsFor(tokens float64, r rate.Limit) time.Duration {
	if tokens <= 0 {
		return 0
	}
	return time.Duration(math.Ceil(tokens/float64(r))) * time.Second
}

// sweep drops the buckets that have refilled.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.clients {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(l.clients, k)
		}
	}
}

// client names the client that sent r and the policy for its kind.
func (l *limiter) client(r *http.Request, class Class) (string, policy) {
	if id, ok := auth.FromContext(r.Context()); ok && id.Subject != "" {
		return "sub:" + id.Subject, l.authenticated
	}
	prefix, p := "", l.anonymous
	if class == Answers {
		prefix, p = "answers:", l.answers
	}
	addr := l.clientAddr(r)
	if addr.Is6() {
		return prefix + "net:" + netip.PrefixFrom(addr, 64).Masked().String(), p
	}
	return prefix + "ip:" + addr.String(), p
}

// clientAddr is the TCP peer of r or, when that is a trusted proxy, the
// address the proxies name in X-Forwarded-For: the nearest one that is not
// itself a trusted proxy. Entries further left are the client's word and
// are not believed.
func (l *limiter) clientAddr(r *http.Request) netip.Addr {
	addr := parseAddr(r.RemoteAddr)
	if !l.isTrusted(addr) {
		return addr
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := parseAddr(strings.TrimSpace(hops[i]))
		if !hop.IsValid() {
			break
		}
		addr = hop
		if !l.isTrusted(hop) {
			break
		}
	}
	return addr
}

func (l *limiter) isTrusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range l.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseAddr reads an IP address with or without a port; the zero Addr
// stands for anything else.
func parseAddr(s string) netip.Addr {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap()
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// Limit applies the API's rate limit to next, a handler outside the API
// whose every request costs a call elsewhere: the login callback redeems a
// code at the identity provider, and anyone may call it. It shares the
// API's buckets, so a client's calls there and here count together.
func (g *Gateway) Limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := g.limit(w, r, API); ok {
			next.ServeHTTP(w, r)
		} else {
			g.refuseLimited(w, r, v)
		}
	})
}

// LimitPages applies the rate limit of class to next, web pages that a
// person's browser posts to. A request over the limit still reaches next,
// marked (package limited) and with the Retry-After header set, so that the
// page answers 429 in the person's language, keeps the form as typed and
// acts on nothing.
func (g *Gateway) LimitPages(next http.Handler, class Class) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := g.limit(w, r, class); !ok {
			r = r.WithContext(limited.With(r.Context(), v.retryAfter))
		}
		next.ServeHTTP(w, r)
	})
}

// limit applies the rate limit of class to r. It sets the RateLimit
// headers and, if the client has to wait, Retry-After, and returns false
// with the verdict.
func (g *Gateway) limit(w http.ResponseWriter, r *http.Request, class Class) (verdict, bool) {
	v, ok := g.limiter.take(r, class)
	if !ok {
		return v, true
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(v.limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(v.remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(int(v.reset/time.Second)))
	if v.allowed {
		return v, true
	}
	h.Set("Retry-After", strconv.Itoa(int(v.retryAfter/time.Second)))
	return v, false
}

// refuseLimited answers an API request over the limit: 429 problem JSON.
func (g *Gateway) refuseLimited(w http.ResponseWriter, r *http.Request, v verdict) {
	wait := int(v.retryAfter / time.Second)
	unit := "seconds"
	if wait == 1 {
		unit = "second"
	}
	g.writeProblem(w, r, &problem{
		Status: http.StatusTooManyRequests,
		Detail: fmt.Sprintf("rate limit exceeded; retry after %d %s", wait, unit),
	})
}
