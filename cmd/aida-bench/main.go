// Command aida-bench measures AIDA against baselines in the same run: it starts whole systems
// in its own process, drives them with the load generator in bench/load and prints a table
// (BENCHMARKS.md with --out). `make bench` runs it. See `aida-bench -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runBench(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
