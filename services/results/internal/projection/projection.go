// Package projection keeps the results service's copies of what the other
// services report: the councils' participation processes and field
// activities, the surveys' closed polls, the focus groups' sessions and
// findings, and the feedback mail the surveys and focus groups services
// deliver. The advice's evidence and the evaluation figures are computed
// from these; no other service's table is ever read.
//
// Each event is applied in its consumer's transaction and recorded by the
// id of what it reports (the event's, or the activity's, poll's or
// session's), so that a redelivery counts once even apart from the
// consumer's inbox; and each marks the figures changed.
package projection

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/results/internal/response"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// Consumers returns the service's consumers of the other services'
// events, one per source stream. log receives events that are skipped.
func Consumers(log *slog.Logger) []events.ConsumerConfig {
	a := applier{log: log}
	return []events.ConsumerConfig{
		{
			Name:   "councils",
			Stream: events.StreamName("councils"),
			Subjects: []string{
				"meedoen.councils.*.process.created",
				"meedoen.councils.*.process.phase_changed",
				"meedoen.councils.*.process.closed",
				"meedoen.councils.*.field_activity.recorded",
			},
			// A process's phase is the last one heard: in stream order,
			// not in the order in which replicas sharing a durable
			// consumer happen to commit.
			Ordered: true,
			Handle:  a.councils,
		},
		{
			Name:     "surveys",
			Stream:   events.StreamName("surveys"),
			Subjects: []string{"meedoen.surveys.*.poll.closed", "meedoen.surveys.*.feedback.delivered"},
			Handle:   a.surveys,
		},
		{
			Name:   "focusgroups",
			Stream: events.StreamName("focusgroups"),
			Subjects: []string{
				"meedoen.focusgroups.*.session.held",
				"meedoen.focusgroups.*.findings.recorded",
				"meedoen.focusgroups.*.feedback.delivered",
			},
			Handle: a.focusgroups,
		},
	}
}

type applier struct{ log *slog.Logger }

// tolerant decodes events of other services' newer versions, which may
// carry fields this version does not know.
var tolerant = protojson.UnmarshalOptions{DiscardUnknown: true}

func (a applier) councils(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	if !a.aboutAProcess(ctx, ev) {
		return nil
	}
	var err error
	switch ev.Name {
	case "process.created":
		var m eventsv1.ProcessCreated
		if err = tolerant.Unmarshal(ev.Data, &m); err == nil {
			participants := slices.Sorted(slices.Values(m.GetParticipatingMunicipalities()))
			_, err = tx.Exec(ctx, `INSERT INTO processes (id, tenant, participants, theme, origin, started_at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, participants = excluded.participants, theme = excluded.theme,
    origin = excluded.origin, started_at = excluded.started_at, updated_at = now()`,
				m.GetProcessId(), ev.Tenant, nonNil(participants), m.GetTheme(), m.GetOrigin(), ev.Time)
		}
	case "process.phase_changed":
		var m eventsv1.ProcessPhaseChanged
		if err = tolerant.Unmarshal(ev.Data, &m); err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO processes (id, phase, closed) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET phase = excluded.phase, closed = processes.closed OR excluded.closed, updated_at = now()`,
				m.GetProcessId(), m.GetToPhase(), m.GetToPhase() == "closed")
		}
	case "process.closed":
		var m eventsv1.ProcessClosed
		if err = tolerant.Unmarshal(ev.Data, &m); err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO processes (id, phase, closed) VALUES ($1, 'closed', true)
ON CONFLICT (id) DO UPDATE SET phase = 'closed', closed = true, updated_at = now()`, m.GetProcessId())
		}
	case "field_activity.recorded":
		var m eventsv1.FieldActivityRecorded
		if err = tolerant.Unmarshal(ev.Data, &m); err == nil {
			// A local process's activity may leave its municipality out:
			// it is the process's.
			_, err = tx.Exec(ctx, `INSERT INTO process_activities (source, process_id, form, municipality, day, residents)
VALUES ($1, $2, $3, coalesce(nullif($4, ''), (SELECT tenant FROM processes WHERE id = $2 AND tenant LIKE 'GM%'), ''), $5::date, $6)
ON CONFLICT (source) DO NOTHING`,
				m.GetFieldActivityId(), m.GetProcessId(), m.GetForm(), m.GetMunicipalityCode(), nullDay(m.GetDate()), max(m.GetResidentsReached(), 0))
		}
	default:
		return fmt.Errorf("councils projection: unexpected event %s", ev.Type)
	}
	if err != nil {
		return fmt.Errorf("projecting %s %s: %w", ev.Type, ev.ID, err)
	}
	return store.ChangedFigures(ctx, tx)
}

