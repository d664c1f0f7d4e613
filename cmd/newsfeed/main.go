// Command newsfeed turns news feeds into a stream of clean articles on NATS
// JetStream. See the README and DESIGN for the command line.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env carries the process's standard streams and environment to commands.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, e *env, args []string) int
}

func commands() []command {
	return []command{
		{"run", "[--config FILE]", "run the daemon: every role, embedded NATS unless nats.url is set", cmdRun},
		{"once", "[--config FILE]", "poll every feed once, process every new item through the sinks, exit", cmdOnce},
		{"extract", "[--url URL] [--format json|markdown|text] FILE|URL|- ...", "extract article pages", cmdExtract},
		{"feed", "[--format json|text] FILE|URL|-", "parse one feed and print its items as JSON lines", cmdFeed},
		{"search", "[--sink NAME] [--since TIME] [--source SOURCE] QUERY", "full-text search over the sqlite or postgres sink", cmdSearch},
		{"dlq", "list|show|retry|purge [--stage STAGE] [--all] [SEQ ...]", "inspect and replay dead letters", cmdDLQ},
		{"replay", "--sink NAME --since TIME", "write retained articles to one sink again (backfill)", cmdReplay},
		{"check", "[--config FILE]", "validate the configuration and exit", cmdCheck},
		{"health", "[--live] [--addr HOST:PORT]", "probe a running daemon's readiness (or liveness) for container probes", cmdHealth},
		{"version", "", "print version, commit and Go version", cmdVersion},
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		usage(stdout)
		return exitOK
	case "--version", "-version":
		return cmdVersion(ctx, e, nil)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "newsfeed: unknown command %q (try newsfeed --help)\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "newsfeed turns news feeds into a clean stream of articles on NATS JetStream.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  newsfeed %-8s %s\n", c.name, c.args)
	}
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --config FILE (default: newsfeed.yaml in the working directory, if present).")
	fmt.Fprintln(w, "Run 'newsfeed COMMAND --help' for a command's flags.")
}

// newFlags returns a flag set that reports errors in one line and prints
// help on request.
func newFlags(e *env, name, args, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "Usage: newsfeed %s %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args; it returns (exit code, false) when the command
// should stop (help or an error).
func parseFlags(e *env, fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) { // the flag package printed the usage
			return exitOK, false
		}
		fmt.Fprintf(e.stderr, "newsfeed %s: %v (try newsfeed %s --help)\n", fs.Name(), err, fs.Name())
		return exitUsage, false
	}
	return 0, true
}

// fail prints one line on stderr and returns the failure exit code.
func fail(e *env, cmd string, err error) int {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintf(e.stderr, "newsfeed %s: %s\n", cmd, msg)
	return exitFail
}

func cmdVersion(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "version", "", "Print version, commit and Go version.")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	commit := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				commit = s.Value
			}
		}
	}
	fmt.Fprintf(e.stdout, "newsfeed %s (commit %s, %s %s/%s)\n", version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}
