package mail

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	smtp "github.com/emersion/go-smtp"
)

// maxMessageBytes bounds one message the development mailbox accepts.
const maxMessageBytes = 10 << 20

// DevMailbox is a mail server for development: it listens on loopback,
// accepts every message without authentication and stores it as an .eml
// file in a directory, and its Handler shows what it received. Never use
// it in production: it keeps every address it is sent.
type DevMailbox struct {
	dir    string
	lis    net.Listener
	server *smtp.Server
}

// Stored is one message the development mailbox received.
type Stored struct {
	// ID names the message (its file name without .eml).
	ID string
	// Received is when it arrived.
	Received time.Time
	// From, To and Subject are the decoded headers.
	From    string
	To      string
	Subject string
	// Header is the whole header.
	Header netmail.Header
	// Text is the plain-text body (from a multipart message, its
	// text/plain part).
	Text string
	// Attachments are the files that came with it, decoded.
	Attachments []Attachment
}

// NewDevMailbox creates dir if need be and binds a loopback port; Run
// serves on it. Call Run (or Close), or the port stays bound.
func NewDevMailbox(dir string) (*DevMailbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("development mailbox: %w", err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("development mailbox: listening: %w", err)
	}
	mb := &DevMailbox{dir: dir, lis: lis}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{mb: mb}, nil
	}))
	s.Domain = "localhost"
	s.MaxMessageBytes = maxMessageBytes
	s.MaxRecipients = 50
	s.ReadTimeout = time.Minute
	s.WriteTimeout = time.Minute
	s.ErrorLog = discardLog{}
	mb.server = s
	return mb, nil
}

// Addr is the host:port the mailbox receives SMTP on.
func (mb *DevMailbox) Addr() string { return mb.lis.Addr().String() }

// Dir is the directory the messages are stored in.
func (mb *DevMailbox) Dir() string { return mb.dir }

// Run serves SMTP until ctx ends, then closes the server.
func (mb *DevMailbox) Run(ctx context.Context) error {
	served := make(chan error, 1)
	go func() { served <- mb.server.Serve(mb.lis) }()
	select {
	case err := <-served:
		return fmt.Errorf("development mailbox: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	if err := mb.server.Shutdown(shutdownCtx); err != nil {
		_ = mb.server.Close()
	}
	// Serve may not have registered the listener yet when Shutdown ran;
	// closing it here ends Serve either way.
	_ = mb.lis.Close()
	<-served // its error now only says that the listener closed
	return nil
}

// Close releases the port of a mailbox that will not Run.
func (mb *DevMailbox) Close() error { return mb.lis.Close() }

// store writes one received message, atomically, under a name that sorts
// by arrival.
func (mb *DevMailbox) store(data []byte) error {
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return err
	}
	id := fmt.Sprintf("%020d-%s", time.Now().UnixNano(), hex.EncodeToString(suffix[:]))
	tmp, err := os.CreateTemp(mb.dir, ".incoming-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(mb.dir, id+".eml"))
}

// validID reports whether id has the shape store gives ids, which also
// keeps a requested id from leaving the directory.
func validID(id string) bool {
	if len(id) != 29 || id[20] != '-' {
		return false
	}
	for i, c := range id {
		switch {
		case i == 20:
		case i < 20 && c >= '0' && c <= '9':
		case i > 20 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'f'):
		default:
			return false
		}
	}
	return true
}

// Messages lists the stored messages, newest first.
func (mb *DevMailbox) Messages() ([]Stored, error) {
	entries, err := os.ReadDir(mb.dir)
	if err != nil {
		return nil, fmt.Errorf("reading development mailbox: %w", err)
	}
	var out []Stored
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".eml")
		if !ok || !validID(id) {
			continue
		}
		m, err := mb.Message(id)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.Reverse(out) // names sort by arrival
	return out, nil
}

// Message reads one stored message.
func (mb *DevMailbox) Message(id string) (Stored, error) {
	if !validID(id) {
		return Stored{}, fmt.Errorf("development mailbox: no message %q", id)
	}
	data, err := os.ReadFile(filepath.Join(mb.dir, id+".eml"))
	if err != nil {
		return Stored{}, fmt.Errorf("reading development mailbox: %w", err)
	}
	m, err := parse(data)
	if err != nil {
		return Stored{}, fmt.Errorf("reading message %s: %w", id, err)
	}
	m.ID = id
	var nanos int64
	fmt.Sscanf(id[:20], "%d", &nanos)
	m.Received = time.Unix(0, nanos)
	return m, nil
}

// parse decodes the headers and the plain-text body of a message.
func parse(data []byte) (Stored, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Stored{}, err
	}
	dec := new(mime.WordDecoder)
	decode := func(s string) string {
		if d, err := dec.DecodeHeader(s); err == nil {
			return d
		}
		return s
	}
	m := Stored{
		From:    decode(msg.Header.Get("From")),
		To:      decode(msg.Header.Get("To")),
		Subject: decode(msg.Header.Get("Subject")),
		Header:  msg.Header,
	}
	if err := m.walk(textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		return Stored{}, err
	}
	return m, nil
}

// walk reads one part of a message (the whole body at first): the first
// text/plain part that is no attachment becomes Text, and every part with
// a file name or an attachment disposition an Attachment.
func (m *Stored) walk(h textproto.MIMEHeader, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.walk(p.Header, p); err != nil {
				return err
			}
		}
	}
	disposition, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	name := cmp.Or(dparams["filename"], params["name"])
	if disposition != "attachment" && name == "" && (mediaType != "text/plain" || m.Text != "") {
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if disposition == "attachment" || name != "" {
		// The name is the attachment's Name; the type keeps its other
		// parameters (an iCalendar file's method).
		delete(params, "name")
		m.Attachments = append(m.Attachments, Attachment{Name: name, ContentType: mime.FormatMediaType(mediaType, params), Data: b})
		return nil
	}
	m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	return nil
}

// newlineStripper drops line breaks, which base64 bodies carry every 76
// characters and the decoder does not expect.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// session receives one SMTP conversation.
type session struct {
	mb *DevMailbox
}

func (s *session) Reset()                               { /* the envelope is not kept */ }
func (s *session) Logout() error                        { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(string, *smtp.RcptOptions) error { return nil }

func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := s.mb.store(data); err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "could not store the message"}
	}
	return nil
}

// discardLog silences the SMTP server's own logging, which would print
// connection errors (and could print addresses) to stderr.
type discardLog struct{}

func (discardLog) Printf(string, ...any) {}
func (discardLog) Println(...any)        {}
