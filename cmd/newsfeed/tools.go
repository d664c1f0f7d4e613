package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/pipeline"
)

// openToolBus connects a tool command to NATS: the configured URL; or, with
// the embedded default, the running daemon's embedded server when its port
// answers; or else the embedded server started here on the same store.
func openToolBus(ctx context.Context, cfg *config.Config) (*natsbus.Bus, error) {
	n := cfg.NATS
	if n.URL == "" && n.Embedded.Listen != "" {
		if c, err := net.DialTimeout("tcp", n.Embedded.Listen, time.Second); err == nil {
			c.Close()
			n.URL = "nats://" + n.Embedded.Listen
		}
	}
	if n.URL == "" {
		n.Embedded.Listen = "" // a tool never serves clients
	}
	b, err := natsbus.Open(ctx, n, nil, "newsfeed-tool")
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := natsbus.Setup(sctx, b.JS, cfg.NATS, 0); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

func cmdDLQ(ctx context.Context, e *env, args []string) int {
	const use = "list|show|retry|purge [flags] [SEQ ...]"
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintf(e.stdout, "Usage: newsfeed dlq %s\n\n  list   dead letters (seq, time, stage, subject, reason)\n  show   one dead letter with its headers and body\n  retry  publish dead letters again on their original subject, then remove them\n  purge  remove dead letters\n\nRun 'newsfeed dlq SUBCOMMAND --help' for flags.\n", use)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "newsfeed dlq: want a subcommand: %s\n", use)
		return exitUsage
	}
	sub, args := args[0], args[1:]
	fs := newFlags(e, "dlq "+sub, "[--config FILE] [--stage STAGE] [--all] [SEQ ...]", "Inspect and replay dead letters (news.dlq.<stage>).")
	cfgPath := configFlag(fs)
	stage := fs.String("stage", "", "only dead letters of this stage (poll, scrape, sink)")
	all := fs.Bool("all", false, "retry or purge every (matching) dead letter")
	limit := fs.Int("limit", 100, "list at most this many")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	switch sub {
	case "list", "show", "retry", "purge":
	default:
		fmt.Fprintf(e.stderr, "newsfeed dlq: unknown subcommand %q (want %s)\n", sub, use)
		return exitUsage
	}
	var seqs []uint64
	for _, a := range fs.Args() {
		n, err := strconv.ParseUint(a, 10, 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "newsfeed dlq %s: %q is not a sequence number\n", sub, a)
			return exitUsage
		}
		seqs = append(seqs, n)
	}
	if (sub == "retry" || sub == "purge") && len(seqs) == 0 && !*all {
		fmt.Fprintf(e.stderr, "newsfeed dlq %s: give sequence numbers or --all\n", sub)
		return exitUsage
	}
	if sub == "show" && len(seqs) != 1 {
		fmt.Fprintln(e.stderr, "newsfeed dlq show: give one sequence number")
		return exitUsage
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return fail(e, "dlq", err)
	}
	b, err := openToolBus(ctx, cfg)
	if err != nil {
		return fail(e, "dlq", err)
	}
	defer b.Close()
	st, err := b.JS.Stream(ctx, natsbus.StreamDLQ)
	if err != nil {
		return fail(e, "dlq", err)
	}
	if len(seqs) == 0 {
		if seqs, err = dlqSeqs(ctx, st, *stage); err != nil {
			return fail(e, "dlq", err)
		}
	}
	switch sub {
	case "list":
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tTIME\tSTAGE\tSUBJECT\tDELIVERIES\tREASON")
		for i, seq := range seqs {
			if i >= *limit {
				fmt.Fprintf(tw, "... %d more\n", len(seqs)-i)
				break
			}
			m, err := st.GetMsg(ctx, seq)
			if err != nil {
				continue
			}
			h := m.Header
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", seq, m.Time.UTC().Format(time.RFC3339), h.Get(pipeline.HeaderDLQStage),
				h.Get(pipeline.HeaderDLQSubject), h.Get(pipeline.HeaderDLQDelivered), oneLine(h.Get(pipeline.HeaderDLQReason), 100))
		}
		_ = tw.Flush()
		return exitOK
	case "show":
		m, err := st.GetMsg(ctx, seqs[0])
		if err != nil {
			return fail(e, "dlq", fmt.Errorf("dead letter %d: %w", seqs[0], err))
		}
		keys := make([]string, 0, len(m.Header))
		for k := range m.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(e.stdout, "seq: %d\nsubject: %s\ntime: %s\n", m.Sequence, m.Subject, m.Time.UTC().Format(time.RFC3339Nano))
		for _, k := range keys {
			fmt.Fprintf(e.stdout, "%s: %s\n", k, strings.Join(m.Header[k], ", "))
		}
		fmt.Fprintf(e.stdout, "\n%s\n", m.Data)
		return exitOK
	}
	n, failed := 0, 0
	for _, seq := range seqs {
		var err error
		if sub == "retry" {
			err = retryDeadLetter(ctx, b.JS, st, seq)
		} else {
			err = st.DeleteMsg(ctx, seq)
		}
		if err != nil {
			failed++
			fmt.Fprintf(e.stderr, "newsfeed dlq %s: %d: %v\n", sub, seq, err)
			continue
		}
		n++
	}
	verb := map[string]string{"retry": "retried", "purge": "purged"}[sub]
	fmt.Fprintf(e.stdout, "%s %d dead letters\n", verb, n)
	if failed > 0 {
		return exitFail
	}
	return exitOK
}

