package main

import (
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/config"
)

// Config is the binary's configuration from flags, with defaults from the
// environment.
type Config struct {
	Target   string
	DataDir  string
	HTTPAddr string
	Dev      bool
	LogLevel string

	DatabaseURL string
	NATSURL     string

	// GRPCAddr is where a single service target serves gRPC.
	GRPCAddr string
	// CouncilsAddr, SurveysAddr, FocusgroupsAddr and ResultsAddr are the services' gRPC
	// addresses for a gateway that does not run them in the same process.
	// All default to the single-service -grpc-addr default, so a split
	// deployment sets each. Each may list several replicas' addresses,
	// comma-separated, or be a dns:/// name that resolves to several (a
	// headless Kubernetes service): calls go round robin.
	CouncilsAddr    string
	SurveysAddr     string
	FocusgroupsAddr string
	ResultsAddr     string

	// InternalSigningKey lets the gateway sign the internal tokens services
	// verify; InternalVerifyKeys are the public keys services accept.
	InternalSigningKey string `secret:"true"`
	InternalVerifyKeys string
	NewInternalKey     bool

	// PublicURL is the base URL people and the identity provider reach the
	// gateway at; empty means http://<http-addr>.
	PublicURL string
	// ContactEmail is where people report accessibility problems and ask
	// about their data, shown on the accessibility and privacy pages.
	ContactEmail     string
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string `secret:"true"`
	OIDCRolesClaim   string
	// OIDCAPIAudience lists the aud values bearer tokens may carry,
	// comma-separated; empty means the client id (the development
	// provider's API audience with its built-in provider).
	OIDCAPIAudience string
	// OIDCScopes are the scopes a login asks for, space- or
	// comma-separated; openid is always among them.
	OIDCScopes string
	// OIDCIntrospection lets opaque access tokens in through the
	// provider's token introspection (RFC 7662).
	OIDCIntrospection bool
	// OIDCRecheckInterval is how often a session is confirmed at the
	// provider.
	OIDCRecheckInterval time.Duration
	// SessionKey seals session cookies; empty uses a key the gateway
	// makes once and keeps in its schema. SessionTTL is the longest a
	// login lasts.
	SessionKey    string `secret:"true"`
	SessionTTL    time.Duration
	RespondentKey string `secret:"true"`
	// Postcodes is a CSV file of postcodes and municipality codes; empty
	// uses the built-in IJmond demo table.
	Postcodes string
	// Neighbourhoods is a CSV file of the neighbourhoods residents may
	// choose from, per municipality; empty uses the built-in IJmond demo
	// table.
	Neighbourhoods string
	// FocusgroupRoles is a CSV file of extra focus-group member roles per
	// tenant; empty leaves every tenant the built-in roles alone.
	FocusgroupRoles string

	// SMTP* name the mail server the surveys service sends through; with
	// no host, -dev sends to the development mailbox at /dev/mail and
	// otherwise no mail is sent. The password is read from the
	// environment only, so it never shows in a process list.
	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string `secret:"true"`
	SMTPFrom     string
	SMTPTLS      string

	RateLimit          int
	AnonymousRateLimit int
	AnswerBurst        int
	TrustedProxies     string

	StreamReplicas int
	// MinCell is the smallest count public tallies show; MinCellBy raises
	// it per municipality ("GM0453=10,GM0375=8").
	MinCell   int
	MinCellBy string
	// ReportURL is where a published report can be read, with {id} for
	// the report's id, for the link in feedback mails.
	ReportURL       string
	OutboxRetention time.Duration
	MaxBodyBytes    int64
	ShutdownTimeout time.Duration
}

func parseConfig(args []string, stderr io.Writer) (Config, error) {
	if err := config.LoadSecretFiles(secretEnv...); err != nil {
		return Config{}, err
	}
	var c Config
	fs := newFlagSet(&c, stderr)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if _, err := pick(modules(), c.Target); err != nil {
		return Config{}, err
	}
	if err := checkReportURL(c.ReportURL); err != nil {
		return Config{}, err
	}
	if c.OIDCRecheckInterval <= 0 || c.SessionTTL <= 0 || c.OIDCRecheckInterval > c.SessionTTL {
		return Config{}, fmt.Errorf("-oidc-recheck-interval and -session-ttl: want both positive, the interval no longer than the session (got %s and %s)",
			c.OIDCRecheckInterval, c.SessionTTL)
	}
	return c, nil
}

