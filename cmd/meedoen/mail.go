package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/services/surveys"
)

// initMail sets up what the surveys service sends mail with and, in
// development, the mailbox the gateway shows (setupMail).
func (a *app) initMail(context.Context) (component, error) {
	var err error
	if a.mailer, a.mailbox, err = setupMail(a.cfg, a.targets, a.log); err != nil || a.mailbox == nil {
		return component{}, err
	}
	mb := a.mailbox
	return component{run: mb.Run, stop: func() { _ = mb.Close() }}, nil
}

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
	if !cfg.Dev || !(slices.Contains(targets, surveys.Name) || slices.Contains(targets, gatewayTarget)) {
		if slices.Contains(targets, surveys.Name) {
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
