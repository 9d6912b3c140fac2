package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/revision"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

// CreateFinding stores the draft finding that make builds for the group
// with groupID, if access allows. The session and the quoted members it
// names are checked to be the group's in the same transaction. With
// once's key, a repeat returns the finding the first call stored.
func (s *Store) CreateFinding(ctx context.Context, groupID string, access Access,
	make func(g group.Group) (finding.Finding, error), once ...Once) (finding.Finding, error) {
	var out finding.Finding
	o := onceOf(once)
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		c, err := s.claimKey(ctx, tx, o, opCreateFinding, g.ID())
		if err != nil {
			return err
		}
		if !c.fresh {
			out, err = readFinding(ctx, tx, g.ID(), c.resourceIDs[0], "")
			return err
		}
		f, err := make(g)
		if err != nil {
			return err
		}
		if err := checkFindingRefs(ctx, tx, g.ID(), f); err != nil {
			return err
		}
		r := f.Record()
		quotes, err := json.Marshal(quotesJSON(r.Quotes))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO findings (id, group_id, session_id, question_id, statement, breadth, quotes, status,
    created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			r.ID, r.GroupID, nullIfEmpty(r.SessionID), nullIfEmpty(r.QuestionID), r.Statement, string(r.Breadth), quotes,
			string(r.Status), r.CreatedBy, r.CreatedAt)
		if err != nil {
			return fmt.Errorf("storing finding: %w", err)
		}
		out = f
		return keep(ctx, tx, o, opCreateFinding, []string{r.ID}, 0)
	})
	return out, err
}

// checkFindingRefs refuses a session or a quoted member that is not the
// group's, naming the field, in words that do not tell another group's
// from none.
func checkFindingRefs(ctx context.Context, tx pgx.Tx, groupID string, f finding.Finding) error {
	var v errs.Violations
	if id := f.SessionID(); id != "" {
		if _, err := readSession(ctx, tx, groupID, id, ""); err != nil {
			if errs.CodeOf(err) != errs.NotFound {
				return err
			}
			v.Add("/sessionId", "is not a session of this focus group")
		}
	}
	for i, q := range f.Quotes() {
		if q.MemberID == "" {
			continue
		}
		if _, err := readMember(ctx, tx, groupID, q.MemberID, ""); err != nil {
			if errs.CodeOf(err) != errs.NotFound {
				return err
			}
			v.Add(fmt.Sprintf("/quotes/%d/memberId", i), "is not a member of this focus group")
		}
	}
	return v.Err()
}

// Findings returns the findings of the group with groupID, oldest first,
// if access allows.
func (s *Store) Findings(ctx context.Context, groupID string, access Access) ([]finding.Finding, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return nil, err
	}
	if err := access(g); err != nil {
		return nil, err
	}
	return readFindings(ctx, s.pool, `WHERE group_id = $1 ORDER BY id`, g.ID())
}

// Finding returns one finding of the group with groupID, if access allows.
func (s *Store) Finding(ctx context.Context, groupID, id string, access Access) (finding.Finding, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return finding.Finding{}, err
	}
	if err := access(g); err != nil {
		return finding.Finding{}, err
	}
	return readFinding(ctx, s.pool, g.ID(), id, "")
}

// FindingChange changes a finding locked in the transaction.
type FindingChange func(g group.Group, f *finding.Finding) error

// UpdateFinding changes a finding of the group with groupID, if access
// allows, checking the version it was based on after change's own checks.
func (s *Store) UpdateFinding(ctx context.Context, groupID, id string, access Access, change FindingChange,
	expected ...revision.Expected) (finding.Finding, error) {
	return s.onFinding(ctx, groupID, id, access, func(tx pgx.Tx, g group.Group, f *finding.Finding) error {
		version := f.UpdatedAt()
		if err := change(g, f); err != nil {
			return err
		}
		if err := revision.Check("finding", version, expected...); err != nil {
			return err
		}
		return checkFindingRefs(ctx, tx, g.ID(), *f)
	})
}

// AgreeFinding records that the group with groupID agreed a finding, if
// access allows, and announces it: ids, breadth and counts of what may be
// published, never its text.
func (s *Store) AgreeFinding(ctx context.Context, groupID, id string, access Access) (finding.Finding, error) {
	return s.onFinding(ctx, groupID, id, access, func(tx pgx.Tx, g group.Group, f *finding.Finding) error {
		if err := f.Agree(s.now()); err != nil {
			return err
		}
		named, anonymous := f.PublishableCounts()
		return emit(ctx, tx, g, &eventsv1.FindingsRecorded{FocusGroupId: g.ID(), ProcessId: g.Process().ID,
			QuestionId: g.Process().QuestionID, Findings: []*eventsv1.RecordedFinding{{FindingId: f.ID(), SessionId: f.SessionID(),
				Breadth: string(f.Breadth()), NamedQuotes: int32(named), AnonymousQuotes: int32(anonymous)}}})
	})
}

// onFinding locks a finding of the group with groupID, changes it with
// fn and stores it.
func (s *Store) onFinding(ctx context.Context, groupID, id string, access Access,
	fn func(tx pgx.Tx, g group.Group, f *finding.Finding) error) (finding.Finding, error) {
	var out finding.Finding
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		f, err := readFinding(ctx, tx, g.ID(), id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := fn(tx, g, &f); err != nil {
			return err
		}
		if err := writeFinding(ctx, tx, &f); err != nil {
			return err
		}
		out = f
		return nil
	})
	return out, err
}

