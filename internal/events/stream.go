package events

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DeadLetterStream holds messages that consumers gave up on, under
// meedoen.dlq.<service>.<consumer>.
const DeadLetterStream = "MEEDOEN_DLQ"

// StreamName is the JetStream stream of a service's events.
func StreamName(service string) string { return "MEEDOEN_" + strings.ToUpper(service) }

// StreamConfig sets how a service's stream is provisioned.
type StreamConfig struct {
	// Replicas is 1 in embedded mode and 3 on a NATS cluster.
	Replicas int
	// DuplicateWindow is how long JetStream remembers message ids to drop
	// duplicates; the relay's retries fall well inside it.
	DuplicateWindow time.Duration
	// MaxAge bounds how long events stay in the stream; 0 keeps them, which
	// lets a new projection replay history.
	MaxAge time.Duration
}

// ProvisionStreams creates or updates the stream of service and the shared
// dead-letter stream. It is idempotent, so every replica may call it at start,
// and it waits for a JetStream that is still starting (whileStarting).
func ProvisionStreams(ctx context.Context, js jetstream.JetStream, service string, cfg StreamConfig) error {
	if cfg.Replicas <= 0 {
		cfg.Replicas = 1
	}
	if cfg.DuplicateWindow <= 0 {
		cfg.DuplicateWindow = 2 * time.Minute
	}
	streams := []jetstream.StreamConfig{
		{
			Name:        StreamName(service),
			Description: "Meedoen " + service + " events",
			Subjects:    []string{SubjectPrefix + "." + service + ".>"},
			Storage:     jetstream.FileStorage,
			Replicas:    cfg.Replicas,
			Duplicates:  cfg.DuplicateWindow,
			MaxAge:      cfg.MaxAge,
			Retention:   jetstream.LimitsPolicy,
		},
		{
			Name:        DeadLetterStream,
			Description: "Meedoen events that consumers could not apply",
			Subjects:    []string{SubjectPrefix + ".dlq.>"},
			Storage:     jetstream.FileStorage,
			Replicas:    cfg.Replicas,
			Retention:   jetstream.LimitsPolicy,
		},
	}
	for _, sc := range streams {
		err := whileStarting(ctx, func(ctx context.Context) error {
			_, err := js.CreateOrUpdateStream(ctx, sc)
			return err
		})
		if err != nil {
			// Two replicas starting together may race on creation.
			if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
				continue
			}
			return fmt.Errorf("provisioning stream %s: %w", sc.Name, err)
		}
	}
	return nil
}
