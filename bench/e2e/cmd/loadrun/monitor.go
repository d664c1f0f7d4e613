package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// monitor watches the embedded NATS server of the process under test over
// its loopback port: the Newsfeed-Discovered-At header of every article in
// NEWS_ARTICLES (read with a headers-only ordered consumer) and the moment
// each sink's consumer acknowledges it (a plain subscription to the
// $JS.ACK subjects, which carry the stream sequence). A sink acknowledges
// only after its write is durable, so ack − discovered is the
// item-to-sink latency of that article.
type monitor struct {
	url string

	mu         sync.Mutex
	discovered map[uint64]time.Time            // stream sequence → discovery
	published  map[uint64]time.Time            // stream sequence → stored in NEWS_ARTICLES
	acked      map[string]map[uint64]time.Time // consumer → sequence → first ack
	err        error
}

func newMonitor(port int) *monitor {
	return &monitor{
		url:        fmt.Sprintf("nats://127.0.0.1:%d", port),
		discovered: map[uint64]time.Time{},
		published:  map[uint64]time.Time{},
		acked:      map[string]map[uint64]time.Time{},
	}
}

func (m *monitor) run(ctx context.Context) {
	var nc *nats.Conn
	for {
		var err error
		nc, err = nats.Connect(m.url, nats.Name("loadrun-monitor"), nats.MaxReconnects(-1), nats.ReconnectWait(200*time.Millisecond))
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			m.setErr(fmt.Errorf("never connected to %s: %w", m.url, err))
			return
		case <-time.After(50 * time.Millisecond):
		}
	}
	defer nc.Close()
	sub, err := nc.Subscribe("$JS.ACK.>", m.onAck)
	if err != nil {
		m.setErr(err)
		return
	}
	_ = sub.SetPendingLimits(-1, -1)
	js, err := jetstream.New(nc)
	if err != nil {
		m.setErr(err)
		return
	}
	// The stream appears once the process under test has set NATS up.
	var cc jetstream.ConsumeContext
	for cc == nil {
		cons, err := js.OrderedConsumer(ctx, "NEWS_ARTICLES", jetstream.OrderedConsumerConfig{
			FilterSubjects: []string{"news.article.>"}, HeadersOnly: true, DeliverPolicy: jetstream.DeliverAllPolicy,
		})
		if err == nil {
			cc, err = cons.Consume(m.onArticle)
		}
		if err != nil {
			select {
			case <-ctx.Done():
				m.setErr(fmt.Errorf("NEWS_ARTICLES never became readable: %w", err))
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	<-ctx.Done()
	cc.Stop()
}

func (m *monitor) setErr(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err == nil {
		m.err = err
	}
}

// onAck records $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<tm>.<pending>
// (and the longer form with a domain and account hash in front).
func (m *monitor) onAck(msg *nats.Msg) {
	now := time.Now()
	if len(msg.Data) > 0 && !bytes.HasPrefix(msg.Data, []byte("+ACK")) {
		return
	}
	tok := strings.Split(msg.Subject, ".")
	i := -1
	for j, t := range tok {
		if t == "NEWS_ARTICLES" {
			i = j
			break
		}
	}
	if i < 0 || len(tok) < i+4 {
		return
	}
	consumer := tok[i+1]
	seq, err := strconv.ParseUint(tok[i+3], 10, 64)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.acked[consumer]
	if a == nil {
		a = map[uint64]time.Time{}
		m.acked[consumer] = a
	}
	if _, ok := a[seq]; !ok {
		a[seq] = now
	}
}

func (m *monitor) onArticle(msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		return
	}
	t, err := time.Parse(time.RFC3339Nano, msg.Headers().Get("Newsfeed-Discovered-At"))
	if err != nil {
		return
	}
	m.mu.Lock()
	m.discovered[md.Sequence.Stream] = t
	m.published[md.Sequence.Stream] = md.Timestamp
	m.mu.Unlock()
}

// latencies returns the latency summary per sink (consumer sink-<name>).
func (m *monitor) latencies() map[string]Latency {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]Latency{}
	for consumer, acks := range m.acked {
		if !strings.HasPrefix(consumer, "sink-") {
			continue
		}
		var d, scrape, sink []float64
		for seq, at := range acks {
			if t, ok := m.discovered[seq]; ok {
				d = append(d, at.Sub(t).Seconds())
				pub := m.published[seq]
				scrape = append(scrape, pub.Sub(t).Seconds())
				sink = append(sink, at.Sub(pub).Seconds())
			}
		}
		if len(d) == 0 {
			continue
		}
		out[strings.TrimPrefix(consumer, "sink-")] = summarise(d)
		out[strings.TrimPrefix(consumer, "sink-")+": discovered to published"] = summarise(scrape)
		out[strings.TrimPrefix(consumer, "sink-")+": published to written"] = summarise(sink)
	}
	return out
}

func summarise(d []float64) Latency {
	sort.Float64s(d)
	return Latency{N: len(d), P50: quantile(d, 0.5), P90: quantile(d, 0.9), P99: quantile(d, 0.99), Max: d[len(d)-1]}
}

// quantile of sorted values (nearest rank).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
