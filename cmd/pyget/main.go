// Command pyget installs and manages standalone CPython builds.
//
// This package is the CLI only: it owns the flags (and which setting a flag
// overrides), the output (status lines, progress bars, error chains with
// their hints) and the exit codes. It parses requests, calls the packages
// that own each concept (pipeline.Resolver for what a request means,
// installed or to download, and pipeline.Installer for installs, upgrades
// and uninstalls; config, catalog, fetch, mirror, store for reading the
// layout) and prints what they
// return: it holds no domain logic of its own, and no other package imports
// it.
//
// Exit codes: 0 success; 1 failure (including "no installed python matches"
// from find); 2 a usage error (bad flag, bad request, bad environment
// variable); 130 interrupted.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// startProfile writes a CPU profile to path (a development aid for the
// benchmarks: PYGET_CPUPROFILE=cpu.out pyget install ...; go tool pprof).
func startProfile(path string, stderr io.Writer) func() {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintln(stderr, "warning: PYGET_CPUPROFILE:", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintln(stderr, "warning: PYGET_CPUPROFILE:", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
