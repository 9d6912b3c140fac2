package respond

import (
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// formCacheFor is how long a poll's form, as the surveys service last
// described it, serves to read submitted answers without asking again.
// Asking for the poll on every submit was a third of the resident path's
// cost (docs/benchmarks.md). An open poll's questions are frozen, so only
// its status can go stale, and the service checks that on the submit
// itself: a poll that closed meanwhile still refuses the answer.
const formCacheFor = 5 * time.Second

// maxCachedForms bounds the cache; it starts again when full.
const maxCachedForms = 256

// formCache keeps open polls' forms by poll id. The zero value is not
// usable; use newFormCache.
type formCache struct {
	mu    sync.Mutex
	forms map[string]cachedForm
	now   func() time.Time
}

type cachedForm struct {
	rp *surveysv1.RespondentPoll
	at time.Time
}

func newFormCache() *formCache {
	return &formCache{forms: map[string]cachedForm{}, now: time.Now}
}

// put keeps rp, a poll as described to one respondent, when it is open;
// what concerns that respondent alone is left out.
func (c *formCache) put(rp *surveysv1.RespondentPoll) {
	if c == nil || rp.GetId() == "" || rp.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN {
		return
	}
	kept := proto.CloneOf(rp)
	kept.AlreadyAnswered = false
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.forms) >= maxCachedForms {
		c.forms = map[string]cachedForm{}
	}
	c.forms[rp.GetId()] = cachedForm{rp: kept, at: c.now()}
}

// get returns the open poll with id as last described, if that was less
// than formCacheFor ago. It is shared, not copied (a copy per submit cost
// 3 % of the resident path): callers must not change it.
func (c *formCache) get(id string) (*surveysv1.RespondentPoll, bool) {
	if c == nil || id == "" {
		return nil, false
	}
	c.mu.Lock()
	f, ok := c.forms[id]
	c.mu.Unlock()
	if !ok || c.now().Sub(f.at) >= formCacheFor {
		return nil, false
	}
	return f.rp, true
}
