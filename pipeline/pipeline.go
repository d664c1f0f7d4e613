// Package pipeline wires newsfeed's stages over NATS JetStream (DESIGN §1, §4):
// a scheduler publishes poll jobs, pollers turn feeds into items, scrapers
// turn items into articles, and one durable consumer per sink writes them.
// Every stage is a JetStream consumer, so any number of replicas can run any
// stage; nothing is coordinated outside NATS.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/metrics"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/sink"
)

// Consumer names.
const (
	ConsumerPoller  = "poller"
	ConsumerScraper = "scraper"
)

// Stage names (for dead letters).
const (
	StagePoll   = "poll"
	StageScrape = "scrape"
)

// Deps are the pipeline's collaborators.
type Deps struct {
	Config    *config.Config
	Bus       *natsbus.Bus
	Stores    *natsbus.Stores
	Fetcher   *fetcher.Client
	Extractor *parser.Extractor
	Enricher  *enricher.Chain
	// Sinks by name (config.Sink.Name).
	Sinks   map[string]sink.Sink
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Outage tells when every host fails at once (our network is down), so
	// failures then do not count against feeds. Optional.
	Outage OutageDetector
}

// OutageDetector tells whether our own network looks down; the fetcher's
// detector implements it (the fetcher feeds it every result).
type OutageDetector interface {
	Down() bool
}

// Pipeline runs the stages.
type Pipeline struct {
	cfg     *config.Config
	js      jetstream.JetStream
	stores  *natsbus.Stores
	fetch   *fetcher.Client
	extract *parser.Extractor
	enrich  *enricher.Chain
	sinks   map[string]sink.Sink
	metrics *metrics.Metrics
	logger  *slog.Logger
	outage  OutageDetector
	pub     *publisher

	feeds  []*Feed
	byID   map[string]*Feed
	sinkOK map[string]*atomic.Bool

	consumers map[string]jetstream.Consumer
	now       func() time.Time
}