func (a applier) surveys(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	if !a.aboutAProcess(ctx, ev) {
		return nil
	}
	switch ev.Name {
	case "poll.closed":
		var m eventsv1.PollClosed
		if err := tolerant.Unmarshal(ev.Data, &m); err != nil {
			return fmt.Errorf("decoding %s %s: %w", ev.Type, ev.ID, err)
		}
		if err := a.pollClosed(ctx, tx, ev, &m); err != nil {
			return err
		}
	case "feedback.delivered":
		if err := a.feedbackDelivered(ctx, tx, ev); err != nil {
			return err
		}
	default:
		return fmt.Errorf("surveys projection: unexpected event %s", ev.Type)
	}
	return store.ChangedFigures(ctx, tx)
}

func (a applier) pollClosed(ctx context.Context, tx pgx.Tx, ev events.Event, m *eventsv1.PollClosed) error {
	tag, err := tx.Exec(ctx, `INSERT INTO process_polls (poll_id, process_id, form, closed_on) VALUES ($1, $2, $3, $4)
ON CONFLICT (poll_id) DO NOTHING`, m.GetPollId(), m.GetProcessId(), m.GetKind(), response.DayOf(ev.Time).Date())
	if err != nil {
		return fmt.Errorf("projecting poll %s: %w", m.GetPollId(), err)
	}
	if tag.RowsAffected() == 0 {
		return nil // a poll closes once
	}
	counts := map[string]int64{}
	for _, c := range m.GetPerMunicipality() {
		counts[c.GetMunicipalityCode()] += int64(max(c.GetResponses(), 0))
	}
	if len(counts) == 0 && m.GetResponses() > 0 {
		counts[""] = int64(m.GetResponses())
	}
	for code, n := range counts {
		if _, err := tx.Exec(ctx, `INSERT INTO process_poll_counts (poll_id, municipality, responses) VALUES ($1, $2, $3)`,
			m.GetPollId(), code, n); err != nil {
			return fmt.Errorf("projecting poll %s: %w", m.GetPollId(), err)
		}
	}
	return nil
}

// delivered is feedback.delivered as both mailing services send it: the
// surveys service's message, and the focus groups service's, which this
// version may not know but which carries the same members.
type delivered struct {
	ProcessID string `json:"processId"`
	ReportID  string `json:"reportId"`
	Delivered int32  `json:"delivered"`
	Failed    int32  `json:"failed"`
}

func (a applier) feedbackDelivered(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	var m delivered
	if err := json.Unmarshal(ev.Data, &m); err != nil {
		return fmt.Errorf("decoding %s %s: %w", ev.Type, ev.ID, err)
	}
	if m.ProcessID == "" || m.ReportID == "" {
		a.log.WarnContext(ctx, "ignoring a feedback delivery for no process or report", "event_id", ev.ID, "type", ev.Type)
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO feedback_deliveries (source, report_id, process_id, service, delivered, failed)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (source) DO NOTHING`, ev.ID, m.ReportID, m.ProcessID, ev.Service, max(m.Delivered, 0), max(m.Failed, 0))
	if err != nil {
		return fmt.Errorf("projecting %s %s: %w", ev.Type, ev.ID, err)
	}
	return nil
}

// findings is findings.recorded as far as the results service needs it:
// the process and how many findings, never their text.
type findings struct {
	ProcessID string            `json:"processId"`
	Findings  []json.RawMessage `json:"findings"`
}

func (a applier) focusgroups(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	if !a.aboutAProcess(ctx, ev) {
		return nil
	}
	var err error
	switch ev.Name {
	case "session.held":
		var m eventsv1.SessionHeld
		if err = tolerant.Unmarshal(ev.Data, &m); err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO process_sessions (session_id, process_id, day, attendees) VALUES ($1, $2, $3, $4)
ON CONFLICT (session_id) DO NOTHING`, m.GetSessionId(), m.GetProcessId(), response.DayOf(ev.Time).Date(), max(m.GetAttendees(), 0))
		}
	case "findings.recorded":
		var m findings
		if err = json.Unmarshal(ev.Data, &m); err == nil {
			_, err = tx.Exec(ctx, `INSERT INTO process_findings (source, process_id, findings) VALUES ($1, $2, $3)
ON CONFLICT (source) DO NOTHING`, ev.ID, m.ProcessID, len(m.Findings))
		}
	case "feedback.delivered":
		err = a.feedbackDelivered(ctx, tx, ev)
	default:
		return fmt.Errorf("focus groups projection: unexpected event %s", ev.Type)
	}
	if err != nil {
		return fmt.Errorf("projecting %s %s: %w", ev.Type, ev.ID, err)
	}
	return store.ChangedFigures(ctx, tx)
}

// aboutAProcess reports whether ev names a participation process by a
// UUID, as every event the projections read does; one that does not (a
// mistake upstream) is logged and skipped, since retrying would not make
// it right.
func (a applier) aboutAProcess(ctx context.Context, ev events.Event) bool {
	var m struct {
		ProcessID string `json:"processId"`
	}
	if err := json.Unmarshal(ev.Data, &m); err == nil && uuid.Validate(m.ProcessID) == nil {
		return true
	}
	a.log.WarnContext(ctx, "ignoring an event that names no participation process", "event_id", ev.ID, "type", ev.Type, "tenant", ev.Tenant)
	return false
}

func nullDay(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