// newFlagSet defines the binary's flags on c, with defaults from the
// environment.
func newFlagSet(c *Config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("meedoen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Target, "target", config.Env("MEEDOEN_TARGET", "all"), "component(s) to run: all, or a comma-separated list of "+strings.Join(components(modules()), ", "))
	fs.StringVar(&c.DataDir, "data-dir", config.Env("MEEDOEN_DATA_DIR", "./var"), "directory for the embedded NATS store (nats/) and PostgreSQL cluster (pg/)")
	fs.StringVar(&c.HTTPAddr, "http-addr", config.Env("MEEDOEN_HTTP_ADDR", "127.0.0.1:8080"), "HTTP listen address for web, API, /healthz, /readyz and /metrics; port 0 picks a free one")
	fs.BoolVar(&c.Dev, "dev", config.EnvBool("MEEDOEN_DEV", false), "development mode: load the IJmond demo data and, without -oidc-issuer, serve an identity provider at /dev/oidc where anyone can log in as any demo user, admin included")
	fs.StringVar(&c.LogLevel, "log-level", config.Env("MEEDOEN_LOG_LEVEL", "info"), "log level: debug, info, warn or error")
	fs.StringVar(&c.DatabaseURL, "database-url", config.Env("DATABASE_URL", ""), "PostgreSQL URL; empty in -target=all starts a private cluster under -data-dir")
	fs.StringVar(&c.NATSURL, "nats-url", config.Env("NATS_URL", ""), "NATS URL; empty in -target=all starts an embedded server under -data-dir")
	fs.StringVar(&c.GRPCAddr, "grpc-addr", config.Env("MEEDOEN_GRPC_ADDR", "127.0.0.1:9090"), "gRPC listen address of a single service target")
	fs.StringVar(&c.CouncilsAddr, "councils-addr", config.Env("COUNCILS_ADDR", "127.0.0.1:9090"), "councils gRPC address, for a gateway without the councils service in the same process; a comma-separated list, or a dns:/// name of several addresses, spreads calls over the replicas")
	fs.StringVar(&c.SurveysAddr, "surveys-addr", config.Env("SURVEYS_ADDR", "127.0.0.1:9090"), "surveys gRPC address, for a gateway without the surveys service in the same process; a comma-separated list, or a dns:/// name of several addresses, spreads calls over the replicas")
	fs.StringVar(&c.FocusgroupsAddr, "focusgroups-addr", config.Env("FOCUSGROUPS_ADDR", "127.0.0.1:9090"), "focus groups gRPC address, for a gateway without the focus groups service in the same process; a comma-separated list, or a dns:/// name of several addresses, spreads calls over the replicas")
	fs.StringVar(&c.ResultsAddr, "results-addr", config.Env("RESULTS_ADDR", "127.0.0.1:9090"), "results gRPC address, for a gateway without the results service in the same process; a comma-separated list, or a dns:/// name of several addresses, spreads calls over the replicas")
	fs.StringVar(&c.InternalSigningKey, "internal-signing-key", config.Env("MEEDOEN_INTERNAL_SIGNING_KEY", ""), "base64 Ed25519 seed the gateway signs internal tokens with; -target=all makes one per start when empty")
	fs.StringVar(&c.InternalVerifyKeys, "internal-verify-keys", config.Env("MEEDOEN_INTERNAL_VERIFY_KEYS", ""), "comma-separated base64 Ed25519 public keys services accept internal tokens from")
	fs.BoolVar(&c.NewInternalKey, "new-internal-key", false, "print a new internal signing key and its public key, then exit")
	fs.StringVar(&c.ContactEmail, "contact-email", config.Env("MEEDOEN_CONTACT_EMAIL", ""), "address the accessibility statement and privacy page give for problems and questions; empty points people to their municipality or council")
	fs.StringVar(&c.PublicURL, "public-url", config.Env("MEEDOEN_PUBLIC_URL", ""), "base URL of the gateway as browsers and the identity provider see it; default http://<http-addr>")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", config.Env("OIDC_ISSUER", ""), "OpenID Connect issuer of staff identities; with -dev and empty, the built-in development provider at /dev/oidc")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", config.Env("OIDC_CLIENT_ID", "meedoen"), "client id of the gateway at the identity provider")
	fs.StringVar(&c.OIDCClientSecret, "oidc-client-secret", config.Env("OIDC_CLIENT_SECRET", ""), "client secret, if the provider issued one (PKCE is always used)")
	fs.StringVar(&c.OIDCRolesClaim, "oidc-roles-claim", config.Env("OIDC_ROLES_CLAIM", "meedoen_roles"), "token claim with the person's grants as \"<role>@<tenant>\" entries (a list, a string or an object keyed by role); dots make a path into nested claims, e.g. realm_access.roles")
	fs.StringVar(&c.OIDCAPIAudience, "oidc-api-audience", config.Env("OIDC_API_AUDIENCE", ""), "comma-separated aud values API bearer tokens may carry (Keycloak's audience mapper, Entra's Application ID URI or client id); empty means the client id")
	fs.StringVar(&c.OIDCScopes, "oidc-scopes", config.Env("OIDC_SCOPES", "openid profile"), "scopes a login asks for, space-separated; openid is always added (ADFS: allatclaims; Entra ID and Zitadel: offline_access for refresh tokens)")
	fs.BoolVar(&c.OIDCIntrospection, "oidc-introspection", config.EnvBool("OIDC_INTROSPECTION", false), "accept opaque (non-JWT) access tokens by asking the provider's token introspection endpoint (RFC 7662); needs -oidc-client-secret")
	fs.DurationVar(&c.OIDCRecheckInterval, "oidc-recheck-interval", config.EnvDuration("OIDC_RECHECK_INTERVAL", time.Minute), "how often a session is confirmed at the provider with its refresh token, so a role removed or an account disabled there shows")
	fs.StringVar(&c.Postcodes, "postcodes", config.Env("MEEDOEN_POSTCODES", ""), "CSV file of postcode;gemeentecode rows (PC4 or PC6) for open polls that check the municipality; empty uses the built-in IJmond demo table")
	fs.StringVar(&c.Neighbourhoods, "neighbourhoods", config.Env("MEEDOEN_NEIGHBOURHOODS", ""), "CSV file of gemeentecode;wijkcode;wijknaam rows: the neighbourhoods panel members choose from; empty uses the built-in IJmond demo table")
	fs.StringVar(&c.FocusgroupRoles, "focusgroup-roles", config.Env("MEEDOEN_FOCUSGROUP_ROLES", ""), "CSV file of tenant,key,label_nl,label_en,resident rows: extra focus group member roles per municipality (GM0453) or region, besides the seven built-in ones; empty uses the built-in roles only")
	fs.StringVar(&c.RespondentKey, "respondent-key", config.Env("MEEDOEN_RESPONDENT_KEY", ""), "base64 key of 32 bytes sealing residents' per-browser cookies on open polls; when empty, one made at the first start and kept in the gateway's schema")
	fs.StringVar(&c.SessionKey, "session-key", config.Env("MEEDOEN_SESSION_KEY", ""), "base64 key of at least 32 bytes sealing web session cookies and the provider tokens kept with sessions; empty uses one the gateway makes once and keeps in its database schema")
	fs.DurationVar(&c.SessionTTL, "session-ttl", config.EnvDuration("MEEDOEN_SESSION_TTL", 8*time.Hour), "the longest a staff login lasts")
	fs.IntVar(&c.RateLimit, "rate-limit", config.EnvInt("MEEDOEN_RATE_LIMIT", 600), "API requests per minute per logged-in person; negative turns the limit off")
	fs.IntVar(&c.AnonymousRateLimit, "anonymous-rate-limit", config.EnvInt("MEEDOEN_ANONYMOUS_RATE_LIMIT", 120), "API requests per minute per address without a login; negative turns the limit off")
	fs.IntVar(&c.AnswerBurst, "answer-burst", config.EnvInt("MEEDOEN_ANSWER_BURST", 40), "residents' poll answers one address may send at once (a room answering together on one Wi-Fi), refilled at the anonymous rate")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", config.Env("MEEDOEN_TRUSTED_PROXIES", ""), "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed")
	fs.IntVar(&c.MinCell, "min-cell", config.EnvInt("MEEDOEN_MIN_CELL", 5), "smallest count a public tally or export shows (small-cell suppression)")
	fs.StringVar(&c.MinCellBy, "min-cell-by", config.Env("MEEDOEN_MIN_CELL_BY", ""), "larger minimum cells per municipality, e.g. GM0453=10,GM0375=8")
	fs.StringVar(&c.ReportURL, "report-url", config.Env("MEEDOEN_REPORT_URL", ""), "address of a published report, with {id} for its id, linked from the mails to residents who asked to hear about the outcome; empty leaves the link out")
	fs.StringVar(&c.SMTPHost, "smtp-host", config.Env("MEEDOEN_SMTP_HOST", ""), "mail server for invitations and feedback mails; empty sends none, or with -dev sends to the development mailbox at /dev/mail")
	fs.IntVar(&c.SMTPPort, "smtp-port", config.EnvInt("MEEDOEN_SMTP_PORT", 0), "mail server port; 0 means 587 (starttls), 465 (tls) or 25 (none)")
	fs.StringVar(&c.SMTPUsername, "smtp-username", config.Env("MEEDOEN_SMTP_USERNAME", ""), "mail server login; empty sends without logging in (the password comes from MEEDOEN_SMTP_PASSWORD)")
	c.SMTPPassword = config.Env("MEEDOEN_SMTP_PASSWORD", "")
	fs.StringVar(&c.SMTPFrom, "smtp-from", config.Env("MEEDOEN_SMTP_FROM", "Meedoen <noreply@meedoen.localhost>"), "sender address of the mails")
	fs.StringVar(&c.SMTPTLS, "smtp-tls", config.Env("MEEDOEN_SMTP_TLS", "starttls"), "mail server encryption: starttls, tls (implicit, port 465) or none")
	fs.IntVar(&c.StreamReplicas, "stream-replicas", config.EnvInt("MEEDOEN_STREAM_REPLICAS", 1), "JetStream stream replicas (3 on a NATS cluster)")
	fs.DurationVar(&c.OutboxRetention, "outbox-retention", config.EnvDuration("MEEDOEN_OUTBOX_RETENTION", 7*24*time.Hour), "how long published outbox rows are kept so streams can be rebuilt")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", int64(config.EnvInt("MEEDOEN_MAX_BODY_BYTES", 1<<20)), "largest accepted request body")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", config.EnvDuration("MEEDOEN_SHUTDOWN_TIMEOUT", 10*time.Second), "how long in-flight requests may take to finish on stop")
	return fs
}

