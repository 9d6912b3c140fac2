package workspace

import (
	"net/url"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// boardPage is the data of /trajecten: the tenant's processes by phase.
type boardPage struct {
	Columns []boardColumn
	Total   int
	// Truncated reports that the tenant has more processes than the board
	// shows.
	Truncated bool
}

// boardColumn is one phase of the step plan with its processes.
type boardColumn struct {
	// ID is the column heading's id, e.g. fase-intake.
	ID       string
	PhaseKey string
	Cards    []processCard
}

// processCard is a process on the board.
type processCard struct {
	ID    string
	URL   string
	Title string
	Theme string
	Scope scopeView
	// NextPhaseKey names the next phase; empty for a closed process.
	NextPhaseKey string
	// Unmet is the gate checklist of the next phase: what it still needs.
	Unmet []kit.FieldError
	// Running are its polls taking answers.
	Running []runningForm
}

// boardPageSize is how many processes one call asks for; boardLimit is the
// most the board shows, far more than a council runs at once.
const (
	boardPageSize = 100
	boardLimit    = 1000
)

// board serves GET /trajecten.
func (s *Pages) board(wk *work) error {
	wk.View.TitleKey, wk.View.Subject = "board.title", wk.View.Tenant.Name
	wk.View.Wide = true
	wk.done()
	if _, err := wk.loadThemes(); err != nil {
		return err
	}
	a, err := wk.loadRegion(s)
	if err != nil {
		return err
	}
	p := &boardPage{}
	byPhase := map[councilsv1.Phase]*boardColumn{}
	for _, ph := range phases {
		p.Columns = append(p.Columns, boardColumn{ID: "fase-" + kit.EnumValue(ph.String(), "PHASE_"), PhaseKey: phaseKey(ph)})
	}
	for i, ph := range phases {
		byPhase[ph] = &p.Columns[i]
	}
	cursor := ""
	for {
		resp, err := wk.api.ListProcesses(wk.Context(), &councilsv1.ListProcessesRequest{Tenant: wk.Tenant, Limit: boardPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, pr := range resp.GetProcesses() {
			col, ok := byPhase[pr.GetPhase()]
			if !ok {
				continue // a phase this site does not know yet
			}
			col.Cards = append(col.Cards, processCard{
				ID:           pr.GetId(),
				URL:          "/trajecten/" + url.PathEscape(pr.GetId()),
				Title:        pr.GetTitle(),
				Theme:        wk.themeName(pr.GetTheme()),
				Scope:        wk.scopeView(a, pr.GetScope()),
				NextPhaseKey: nextPhaseKey(pr.GetPhase()),
				Unmet:        gateChecklist(pr.GetNextGateUnmet()),
				Running:      runningForms(wk.Words, pr),
			})
			p.Total++
		}
		cursor = resp.GetNextCursor()
		if cursor == "" {
			break
		}
		if p.Total >= boardLimit {
			p.Truncated = true
			break
		}
	}
	wk.View.Page = p
	return nil
}

// nextPhaseKey is the catalogue key of the phase after ph; "" after the
// last.
func nextPhaseKey(ph councilsv1.Phase) string {
	for i, p := range phases {
		if p == ph && i+1 < len(phases) {
			return phaseKey(phases[i+1])
		}
	}
	return ""
}

// gateChecklist puts a process's next_gate_unmet into words. The service
// names each condition by the path of what is missing ("/preciseQuestion"),
// possibly followed by its English reason; known paths get the page's
// words, the rest is shown as the service wrote it.
func gateChecklist(unmet []string) []kit.FieldError {
	var items []kit.FieldError
	for _, u := range unmet {
		if strings.HasPrefix(u, "/") {
			path, _, _ := strings.Cut(u, ":")
			if key, ok := gateKeys[kit.NormalPath(strings.TrimSpace(path), "")]; ok {
				items = append(items, kit.FieldError{Key: key})
				continue
			}
		}
		_, reason, found := strings.Cut(u, ": ")
		if !found || !strings.HasPrefix(u, "/") {
			reason = u
		}
		items = append(items, kit.Explain(reason))
	}
	return items
}
