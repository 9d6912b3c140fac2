package store

import (
	"bytes"
	"sync"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// maxCachedDefinitions bounds the definitions cache; far more polls than
// are open at once in any municipality.
const maxCachedDefinitions = 512

// definitions caches decoded poll definitions by poll id, with the stored
// bytes they were decoded from. Every resident's page view and submit
// reads its poll, and decoding the definition's JSON was the largest
// single cost of a submit (docs/benchmarks.md); the bytes still come from
// the database each time and are compared whole, so a changed definition
// is never served from the cache, whatever the clocks say. Its zero value
// is ready for use.
type definitions struct {
	mu sync.Mutex
	m  map[string]cachedDefinition
}

type cachedDefinition struct {
	raw []byte
	// def holds the fields decodeDefinition fills; poll.Restore copies
	// them, so they are never shared with a poll handed out.
	def poll.Record
}

// decode fills r's definition fields from raw, from the cache when raw is
// what was decoded for r.ID before.
func (c *definitions) decode(raw []byte, r *poll.Record) error {
	if c == nil {
		return decodeDefinition(raw, r)
	}
	c.mu.Lock()
	hit, ok := c.m[r.ID]
	c.mu.Unlock()
	if ok && bytes.Equal(hit.raw, raw) {
		setDefinition(r, hit.def)
		return nil
	}
	if err := decodeDefinition(raw, r); err != nil {
		return err
	}
	var def poll.Record
	setDefinition(&def, *r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedDefinitions {
		c.m = map[string]cachedDefinition{} // start again rather than track use
	}
	c.m[r.ID] = cachedDefinition{raw: bytes.Clone(raw), def: def}
	return nil
}

// setDefinition copies the fields that a poll's definition document holds
// from src to dst.
func setDefinition(dst *poll.Record, src poll.Record) {
	dst.Title, dst.Intro, dst.ResultsSharing = src.Title, src.Intro, src.ResultsSharing
	dst.Audience, dst.Sections = src.Audience, src.Sections
}
