package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aidacrm/aida/persistence/postgres/pgtest"
)

// benchOptions are the flags of `aida-bench`.
type benchOptions struct {
	quick    bool   // a smoke run: small sizes, one short round
	rounds   int    // measured rounds per figure; the median is reported
	out      string // write the table as markdown to this file too
	cpu, mem string // write CPU and allocation profiles of the whole run to these files
}

// scenario is one benchmark: it measures AIDA and its baseline in the same run.
type scenario struct {
	id, what string
	run      func(ctx context.Context, b *bencher) ([]row, error)
}

// row is one line of the table.
type row struct {
	id, what       string
	aida, baseline figure
	goal           string
	met            bool
	note           string
}

// figure is one measured figure: a rate with its unit, and latencies when they apply.
type figure struct {
	rate     float64
	unit     string // req/s, captures/s, B/actor …
	p50, p99 time.Duration
}

func (f figure) String() string {
	s := fmt.Sprintf("%s %s", humanRate(f.rate), f.unit)
	if f.p99 > 0 {
		s += fmt.Sprintf(", p50 %s, p99 %s", round(f.p50), round(f.p99))
	}
	return s
}

func (r row) ratio() float64 {
	if r.baseline.rate == 0 {
		return 0
	}
	return r.aida.rate / r.baseline.rate
}

// bencher holds what scenarios share: sizes, rounds, progress output, a scratch directory.
type bencher struct {
	quick    bool
	rounds   int
	duration time.Duration // measured time of one load round
	warmup   time.Duration
	dir      string
	progress io.Writer
	logger   *slog.Logger

	pgOnce sync.Once
	pg     *pgtest.Server
	pgErr  error

	auth string // "Bearer <key>": the stored admin key startSystem made, which every request carries
}

func (b *bencher) say(format string, args ...any) {
	fmt.Fprintf(b.progress, "  "+format+"\n", args...)
}

// size returns full, or quick in a quick run.
func (b *bencher) size(full, quick int) int {
	if b.quick {
		return quick
	}
	return full
}

func scenarios() []scenario {
	return []scenario{
		{"B1", "read: GET /api/v1/leads/{id}, warm actors, 64 connections", benchRead},
		{"B2", "durable write: POST /api/v1/leads, 256 connections", benchWrite},
		{"B3", "activation: first request to passivated entities", benchActivate},
		{"B5", "actor overhead: in-process command through the entity shell", benchShell},
		{"B6", "relay: journal rows to JetStream", benchRelay},
		{"B7", "reminders: due timers fired into passivated entities", benchReminders},
		{"B8", "live stream: entity updates to 1,000 websocket clients", benchStream},
		// Last: a million actors leave memory the process does not give back to later scenarios.
		{"B4", "footprint: resident lead actors", benchFootprint},
	}
}

