package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/internal/natsbus"
)

// maxDeliveriesAdvisory is the JetStream advisory published when a message
// has been delivered MaxDeliver times without being acknowledged.
type maxDeliveriesAdvisory struct {
	Stream     string `json:"stream"`
	Consumer   string `json:"consumer"`
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
}

// watchMaxDeliveries moves messages that exhausted their deliveries (a
// worker crashed or hung on them every time, so no handler saw the last
// failure) from the work queues to news.dlq.<stage>: without this they
// would stay in the work-queue stream forever. Replicas share the
// subscription through a queue group, so each advisory is handled once;
// the dead letter's message id makes a second handling harmless anyway.
func (p *Pipeline) watchMaxDeliveries(ctx context.Context) (func(), error) {
	nc := p.js.Conn()
	stages := map[string]string{
		natsbus.StreamJobs + "/" + ConsumerPoller:   StagePoll,
		natsbus.StreamItems + "/" + ConsumerScraper: StageScrape,
	}
	var subs []*nats.Subscription
	for key, stage := range stages {
		stream, consumer, _ := strings.Cut(key, "/")
		subj := "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream + "." + consumer
		sub, err := nc.QueueSubscribe(subj, "newsfeed-dlq", func(m *nats.Msg) {
			var adv maxDeliveriesAdvisory
			if err := json.Unmarshal(m.Data, &adv); err != nil {
				return
			}
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			if err := p.deadLetterSeq(hctx, stage, adv); err != nil {
				p.logger.Error("cannot dead-letter a message that exhausted its deliveries", "stream", adv.Stream, "seq", adv.StreamSeq, "error", err)
			}
		})
		if err != nil {
			for _, s := range subs {
				_ = s.Unsubscribe()
			}
			return nil, fmt.Errorf("subscribe to %s: %w", subj, err)
		}
		subs = append(subs, sub)
	}
	return func() {
		for _, s := range subs {
			_ = s.Unsubscribe()
		}
	}, nil
}

// deadLetterSeq copies stream message adv.StreamSeq to the dead letters and
// removes it from its work queue.
func (p *Pipeline) deadLetterSeq(ctx context.Context, stage string, adv maxDeliveriesAdvisory) error {
	st, err := p.js.Stream(ctx, adv.Stream)
	if err != nil {
		return err
	}
	raw, err := st.GetMsg(ctx, adv.StreamSeq)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil // already handled (acked late, or by another replica)
	}
	if err != nil {
		return err
	}
	h := nats.Header{}
	for k, v := range raw.Header {
		if k != HeaderMsgID {
			h[k] = v
		}
	}
	h.Set(HeaderDLQStage, stage)
	h.Set(HeaderDLQReason, fmt.Sprintf("delivered %d times without being acknowledged (max_deliver reached)", adv.Deliveries))
	h.Set(HeaderDLQSubject, raw.Subject)
	h.Set(HeaderDLQStream, adv.Stream)
	h.Set(HeaderDLQConsumer, adv.Consumer)
	h.Set(HeaderDLQSequence, strconv.FormatUint(adv.StreamSeq, 10))
	h.Set(HeaderDLQDelivered, strconv.FormatUint(adv.Deliveries, 10))
	h.Set(HeaderDLQTime, time.Now().UTC().Format(time.RFC3339Nano))
	id := fmt.Sprintf("dlq:%s:%s:%s:%d", stage, adv.Stream, adv.Consumer, adv.StreamSeq)
	if _, err := p.pub.publish(ctx, natsbus.StreamDLQ, &nats.Msg{Subject: "news.dlq." + stage, Data: raw.Data, Header: h}, id); err != nil {
		return err
	}
	if err := st.DeleteMsg(ctx, adv.StreamSeq); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
		return fmt.Errorf("remove from %s: %w", adv.Stream, err)
	}
	p.metrics.DeadLetters.WithLabelValues(stage).Inc()
	p.logger.Warn("message dead-lettered after max deliveries", "stage", stage, "stream", adv.Stream, "seq", adv.StreamSeq, "deliveries", adv.Deliveries)
	return nil
}