// dlqSeqs returns the sequence numbers of the dead letters of stage ("" = all).
func dlqSeqs(ctx context.Context, st jetstream.Stream, stage string) ([]uint64, error) {
	info, err := st.Info(ctx)
	if err != nil {
		return nil, err
	}
	if info.State.Msgs == 0 {
		return nil, nil
	}
	subj := "news.dlq.>"
	if stage != "" {
		subj = "news.dlq." + stage
	}
	c, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subj}, HeadersOnly: true})
	if err != nil {
		return nil, err
	}
	var seqs []uint64
	for {
		b, err := c.Fetch(256, jetstream.FetchMaxWait(500*time.Millisecond))
		if err != nil {
			return nil, err
		}
		got := 0
		for m := range b.Messages() {
			md, err := m.Metadata()
			if err == nil {
				seqs = append(seqs, md.Sequence.Stream)
				got++
				if md.NumPending == 0 {
					return seqs, nil
				}
			}
		}
		if got == 0 {
			return seqs, nil
		}
	}
}

// retryDeadLetter publishes a dead letter again on its original subject
// (with a new message id, so the duplicate window does not swallow it) and
// removes it from the dead letters.
func retryDeadLetter(ctx context.Context, js jetstream.JetStream, st jetstream.Stream, seq uint64) error {
	m, err := st.GetMsg(ctx, seq)
	if err != nil {
		return err
	}
	subj := m.Header.Get(pipeline.HeaderDLQSubject)
	if subj == "" || strings.HasPrefix(subj, "news.dlq.") {
		return errors.New("dead letter has no original subject")
	}
	h := nats.Header{}
	for k, v := range m.Header {
		if !strings.HasPrefix(k, "Newsfeed-Dlq-") && k != pipeline.HeaderMsgID {
			h[k] = v
		}
	}
	msg := &nats.Msg{Subject: subj, Data: m.Data, Header: h}
	if _, err := js.PublishMsg(ctx, msg, jetstream.WithMsgID(fmt.Sprintf("dlq-retry:%d:%d", seq, time.Now().UnixNano()))); err != nil {
		return fmt.Errorf("publish to %s: %w", subj, err)
	}
	return st.DeleteMsg(ctx, seq)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-1] + "…"
	}
	return s
}

func cmdReplay(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "replay", "--sink NAME --since TIME [--until TIME] [--config FILE]",
		"Write the articles retained on NEWS_ARTICLES since TIME to one sink again (sinks are idempotent),\nfor example to backfill a new sink. TIME is RFC 3339, a date (2006-01-02) or a duration ago (48h).")
	cfgPath := configFlag(fs)
	sinkName := fs.String("sink", "", "the sink's name (its type unless named)")
	since := fs.String("since", "", "replay articles published on the stream since this time")
	until := fs.String("until", "", "stop at articles published after this time (default: now)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *sinkName == "" || *since == "" {
		fmt.Fprintln(e.stderr, "newsfeed replay: --sink and --since are required")
		return exitUsage
	}
	now := time.Now()
	from, err := parseWhen(*since, now)
	if err != nil {
		fmt.Fprintf(e.stderr, "newsfeed replay: --since: %v\n", err)
		return exitUsage
	}
	to := now
	if *until != "" {
		if to, err = parseWhen(*until, now); err != nil {
			fmt.Fprintf(e.stderr, "newsfeed replay: --until: %v\n", err)
			return exitUsage
		}
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return fail(e, "replay", err)
	}
	var sc *config.Sink
	for i := range cfg.Sinks {
		if cfg.Sinks[i].Name == *sinkName {
			sc = &cfg.Sinks[i]
		}
	}
	if sc == nil {
		var names []string
		for _, s := range cfg.Sinks {
			names = append(names, s.Name)
		}
		return fail(e, "replay", fmt.Errorf("no sink named %q (configured: %s)", *sinkName, strings.Join(names, ", ")))
	}
	s, err := openSink(ctx, e, *sc, newLogger(cfg.Log, e.stderr))
	if err != nil {
		return fail(e, "replay", fmt.Errorf("sink %s: %w", sc.Name, err))
	}
	defer s.Close()
	b, err := openToolBus(ctx, cfg)
	if err != nil {
		return fail(e, "replay", err)
	}
	defer b.Close()
	c, err := b.JS.OrderedConsumer(ctx, natsbus.StreamArticles, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{natsbus.SubjectArticles}, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &from,
	})
	if err != nil {
		return fail(e, "replay", err)
	}
	total, lastReport := 0, time.Now()
	for {
		batch, err := c.Fetch(sc.BatchSize, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			return fail(e, "replay", err)
		}
		var arts []*article.Article
		done := false
		for m := range batch.Messages() {
			md, err := m.Metadata()
			if err != nil {
				continue
			}
			if md.Timestamp.After(to) {
				done = true
				continue
			}
			var a article.Article
			if err := json.Unmarshal(m.Data(), &a); err != nil || a.ID == "" {
				fmt.Fprintf(e.stderr, "newsfeed replay: skipping undecodable message %d\n", md.Sequence.Stream)
				continue
			}
			arts = append(arts, &a)
			if md.NumPending == 0 {
				done = true
			}
		}
		if len(arts) > 0 {
			wctx, cancel := context.WithTimeout(ctx, sc.Timeout)
			err := s.Write(wctx, arts)
			cancel()
			if err != nil {
				return fail(e, "replay", fmt.Errorf("after %d articles: %w", total, err))
			}
			total += len(arts)
		}
		if time.Since(lastReport) > 2*time.Second {
			fmt.Fprintf(e.stderr, "newsfeed replay: %d articles written to %s\n", total, sc.Name)
			lastReport = time.Now()
		}
		if done || len(arts) == 0 {
			break
		}
	}
	fmt.Fprintf(e.stdout, "replayed %d articles to sink %s\n", total, sc.Name)
	return exitOK
}

// parseWhen reads RFC 3339, a date, or a duration before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, time.Local); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time (RFC 3339, 2006-01-02 or a duration such as 48h)", s)
}
