package web

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"time"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

const (
	// directoryFresh is how long the names read from the councils service
	// serve before they are read again (in the background; pages keep the
	// names they have meanwhile).
	directoryFresh = 5 * time.Minute
	// directoryRetry spaces attempts while the councils service fails.
	directoryRetry = 10 * time.Second
	// directoryFirstWait bounds how long the first page waits for the
	// first read; after that it shows codes where it lacks names.
	directoryFirstWait = 2 * time.Second
	// directoryReadFor bounds one read.
	directoryReadFor = 10 * time.Second
)

// directory keeps the display names of the regions and municipalities the
// councils service knows, by code ("ijmond", "GM0453"), for the pages:
// tenant pickers, the panel sign-up's municipalities, names in tables.
// Names are public facts, read anonymously, and change seldom: they are
// kept and read again every directoryFresh, so a municipality added in
// the councils service appears within minutes without a restart.
type directory struct {
	api councilsv1.CouncilsServiceClient
	log *slog.Logger
	// fresh and retry are directoryFresh and directoryRetry; tests shorten
	// them.
	fresh, retry time.Duration

	mu      sync.Mutex
	names   map[string]string // never changed once published; replaced whole
	readAt  time.Time         // of the last successful read
	tried   time.Time         // of the last attempt
	reading chan struct{}     // closed when the read under way ends; nil if none
}

func newDirectory(api councilsv1.CouncilsServiceClient, log *slog.Logger) *directory {
	return &directory{api: api, log: log, fresh: directoryFresh, retry: directoryRetry}
}

// current returns the names as last read, starting a read when they are
// stale. Only before the first read succeeded does it wait for one, for at
// most directoryFirstWait or until ctx ends. The map must not be changed.
func (d *directory) current(ctx context.Context) map[string]string {
	d.mu.Lock()
	names, done := d.names, d.reading
	now := time.Now()
	stale := now.Sub(d.readAt) >= d.fresh && now.Sub(d.tried) >= d.retry
	if done == nil && stale {
		done = make(chan struct{})
		d.reading, d.tried = done, now
		go d.read(done)
	}
	d.mu.Unlock()
	if names != nil || done == nil {
		return names
	}
	select {
	case <-done:
	case <-ctx.Done():
	case <-time.After(directoryFirstWait):
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.names
}

// read reads every region and municipality, and publishes the names if
// the whole read succeeded.
func (d *directory) read(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), directoryReadFor)
	defer cancel()
	names, err := d.readAll(ctx)
	d.mu.Lock()
	if err == nil {
		d.names, d.readAt = names, time.Now()
	}
	d.reading = nil
	d.mu.Unlock()
	close(done)
	if err != nil {
		d.log.WarnContext(ctx, "reading region and municipality names from the councils service; pages show codes where they lack names", "err", err)
	}
}

func (d *directory) readAll(ctx context.Context) (map[string]string, error) {
	names := map[string]string{}
	for cursor := ""; ; {
		resp, err := d.api.ListRegions(ctx, &councilsv1.ListRegionsRequest{Limit: 100, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, r := range resp.GetRegions() {
			names[r.GetId()] = r.GetName()
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	for cursor := ""; ; {
		resp, err := d.api.ListMunicipalities(ctx, &councilsv1.ListMunicipalitiesRequest{Limit: 100, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, m := range resp.GetMunicipalities() {
			names[m.GetCode()] = m.GetName()
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	return names, nil
}

// tenantNames returns the display names of tenants by code: the fixed ones
// of the configuration when it has them, else the councils service's.
// The map must not be changed.
func (s *Site) tenantNames(ctx context.Context) map[string]string {
	if s.cfg.TenantNames != nil || s.dir == nil {
		return s.cfg.TenantNames
	}
	return s.dir.current(ctx)
}

// copyNames is a map the caller may change.
func copyNames(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	maps.Copy(out, m)
	return out
}
