// Command pyget installs and manages standalone CPython builds.
//
// Exit codes: 0 success; 1 failure (including "no installed python matches"
// from find); 2 a usage error (bad flag, bad request, bad environment
// variable); 130 interrupted.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
