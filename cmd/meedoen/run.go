package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/meedoen/meedoen/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

func realMain(ctx context.Context, args []string) error {
	if target, ok := probeArgs(args); ok {
		return probe(ctx, target)
	}
	return run(ctx, args, os.Stdout, os.Stderr)
}

// run starts what the arguments ask for, prints where it is reachable on
// stdout, and stops everything in reverse order when ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runWith(ctx, args, stdout, stderr, hooks{})
}

// hooks let a test watch the process from inside; the binary sets none.
type hooks struct {
	// spans receives every span the process ends.
	spans sdktrace.SpanProcessor
}

// runWith is run with hooks. It starts the modules -target picks, in the
// table's order (modules.go); runs them until ctx ends or one fails; then
// stops HTTP first, the runs next and what the modules took last, in
// reverse order.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, h hooks) error {
	cfg, err := parseConfig(args, stderr)
	if err != nil {
		return err
	}
	if cfg.NewInternalKey {
		return printNewInternalKey(stdout)
	}
	mods, err := pick(modules(), cfg.Target)
	if err != nil {
		return err
	}
	config.Print(stderr, "meedoen "+version+" configuration:", cfg)
	a := newApp(cfg, mods, stdout, stderr, h)
	defer a.stop()
	if err := a.start(ctx, mods); err != nil {
		return err
	}
	a.launch(ctx)
	a.announce()
	return a.wait(ctx)
}

// announce says where the process is reachable: its first line on stdout
// names the base URL, which scripts and tests wait for.
func (a *app) announce() {
	gateway := a.runs(gatewayTarget)
	fmt.Fprintf(a.stdout, "Meedoen is running at %s\n", a.base)
	if gateway {
		fmt.Fprintf(a.stdout, "  web:      %s/\n", a.base)
		fmt.Fprintf(a.stdout, "  API:      %s/api/v1\n", a.base)
		fmt.Fprintf(a.stdout, "  OpenAPI:  %s/api/v1/openapi.json\n", a.base)
	}
	fmt.Fprintf(a.stdout, "  metrics:  %s/metrics\n", a.base)
	fmt.Fprintf(a.stdout, "  health:   %s/healthz  %s/readyz\n", a.base, a.base)
	if gateway && a.mailbox != nil {
		fmt.Fprintf(a.stdout, "  mail:     %s%s\n", a.base, devMailPath)
	}
	a.log.Info("meedoen started", "url", a.base, "targets", strings.Join(a.targets, ","))
}
