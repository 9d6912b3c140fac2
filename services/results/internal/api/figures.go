package api

import (
	"sync"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// figureCache keeps the last evaluation figures computed, by the
// figures_version they were computed at (store.changedFigures bumps it on
// every change they are computed from), so that a public page read often
// does not recompute them while nothing changed. Each replica has its own.
type figureCache struct {
	mu      sync.Mutex
	version int64
	key     string
	figures *pb.Figures
}

// get returns the figures cached for key at version, if any.
func (c *figureCache) get(key string, version int64) (*pb.Figures, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.figures == nil || c.version != version || c.key != key {
		return nil, false
	}
	return c.figures, true
}

// put caches f for key at version.
func (c *figureCache) put(key string, version int64, f *pb.Figures) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.version, c.key, c.figures = version, key, f
}