// checkReportURL accepts an empty -report-url, or an absolute http(s)
// address that names the report by {id}: a mail's link must lead to the
// report it announces.
func checkReportURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(strings.ReplaceAll(s, "{id}", "x"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || !strings.Contains(s, "{id}") {
		return fmt.Errorf("-report-url: want an http(s) address with {id} for the report, e.g. https://meedoen.example.nl/verslagen/{id}; got %q", s)
	}
	return nil
}

// embedded says whether this process runs everything, and so may start its
// own NATS server and PostgreSQL cluster.
func (c Config) embedded() bool { return c.Target == "all" || c.Target == "" }

// parseMinCellBy reads -min-cell-by: comma-separated CBS code=count pairs.
func parseMinCellBy(s string) (map[string]int, error) {
	out := map[string]int{}
	for pair := range strings.SplitSeq(s, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		code, n, ok := strings.Cut(pair, "=")
		count, err := strconv.Atoi(strings.TrimSpace(n))
		if !ok || err != nil || count < 1 || !strings.HasPrefix(strings.TrimSpace(code), "GM") {
			return nil, fmt.Errorf("-min-cell-by: %q is not GMxxxx=count", pair)
		}
		out[strings.TrimSpace(code)] = count
	}
	return out, nil
}

// splitList reads a list setting: items separated by commas or spaces.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}
