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
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "meedoen:", err)
		os.Exit(1)
	}
}