func writeFinding(ctx context.Context, tx pgx.Tx, f *finding.Finding) error {
	r := f.Record()
	quotes, err := json.Marshal(quotesJSON(r.Quotes))
	if err != nil {
		return err
	}
	var stored time.Time
	err = tx.QueryRow(ctx, `UPDATE findings SET session_id = $2, statement = $3, breadth = $4, quotes = $5, status = $6, agreed_at = $7,
    updated_at = greatest($8, updated_at + interval '1 microsecond')
WHERE id = $1 RETURNING updated_at`, r.ID, nullIfEmpty(r.SessionID), r.Statement, string(r.Breadth), quotes, string(r.Status),
		timeOrNull(r.AgreedAt), r.UpdatedAt).Scan(&stored)
	if err != nil {
		return fmt.Errorf("storing finding: %w", err)
	}
	f.Saved(stored.UTC())
	return nil
}

// Published is a group's agreed findings as they may be shown outside it.
type Published struct {
	Group    group.Group
	Findings []finding.Finding
}

// PublishedFindings returns the group with groupID and its agreed
// findings, oldest agreed first; the caller shows each only through
// finding.Published. Anyone may read them.
func (s *Store) PublishedFindings(ctx context.Context, groupID string) (Published, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return Published{}, err
	}
	list, err := readFindings(ctx, s.pool, `WHERE group_id = $1 AND status = 'agreed' ORDER BY agreed_at, id`, g.ID())
	if err != nil {
		return Published{}, err
	}
	return Published{Group: g, Findings: list}, nil
}

// forgetQuotes deletes the quotes attributed to the member with memberID
// from every finding of the group, for their erasure, and reports how
// many.
func (s *Store) forgetQuotes(ctx context.Context, tx pgx.Tx, groupID, memberID string) (int, error) {
	list, err := s.findingsQuoting(ctx, tx, groupID, memberID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range list {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM findings WHERE id = $1 FOR UPDATE`, f.ID()); err != nil {
			return 0, fmt.Errorf("locking finding: %w", err)
		}
		n += f.ForgetMember(memberID, s.now())
		if err := writeFinding(ctx, tx, &f); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// findingsQuoting returns the findings of the group that quote the member
// with memberID.
func (s *Store) findingsQuoting(ctx context.Context, q querier, groupID, memberID string) ([]finding.Finding, error) {
	return readFindings(ctx, q, `WHERE group_id = $1 AND quotes @> jsonb_build_array(jsonb_build_object('memberId', $2::text))
ORDER BY id`, groupID, memberID)
}

const findingColumns = `id::text, group_id::text, coalesce(session_id::text, ''), coalesce(question_id::text, ''), statement, breadth,
    quotes, status, created_by, created_at, updated_at, agreed_at`

func readFindings(ctx context.Context, q querier, where string, args ...any) ([]finding.Finding, error) {
	rows, err := q.Query(ctx, `SELECT `+findingColumns+` FROM findings `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("reading findings: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanFinding)
	if err != nil {
		return nil, fmt.Errorf("reading findings: %w", err)
	}
	return list, nil
}

func readFinding(ctx context.Context, q querier, groupID, id, lock string) (finding.Finding, error) {
	if !isUUID(id) {
		return finding.Finding{}, FindingNotFound(id)
	}
	rows, err := q.Query(ctx, `SELECT `+findingColumns+` FROM findings WHERE id = $1 AND group_id = $2 `+lock, id, groupID)
	if err != nil {
		return finding.Finding{}, fmt.Errorf("reading finding %s: %w", id, err)
	}
	f, err := pgx.CollectExactlyOneRow(rows, scanFinding)
	if errors.Is(err, pgx.ErrNoRows) {
		return finding.Finding{}, FindingNotFound(id)
	}
	if err != nil {
		return finding.Finding{}, fmt.Errorf("reading finding %s: %w", id, err)
	}
	return f, nil
}

func scanFinding(row pgx.CollectableRow) (finding.Finding, error) {
	var r finding.Record
	var breadth, status string
	var quotes []byte
	var agreed *time.Time
	if err := row.Scan(&r.ID, &r.GroupID, &r.SessionID, &r.QuestionID, &r.Statement, &breadth, &quotes, &status, &r.CreatedBy,
		&r.CreatedAt, &r.UpdatedAt, &agreed); err != nil {
		return finding.Finding{}, err
	}
	var qs []quoteJSON
	if err := json.Unmarshal(quotes, &qs); err != nil {
		return finding.Finding{}, fmt.Errorf("reading the quotes of finding %s: %w", r.ID, err)
	}
	for _, q := range qs {
		r.Quotes = append(r.Quotes, finding.Quote{ID: q.ID, Text: q.Text, Consent: finding.Consent(q.Consent),
			SpeakerName: q.SpeakerName, MemberID: q.MemberID})
	}
	r.Breadth, r.Status = finding.Breadth(breadth), finding.Status(status)
	r.CreatedAt, r.UpdatedAt, r.AgreedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC(), timeOf(agreed)
	return finding.Restore(r), nil
}

// quoteJSON is a quote as stored.
type quoteJSON struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Consent     string `json:"consent"`
	SpeakerName string `json:"speakerName,omitempty"`
	MemberID    string `json:"memberId,omitempty"`
}

func quotesJSON(qs []finding.Quote) []quoteJSON {
	out := make([]quoteJSON, 0, len(qs))
	for _, q := range qs {
		out = append(out, quoteJSON{ID: q.ID, Text: q.Text, Consent: string(q.Consent), SpeakerName: q.SpeakerName, MemberID: q.MemberID})
	}
	return out
}
