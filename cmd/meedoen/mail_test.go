package main

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
)

func TestSetupMail(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	all := []string{"councils", "surveys", "gateway"}
	tests := []struct {
		name        string
		cfg         Config
		targets     []string
		wantSender  bool
		wantMailbox bool
		wantErr     bool
	}{
		{name: "an SMTP server", cfg: Config{SMTPHost: "mail.example.nl", SMTPFrom: "a@example.nl", SMTPTLS: "starttls", Dev: true}, targets: all, wantSender: true},
		{name: "an unknown TLS policy", cfg: Config{SMTPHost: "mail.example.nl", SMTPFrom: "a@example.nl", SMTPTLS: "maybe"}, targets: all, wantErr: true},
		{name: "development without a server", cfg: Config{Dev: true, SMTPFrom: "a@example.nl"}, targets: all, wantSender: true, wantMailbox: true},
		{name: "development, councils only", cfg: Config{Dev: true, SMTPFrom: "a@example.nl"}, targets: []string{"councils"}},
		{name: "production without a server", cfg: Config{SMTPFrom: "a@example.nl"}, targets: all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.cfg.DataDir = t.TempDir()
			sender, mb, err := setupMail(tt.cfg, tt.targets, log)
			if (err != nil) != tt.wantErr {
				t.Fatalf("setupMail: %v, want error %v", err, tt.wantErr)
			}
			if mb != nil {
				defer mb.Close()
				if got, want := mb.Dir(), filepath.Join(tt.cfg.DataDir, "mail"); got != want {
					t.Errorf("mailbox in %s, want %s", got, want)
				}
			}
			if (sender != nil) != tt.wantSender || (mb != nil) != tt.wantMailbox {
				t.Errorf("sender %v, mailbox %v; want sender %v, mailbox %v", sender != nil, mb != nil, tt.wantSender, tt.wantMailbox)
			}
		})
	}
}