// runBench is `aida-bench`; it returns the exit code.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("aida-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchOptions
	var names string
	fs.StringVar(&names, "scenario", "", "comma-separated scenarios to run (B1 … B8); default all")
	fs.BoolVar(&o.quick, "quick", false, "a smoke run of every scenario in under a minute (small sizes, one round)")
	fs.IntVar(&o.rounds, "rounds", 3, "measured rounds per figure; the table shows the median")
	fs.StringVar(&o.out, "out", "", "also write the table, with the machine it ran on, to this markdown file")
	fs.StringVar(&o.cpu, "cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	fs.StringVar(&o.mem, "memprofile", "", "write an allocation profile of the run to this file (go tool pprof)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: aida-bench [--scenario B1,B2] [--quick] [--rounds N] [--out FILE]")
		fmt.Fprintln(stderr, "\nMeasures AIDA against a baseline in the same run and prints the ratios:")
		for _, s := range scenarios() {
			fmt.Fprintf(stderr, "  %s  %s\n", s.id, s.what)
		}
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	all := scenarios()
	var chosen []scenario
	for _, s := range all {
		if names == "" || slices.Contains(strings.Split(strings.ToUpper(names), ","), s.id) {
			chosen = append(chosen, s)
		}
	}
	if len(chosen) == 0 || o.rounds < 1 {
		fmt.Fprintf(stderr, "aida-bench: no scenario matches %q (use B1 … B8) or --rounds < 1\n", names)
		return 2
	}
	dir, err := os.MkdirTemp("", "aida-bench-")
	if err != nil {
		fmt.Fprintln(stderr, "aida-bench:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(dir) }() // scratch; a leftover in the temp folder harms nothing
	// PostgreSQL runs as its own user when we are root: it must reach the directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "aida-bench:", err)
		return 1
	}
	b := &bencher{quick: o.quick, rounds: o.rounds, duration: 5 * time.Second, warmup: time.Second,
		dir: dir, progress: stderr, logger: slog.New(slog.DiscardHandler)}
	defer b.close()
	if o.quick {
		b.rounds, b.duration, b.warmup = 1, 700*time.Millisecond, 200*time.Millisecond
	}
	stopProfiles, err := startProfiles(o.cpu, o.mem)
	if err != nil {
		fmt.Fprintln(stderr, "aida-bench:", err)
		return 1
	}
	var rows []row
	failed := false
	for _, s := range chosen {
		fmt.Fprintf(stderr, "%s %s\n", s.id, s.what)
		t := time.Now()
		rs, err := s.run(ctx, b)
		if err != nil {
			fmt.Fprintf(stderr, "  %s failed: %v\n", s.id, err)
			failed = true
			continue
		}
		fmt.Fprintf(stderr, "  done in %s\n", time.Since(t).Round(100*time.Millisecond))
		rows = append(rows, rs...)
		if ctx.Err() != nil {
			break
		}
	}
	if err := stopProfiles(); err != nil {
		fmt.Fprintln(stderr, "aida-bench:", err)
		failed = true
	}
	table := renderTable(rows)
	fmt.Fprint(stdout, table)
	if o.out != "" {
		cmdline := "aida-bench " + strings.Join(args, " ")
		report := renderReport(table, cmdline) + keptHistory(o.out)
		if err := os.WriteFile(o.out, []byte(report), 0o644); err != nil {
			fmt.Fprintln(stderr, "aida-bench:", err)
			return 1
		}
	}
	if failed {
		return 1
	}
	return 0
}

// renderTable prints the rows as a markdown table.
func renderTable(rows []row) string {
	var sb strings.Builder
	sb.WriteString("| id | scenario | AIDA | baseline (same run) | ratio | goal | met |\n")
	sb.WriteString("|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		met := "yes"
		if !r.met {
			met = "**no**"
		}
		what := r.what
		if r.note != "" {
			what += " (" + r.note + ")"
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %.2f | %s | %s |\n", r.id, what, r.aida, r.baseline, r.ratio(), r.goal, met)
	}
	return sb.String()
}

// renderReport is BENCHMARKS.md: the table, the machine, the command.
func renderReport(table, cmdline string) string {
	var sb strings.Builder
	sb.WriteString("# Benchmarks\n\n")
	fmt.Fprintf(&sb, "Measured %s on %d cores, %s of memory, %s, %s/%s.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), memTotal(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&sb, "Command: `%s` (`make bench` runs the same).\n\n", strings.TrimSpace(cmdline))
	sb.WriteString("Each figure is the median of the measured rounds; AIDA and its baseline run in the same\n")
	sb.WriteString("process with the same load generator (`bench/load`), so the ratio is what to compare.\n\n")
	sb.WriteString(table)
	return sb.String()
}

// historyMarker starts the hand-written part of the report (profiles, before and after), which
// a new run keeps. Its text predates the command's name; reports carry it as is.
const historyMarker = "<!-- history: kept by aida bench -->"

// keptHistory returns the hand-written part of an existing report, or "".
func keptHistory(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if i := strings.Index(string(b), historyMarker); i >= 0 {
		return "\n" + string(b[i:])
	}
	return ""
}

// memTotal reads the machine's memory from /proc/meminfo.
func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	var kb int64
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			if _, err := fmt.Sscanf(strings.TrimPrefix(line, "MemTotal:"), "%d", &kb); err != nil {
				return "unknown"
			}
		}
	}
	return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
}

func humanRate(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Microsecond:
		return d.Round(100 * time.Nanosecond)
	}
	return d
}

// median returns the median figure of rounds by rate, with that round's latencies.
func sortDurations(d []time.Duration) { slices.Sort(d) }

func median(fs []figure) figure {
	s := slices.Clone(fs)
	slices.SortFunc(s, func(a, b figure) int {
		switch {
		case a.rate < b.rate:
			return -1
		case a.rate > b.rate:
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// startProfiles starts a CPU profile into cpu and returns the function that stops it and writes
// the allocation profile into mem. Empty names profile nothing.
func startProfiles(cpu, mem string) (stop func() error, err error) {
	var cpuFile *os.File
	if cpu != "" {
		if cpuFile, err = os.Create(cpu); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			return nil, errors.Join(err, cpuFile.Close())
		}
	}
	return func() error {
		var errs []error
		if cpuFile != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpuFile.Close())
		}
		if mem != "" {
			f, err := os.Create(mem)
			if err != nil {
				return err
			}
			errs = append(errs, pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
		}
		return errors.Join(errs...)
	}, nil
}
