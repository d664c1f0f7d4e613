package pipeline

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// deadLetter copies msg to news.dlq.<stage> with the reason in headers and
// terminates it, so it leaves the work queue. It returns an error only when
// the dead letter could not be stored (the message is then left for
// redelivery, never dropped).
func (p *Pipeline) deadLetter(ctx context.Context, stage string, msg jetstream.Msg, reason string) error {
	md, _ := msg.Metadata()
	h := nats.Header{}
	for k, v := range msg.Headers() {
		if k == HeaderMsgID {
			continue
		}
		h[k] = v
	}
	h.Set(HeaderDLQStage, stage)
	h.Set(HeaderDLQReason, reason)
	h.Set(HeaderDLQSubject, msg.Subject())
	h.Set(HeaderDLQTime, time.Now().UTC().Format(time.RFC3339Nano))
	id := "dlq:" + stage + ":" + msg.Subject()
	if md != nil {
		h.Set(HeaderDLQStream, md.Stream)
		h.Set(HeaderDLQConsumer, md.Consumer)
		h.Set(HeaderDLQSequence, strconv.FormatUint(md.Sequence.Stream, 10))
		h.Set(HeaderDLQDelivered, strconv.FormatUint(md.NumDelivered, 10))
		// The consumer is part of the id: several sinks (consumers of one
		// stream) may each dead-letter the same article.
		id = fmt.Sprintf("dlq:%s:%s:%s:%d", stage, md.Stream, md.Consumer, md.Sequence.Stream)
	}
	dl := &nats.Msg{Subject: "news.dlq." + stage, Data: msg.Data(), Header: h}
	if _, err := p.pub.publish(ctx, "NEWS_DLQ", dl, id); err != nil {
		return fmt.Errorf("dead letter: %w", err)
	}
	p.metrics.DeadLetters.WithLabelValues(stage).Inc()
	p.logger.Warn("message dead-lettered", "stage", stage, "subject", msg.Subject(), "reason", reason)
	return msg.TermWithReason(reason)
}
