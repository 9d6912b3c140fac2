package store

import (
	"context"

	"github.com/meedoen/meedoen/services/surveys/internal/process"
)

// Process returns the projected participation process with id, or
// process.ErrUnknown.
func (s *Store) Process(ctx context.Context, id string) (process.Process, error) {
	return process.Lookup(ctx, s.pool, id)
}
