package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/gateway"
	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/gateway/web"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/postcode"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/services/focusgroups"
)

// app is one run of the binary: its configuration, and what its modules
// have started so far, for the modules after them. A module's init sets
// the fields it owns; the others read them. Nothing outside run and the
// tests holds an app.
type app struct {
	cfg    Config
	hooks  hooks
	stdout io.Writer
	stderr io.Writer
	// targets are the components this process runs, in start order.
	targets []string

	started []component
	errc    chan error
	wg      sync.WaitGroup
	// cancelRuns ends the runs' context; nil until launch.
	cancelRuns context.CancelFunc

	tel            *telemetry.Telemetry
	log            *slog.Logger
	health         *health.Checker
	postcodes      *postcode.Table
	neighbourhoods *neighbourhood.Table
	groupRoles     *focusgroups.Roles
	databaseURL    string
	nc             *nats.Conn
	js             jetstream.JetStream
	signer         *auth.Signer
	verifier       *auth.Verifier
	deps           platform.Deps
	mailer         mail.Sender
	mailbox        *mail.DevMailbox
	// local are the services this process runs, by name.
	local map[string]*platform.Service

	mux      *http.ServeMux
	listener net.Listener
	// base is the public base URL, without a trailing slash.
	base        string
	conns       gateway.Conns
	sessions    *store.Store
	devProvider *devidp.Provider
	issuer      string
	api         *gateway.Gateway
	authn       *identity.Authenticator
	site        *web.Site
}

// newApp returns the app for one run of the modules in mods.
func newApp(cfg Config, mods []module, stdout, stderr io.Writer, h hooks) *app {
	a := &app{cfg: cfg, hooks: h, stdout: stdout, stderr: stderr, local: map[string]*platform.Service{}}
	for _, m := range mods {
		if m.target && m.init != nil {
			a.targets = append(a.targets, m.name)
		}
	}
	return a
}

// start starts mods in order. Whatever started before a failure is
// stopped by stop.
func (a *app) start(ctx context.Context, mods []module) error {
	for _, m := range mods {
		if m.init == nil {
			continue
		}
		c, err := m.init(a, ctx)
		if err != nil {
			return err
		}
		a.started = append(a.started, c)
	}
	return nil
}

// launch begins every started module's run, then lets each module do what
// needs everything running (ready).
func (a *app) launch(ctx context.Context) {
	// The runs end when wait says so, not with ctx: first HTTP stops
	// taking requests, then the rest is told to end.
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a.cancelRuns = cancel
	a.errc = make(chan error, len(a.started))
	for _, c := range a.started {
		if c.run != nil {
			a.wg.Go(func() {
				if err := c.run(runCtx); err != nil {
					a.errc <- err
				}
			})
		}
	}
	for _, c := range a.started {
		if c.ready != nil {
			c.ready(ctx)
		}
	}
}

// wait returns once ctx ends or a run fails, after draining what takes
// work from outside (within -shutdown-timeout) and ending every run.
func (a *app) wait(ctx context.Context) error {
	var runErr error
	select {
	case <-ctx.Done():
		a.log.Info("stopping")
	case runErr = <-a.errc:
		a.log.Error("component failed; stopping", "error", runErr)
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.cfg.ShutdownTimeout)
	defer cancel()
	for i := len(a.started) - 1; i >= 0; i-- {
		if drain := a.started[i].drain; drain != nil {
			drain(sctx)
		}
	}
	a.cancelRuns()
	a.wg.Wait()
	close(a.errc)
	for err := range a.errc {
		runErr = errors.Join(runErr, err)
	}
	a.log.Info("stopped")
	return runErr
}

// stop releases what the started modules took, last started first.
func (a *app) stop() {
	if a.cancelRuns != nil {
		// wait has ended the runs already, unless it never ran; then
		// they end here, before what they use is released.
		a.cancelRuns()
		a.wg.Wait()
	}
	for i := len(a.started) - 1; i >= 0; i-- {
		if stop := a.started[i].stop; stop != nil {
			stop()
		}
	}
}

// runs reports whether this process runs the target component.
func (a *app) runs(target string) bool {
	return slices.Contains(a.targets, target)
}
