// Command meedoen runs Meedoen: all components in one process (the default,
// with an embedded NATS server and, without DATABASE_URL, a private
// PostgreSQL cluster), or one component against external NATS and
// PostgreSQL for scaling out.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// defaultGCPercent replaces Go's default of 100 when GOGC is not set: the
// collector then runs half as often for about twice the heap. Under the
// load tool's full load this gave ≈ 7 % more accepted answers for a peak
// RSS of ≈ 270 MiB instead of ≈ 130 MiB (docs/benchmarks.md); GOGC and
// GOMEMLIMIT still decide when set (docs/operations.md).
const defaultGCPercent = 200

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "meedoen:", err)
		os.Exit(1)
	}
}