// New returns a pipeline; Setup must be called before running it.
func New(d Deps) (*Pipeline, error) {
	if d.Config == nil || d.Bus == nil || d.Stores == nil || d.Fetcher == nil || d.Extractor == nil || d.Metrics == nil {
		return nil, errors.New("pipeline: missing dependency")
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	enr := d.Enricher
	if enr == nil {
		enr = enricher.NewChain(logger, enricher.WordCount{})
	}
	p := &Pipeline{
		cfg: d.Config, js: d.Bus.JS, stores: d.Stores, fetch: d.Fetcher, extract: d.Extractor,
		enrich: enr, sinks: d.Sinks, metrics: d.Metrics, logger: logger, outage: d.Outage,
		pub:       &publisher{js: d.Bus.JS, metrics: d.Metrics, attemptTimeout: 10 * time.Second},
		feeds:     NewFeeds(d.Config.Feeds, d.Config.Metrics.MaxFeedSeries),
		byID:      map[string]*Feed{},
		sinkOK:    map[string]*atomic.Bool{},
		consumers: map[string]jetstream.Consumer{},
		now:       time.Now,
	}
	for _, f := range p.feeds {
		p.byID[f.ID] = f
	}
	for name := range d.Sinks {
		b := &atomic.Bool{}
		b.Store(true)
		p.sinkOK[name] = b
	}
	return p, nil
}

// Feeds returns the configured feeds with their identities.
func (p *Pipeline) Feeds() []*Feed { return p.feeds }

// Setup creates or updates the durable consumers of every stage and sink.
func (p *Pipeline) Setup(ctx context.Context) error {
	ackWait := p.cfg.Pipeline.AckWait
	specs := []struct {
		stream string
		cfg    jetstream.ConsumerConfig
	}{
		{natsbus.StreamJobs, jetstream.ConsumerConfig{
			Durable: ConsumerPoller, FilterSubject: "news.job.poll.>", AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: ackWait, MaxDeliver: p.cfg.Pipeline.MaxDeliver, MaxAckPending: 1000,
			Description: "newsfeed pollers: poll jobs to feed items",
		}},
		{natsbus.StreamItems, jetstream.ConsumerConfig{
			Durable: ConsumerScraper, FilterSubject: natsbus.SubjectItems, AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: ackWait, MaxDeliver: p.cfg.Pipeline.MaxDeliver, MaxAckPending: 1000,
			Description: "newsfeed scrapers: feed items to articles",
		}},
	}
	for _, s := range p.cfg.Sinks {
		if _, ok := p.sinks[s.Name]; !ok {
			continue
		}
		aw := ackWait
		if 2*s.Timeout > aw {
			aw = 2 * s.Timeout
		}
		specs = append(specs, struct {
			stream string
			cfg    jetstream.ConsumerConfig
		}{natsbus.StreamArticles, jetstream.ConsumerConfig{
			Durable: s.ConsumerName(), FilterSubject: natsbus.SubjectArticles, AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: aw, MaxDeliver: -1, MaxAckPending: s.MaxAckPending, DeliverPolicy: jetstream.DeliverNewPolicy,
			Description: "newsfeed sink " + s.Name + " (" + s.Type + ")",
		}})
	}
	for _, sp := range specs {
		c, err := p.js.CreateOrUpdateConsumer(ctx, sp.stream, sp.cfg)
		if err != nil {
			// An existing consumer may differ in a setting that cannot change
			// (deliver policy): use it as it is.
			if c2, err2 := p.js.Consumer(ctx, sp.stream, sp.cfg.Durable); err2 == nil {
				c = c2
			} else {
				return fmt.Errorf("pipeline: consumer %s on %s: %w", sp.cfg.Durable, sp.stream, err)
			}
		}
		p.consumers[sp.cfg.Durable] = c
	}
	p.initMetrics()
	return nil
}

func (p *Pipeline) initMetrics() {
	k := metrics.Known{
		Stages:    []string{StagePoll, StageScrape, "sink"},
		Enrichers: p.enrich.Names(),
		Streams:   []string{natsbus.StreamJobs, natsbus.StreamItems, natsbus.StreamArticles, natsbus.StreamDLQ},
	}
	srcSeen, labelSeen := map[string]bool{}, map[string]bool{}
	for _, f := range p.feeds {
		if !labelSeen[f.Label] {
			labelSeen[f.Label] = true
			k.Feeds = append(k.Feeds, f.Label)
		}
		if !srcSeen[f.Source] {
			srcSeen[f.Source] = true
			k.Sources = append(k.Sources, f.Source)
		}
		if f.Language != "" {
			k.Languages = append(k.Languages, f.Language)
		}
	}
	for _, s := range p.cfg.Sinks {
		k.Sinks = append(k.Sinks, s.Name)
	}
	for name := range p.consumers {
		k.Consumers = append(k.Consumers, name)
	}
	for _, c := range fetcher.Classes {
		k.Results = append(k.Results, string(c))
	}
	p.metrics.Init(k)
}

// Ready reports whether the pipeline can do its work: NATS connected and
// every sink writable (as of its last write or check).
func (p *Pipeline) Ready(ctx context.Context) error {
	if st := p.js.Conn().Status(); st != nats.CONNECTED {
		return fmt.Errorf("nats: %s", st)
	}
	if err := p.pub.health(3 * time.Second); err != nil {
		return err
	}
	for name, ok := range p.sinkOK {
		if !ok.Load() && !p.sinkIdle(ctx, name) {
			return fmt.Errorf("sink %s: last write failed", name)
		}
	}
	for name, s := range p.sinks {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := s.Check(cctx)
		cancel()
		if err != nil {
			return fmt.Errorf("sink %s: %w", name, err)
		}
	}
	return nil
}

// sinkIdle reports whether nothing waits for sink name: its consumer has
// no message pending or unacknowledged (a message handed back after a
// failed write counts as unacknowledged). A replica whose last write
// failed is then ready again, although it has had no work to prove the
// sink back, as when another replica wrote everything once it was.
func (p *Pipeline) sinkIdle(ctx context.Context, name string) bool {
	c := p.consumers[config.Sink{Name: name}.ConsumerName()]
	if c == nil {
		return false
	}
	ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	info, err := c.Info(ictx)
	return err == nil && info.NumPending == 0 && info.NumAckPending == 0
}

// collectConsumerMetrics refreshes the consumer lag gauges.
func (p *Pipeline) collectConsumerMetrics(ctx context.Context) {
	for name, c := range p.consumers {
		ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
		info, err := c.Info(ictx)
		cancel()
		if err != nil {
			continue
		}
		p.metrics.ConsumerPending.WithLabelValues(name).Set(float64(info.NumPending))
		p.metrics.ConsumerAckPending.WithLabelValues(name).Set(float64(info.NumAckPending))
	}
}
