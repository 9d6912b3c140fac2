package webtest

import (
	"context"
	"slices"
	"sync"

	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// Recorder is what every fake service does beside its own work: it
// records each method's last request, counts the calls and who made them,
// and answers the error a test set for a method. A fake embeds it and
// calls Call first in each method.
type Recorder struct {
	mu       sync.Mutex
	fail     map[string]error
	got      map[string]proto.Message
	calls    map[string]int
	subjects []string
}

// Call records req under method, and the caller's subject when WithSubject
// passed one in ctx, and returns the error the test set for method, if
// any.
func (r *Recorder) Call(ctx context.Context, method string, req proto.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.got == nil {
		r.got, r.calls = map[string]proto.Message{}, map[string]int{}
	}
	r.got[method] = proto.Clone(req)
	r.calls[method]++
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		r.subjects = append(r.subjects, md.Get(SubjectKey)...)
	}
	return r.fail[method]
}

// FailWith makes method answer err from now on; nil undoes it.
func (r *Recorder) FailWith(method string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail == nil {
		r.fail = map[string]error{}
	}
	r.fail[method] = err
}

// Request returns the last request of method, or nil.
func (r *Recorder) Request(method string) proto.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[method]
}

// CallsOf counts the calls of method.
func (r *Recorder) CallsOf(method string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[method]
}

// Subjects are the subjects of the calls made with one, in order.
func (r *Recorder) Subjects() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.subjects)
}
