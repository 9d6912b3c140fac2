package kit

import (
	"context"
	"log/slog"
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

// cache keeps what the pages read from a service and seldom changes,
// such as names: it is kept and read again every directoryFresh, in the
// background, and a service that fails leaves the pages with what was
// read last.
type cache[T any] struct {
	// what names the contents in the log.
	what    string
	readAll func(ctx context.Context) (T, error)
	log     *slog.Logger
	// fresh and retry are directoryFresh and directoryRetry; tests shorten
	// them.
	fresh, retry time.Duration

	mu      sync.Mutex
	value   T             // never changed once published; replaced whole
	have    bool          // whether a read succeeded
	readAt  time.Time     // of the last successful read
	tried   time.Time     // of the last attempt
	reading chan struct{} // closed when the read under way ends; nil if none
}

func newCache[T any](what string, readAll func(ctx context.Context) (T, error), log *slog.Logger) *cache[T] {
	return &cache[T]{what: what, readAll: readAll, log: log, fresh: directoryFresh, retry: directoryRetry}
}

// current returns the value as last read, starting a read when it is
// stale. Only before the first read succeeded does it wait for one, for at
// most directoryFirstWait or until ctx ends; ok is false while nothing was
// read. The value must not be changed.
func (c *cache[T]) current(ctx context.Context) (value T, ok bool) {
	c.mu.Lock()
	value, ok, done := c.value, c.have, c.reading
	now := time.Now()
	stale := now.Sub(c.readAt) >= c.fresh && now.Sub(c.tried) >= c.retry
	if done == nil && stale {
		done = make(chan struct{})
		c.reading, c.tried = done, now
		go c.read(done)
	}
	c.mu.Unlock()
	if ok || done == nil {
		return value, ok
	}
	select {
	case <-done:
	case <-ctx.Done():
	case <-time.After(directoryFirstWait):
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.value, c.have
}

// read reads the whole value, and publishes it if the read succeeded.
func (c *cache[T]) read(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), directoryReadFor)
	defer cancel()
	value, err := c.readAll(ctx)
	c.mu.Lock()
	if err == nil {
		c.value, c.have, c.readAt = value, true, time.Now()
	}
	c.reading = nil
	c.mu.Unlock()
	close(done)
	if err != nil {
		c.log.WarnContext(ctx, "reading "+c.what+"; pages show what they had, or codes", "err", err)
	}
}

// directory keeps the display names of the regions and municipalities the
// councils service knows, by code ("ijmond", "GM0453"), for the pages:
// tenant pickers, the panel sign-up's municipalities, names in tables.
// Names are public facts, read anonymously, and change seldom, so a
// municipality added in the councils service appears within minutes
// without a restart.
type directory = cache[map[string]string]

func newDirectory(api councilsv1.CouncilsServiceClient, log *slog.Logger) *directory {
	return newCache("region and municipality names from the councils service", func(ctx context.Context) (map[string]string, error) {
		return readNames(ctx, api)
	}, log)
}

// readNames reads every region's and municipality's name.
func readNames(ctx context.Context, api councilsv1.CouncilsServiceClient) (map[string]string, error) {
	names := map[string]string{}
	for cursor := ""; ; {
		resp, err := api.ListRegions(ctx, &councilsv1.ListRegionsRequest{Limit: 100, Cursor: cursor})
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
		resp, err := api.ListMunicipalities(ctx, &councilsv1.ListMunicipalitiesRequest{Limit: 100, Cursor: cursor})
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

// TenantNames returns the display names of tenants by code: the fixed ones
// of the configuration when it has them, else the councils service's.
// The map must not be changed.
func (s *Site) TenantNames(ctx context.Context) map[string]string {
	if s.cfg.TenantNames != nil || s.dir == nil {
		return s.cfg.TenantNames
	}
	names, _ := s.dir.current(ctx)
	return names
}
