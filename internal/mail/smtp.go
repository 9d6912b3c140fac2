package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSPolicy says how an SMTP connection is encrypted.
type TLSPolicy string

// The TLS policies.
const (
	// TLSNone sends in the clear; only for a server on the same host or
	// in a trusted network.
	TLSNone TLSPolicy = "none"
	// TLSStartTLS upgrades a plain connection with STARTTLS and refuses to
	// send if the server cannot (submission, port 587).
	TLSStartTLS TLSPolicy = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465).
	TLSImplicit TLSPolicy = "tls"
)

// ParseTLSPolicy reads a policy's name: none, starttls or tls.
func ParseTLSPolicy(s string) (TLSPolicy, error) {
	switch p := TLSPolicy(s); p {
	case TLSNone, TLSStartTLS, TLSImplicit:
		return p, nil
	}
	return "", fmt.Errorf("unknown TLS policy %q (want none, starttls or tls)", s)
}

// SMTPConfig configures an SMTP sender.
type SMTPConfig struct {
	// Host is the mail server's host name.
	Host string
	// Port is its port; 0 means 587, or 465 with TLSImplicit, or 25 with
	// TLSNone.
	Port int
	// Username and Password authenticate; with no Username the sender
	// does not log in.
	Username string
	Password string
	// From is the sender's address, e.g. "Meedoen <noreply@example.nl>".
	From string
	// TLS is the encryption policy; empty means TLSStartTLS.
	TLS TLSPolicy
	// Timeout bounds connecting and each command; 0 means 30 seconds.
	Timeout time.Duration
}

// SMTP sends messages through a mail server, one connection per message.
type SMTP struct {
	cfg  SMTPConfig
	from *netmail.Address
}

// NewSMTP checks cfg and returns a sender; it does not connect yet.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp sender: no host")
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp sender: from address %q: %w", cfg.From, err)
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if _, err := ParseTLSPolicy(string(cfg.TLS)); err != nil {
		return nil, fmt.Errorf("smtp sender: %w", err)
	}
	if cfg.Port == 0 {
		switch cfg.TLS {
		case TLSImplicit:
			cfg.Port = 465
		case TLSNone:
			cfg.Port = 25
		default:
			cfg.Port = 587
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// Send delivers m.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.message(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return sanitize(err)
	}
	return nil
}

// message builds the MIME message for m.
func (s *SMTP) message(m Message) (*gomail.Msg, error) {
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: invalid recipient address", ErrRejected)
	}
	lang := m.Language
	if lang == "" {
		lang = "nl"
	}
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetGenHeader(gomail.HeaderContentLang, lang)
	if m.UnsubscribeURL != "" {
		msg.SetListUnsubscribe(m.UnsubscribeURL)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, fmt.Errorf("attaching %s: %w", a.Name, err)
		}
	}
	return msg, nil
}

// sanitize rebuilds a delivery error without the parts that may name the
// recipient (go-mail lists the affected recipients, and a server's reply
// may quote them), keeping the reason and the status codes.
func sanitize(err error) error {
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return fmt.Errorf("sending mail: %w", err)
	}
	detail := se.Reason.String()
	if code := se.ErrorCode(); code != 0 {
		detail += fmt.Sprintf(" (%d", code)
		if esc := se.EnhancedStatusCode(); esc != "" {
			detail += " " + esc
		}
		detail += ")"
	}
	if se.IsTemp() || se.ErrorCode() == 0 || se.ErrorCode() < 500 {
		return fmt.Errorf("sending mail: %s", detail)
	}
	return fmt.Errorf("sending mail: %w: %s", ErrRejected, detail)
}
