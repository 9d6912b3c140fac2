package main

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/services/surveys"
)

// devMailPath is where the gateway shows the development mailbox.
const devMailPath = "/dev/mail"

// setupMail returns what the surveys service sends mail with: the SMTP
// server -smtp-host names or, in development without one, a development
// mailbox under <data-dir>/mail, which it returns too (the caller runs it
// and shows it at devMailPath). Without either it returns no sender, and
// the service queues its mail unsent.
func setupMail(cfg Config, targets []string, log *slog.Logger) (mail.Sender, *mail.DevMailbox, error) {
	if cfg.SMTPHost != "" {
		tls, err := mail.ParseTLSPolicy(cfg.SMTPTLS)
		if err != nil {
			return nil, nil, fmt.Errorf("-smtp-tls: %w", err)
		}
		s, err := mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: tls})
		if err != nil {
			return nil, nil, err
		}
		return s, nil, nil
	}
	if !cfg.Dev || !(contains(targets, surveys.Name) || contains(targets, "gateway")) {
		if contains(targets, surveys.Name) {
			log.Warn("no -smtp-host: mail is queued but not sent")
		}
		return nil, nil, nil
	}
	mb, err := mail.NewDevMailbox(filepath.Join(cfg.DataDir, "mail"))
	if err != nil {
		return nil, nil, err
	}
	host, port, err := net.SplitHostPort(mb.Addr())
	if err != nil {
		mb.Close()
		return nil, nil, fmt.Errorf("development mailbox: %w", err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		mb.Close()
		return nil, nil, fmt.Errorf("development mailbox: %w", err)
	}
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: p, From: cfg.SMTPFrom, TLS: mail.TLSNone})
	if err != nil {
		mb.Close()
		return nil, nil, err
	}
	log.Info("mail goes to the development mailbox", "smtp", mb.Addr(), "dir", mb.Dir())
	return s, mb, nil
}
