package main

import (
	"context"
	"fmt"
)

func cmdCheck(_ context.Context, e *env, args []string) int {
	fs := newFlags(e, "check", "[--config FILE]",
		"Check the configuration (strict keys, values, the OPML file, sinks' settings) without starting anything;\nexit 0 when it is valid. Environment overrides are applied as the daemon would.")
	cfgPath := configFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "newsfeed check: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return fail(e, "check", err)
	}
	if _, err := newEnricher(cfg, nil, nil); err != nil {
		return fail(e, "check", err)
	}
	where := cfg.Path
	if where == "" {
		where = "built-in defaults"
	}
	nats := "embedded NATS on " + cfg.NATS.Embedded.Listen
	if cfg.NATS.URL != "" {
		nats = "NATS at " + cfg.NATS.URL
	} else if cfg.NATS.Embedded.Listen == "" {
		nats = "embedded NATS (in-process only)"
	}
	fmt.Fprintf(e.stdout, "%s: ok (%d feeds, %d sinks, %d site rules, %s)\n", where, len(cfg.Feeds), len(cfg.Sinks), len(cfg.Sites), nats)
	return exitOK
}
