package enricher

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/enricher/fingerprint"
	"github.com/newsfeed/newsfeed/internal/natsbus"
)

// The shared near-duplicate index is a JetStream stream of membership
// records, natsbus.StreamClusters (natsbus.ClustersConfig: file storage,
// MaxAge equal to the cluster window). Every replica reads the whole
// stream into an index in its own memory (an lsh, as NewMemoryIndex
// keeps) and follows it with an ordered consumer, so that an assignment
// is a lookup in memory plus, unless the article is a near-exact copy of
// a member, one publish.
//
// A record is JSON: {"id": article id, "c": cluster id, "t": article time,
// "n": shingle count, "s": recorded time (both Unix seconds), "m": MinHash
// signature, base64 of 64 little-endian uint32}. It is published on
//
//	news.cluster.found   by an article that founds a cluster
//	news.cluster.join    by an article that joins one
//
// Founding is serialised across replicas by optimistic concurrency: a
// founder publishes with the stream sequence of the last founding record
// its index holds as the expected last sequence of news.cluster.found. If
// another replica founded a cluster meanwhile the publish is refused; the
// founder waits until its index holds that record, looks again (it may
// now join the other's cluster: two copies of a story assigned at the
// same moment on two replicas end in one cluster) and retries. Joining
// needs no such check.
const (
	subjectClusterFound = "news.cluster.found"
	subjectClusterJoin  = "news.cluster.join"
)

// maxFoundAttempts bounds the retries of one founding publish.
const maxFoundAttempts = 32

// assignTimeout bounds one assignment, whatever the caller's context.
const assignTimeout = 15 * time.Second

// StreamIndex is the ClusterIndex shared by replicas through a JetStream
// stream (see above). Close stops following the stream.
type StreamIndex struct {
	js     jetstream.JetStream
	stream jetstream.Stream
	cc     jetstream.ConsumeContext
	logger *slog.Logger
	now    func() time.Time
	window time.Duration

	foundMu   sync.Mutex   // serialises this process's founders
	conflicts atomic.Int64 // founding publishes refused

	mu        sync.Mutex
	lsh       *lsh
	applied   uint64 // the last stream sequence the consumer applied
	lastFound uint64 // the sequence of the last founding record applied or published
	target    uint64 // the stream's last sequence when the index started
	ready     bool   // the stream was read up to target
	advanced  chan struct{}
	bad       int // records that could not be read
}

var _ ClusterIndex = (*StreamIndex)(nil)

// StreamIndexOptions configures a StreamIndex.
type StreamIndexOptions struct {
	// Window is how long a member is kept: the stream's MaxAge
	// (DefaultClusterWindow when 0).
	Window time.Duration
	// MaxMembers, when positive, bounds the members held in memory: past
	// it the oldest recorded leave first, before their window ends.
	MaxMembers int
	Logger     *slog.Logger // nil discards
}

// NewStreamIndex starts an index over the clusters stream (created by
// natsbus.Setup). Assignments wait until the records already in the
// stream are read.
func NewStreamIndex(ctx context.Context, js jetstream.JetStream, stream jetstream.Stream, opts StreamIndexOptions) (*StreamIndex, error) {
	window, logger := opts.Window, opts.Logger
	if window <= 0 {
		window = DefaultClusterWindow
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	x := &StreamIndex{js: js, stream: stream, logger: logger, now: time.Now, window: window, lsh: newLSH(window, opts.MaxMembers), advanced: make(chan struct{})}
	info, err := stream.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("cluster index: %w", err)
	}
	x.target = info.State.LastSeq
	x.ready = info.State.Msgs == 0
	cons, err := stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return nil, fmt.Errorf("cluster index: follow stream: %w", err)
	}
	x.cc, err = cons.Consume(x.apply, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		logger.Debug("cluster index: stream consumer", "err", err)
	}))
	if err != nil {
		return nil, fmt.Errorf("cluster index: follow stream: %w", err)
	}
	return x, nil
}

// Close stops following the stream: the index no longer learns of other
// replicas' records. Call it when the assignments are over.
func (x *StreamIndex) Close() {
	x.cc.Stop()
}

// Len returns the number of members the index holds.
func (x *StreamIndex) Len() int {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.lsh.len()
}

// Evictions returns the number of members dropped to keep within
// MaxMembers before their window ended.
func (x *StreamIndex) Evictions() int64 {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.lsh.evictions()
}

// Conflicts returns the number of founding publishes refused so far
// because another replica recorded a story first.
func (x *StreamIndex) Conflicts() int64 { return x.conflicts.Load() }

// clusterRecord is the JSON of a record.
type clusterRecord struct {
	ID       string `json:"id"`
	Cluster  string `json:"c"`
	Time     int64  `json:"t"`
	Shingles int    `json:"n"`
	Seen     int64  `json:"s"`
	MinHash  string `json:"m"`
}

func encodeRecord(d *ClusterDoc, seen int64) ([]byte, error) {
	raw := make([]byte, 4*len(d.MinHash))
	for i, v := range d.MinHash {
		binary.LittleEndian.PutUint32(raw[4*i:], v)
	}
	return json.Marshal(clusterRecord{ID: d.ID, Cluster: d.Cluster, Time: d.Time.Unix(), Shingles: d.Shingles, Seen: seen, MinHash: base64.RawStdEncoding.EncodeToString(raw)})
}

// decodeRecord reads a record; ok is false for one it cannot use.
func decodeRecord(b []byte) (d ClusterDoc, seen int64, ok bool) {
	var r clusterRecord
	if err := json.Unmarshal(b, &r); err != nil || r.ID == "" || r.Cluster == "" {
		return d, 0, false
	}
	raw, err := base64.RawStdEncoding.DecodeString(r.MinHash)
	if err != nil || len(raw)%4 != 0 || len(raw)/4 < Bands*BandRows {
		return d, 0, false
	}
	sig := make(fingerprint.MinHash, len(raw)/4)
	for i := range sig {
		sig[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return ClusterDoc{ID: r.ID, Cluster: r.Cluster, Time: time.Unix(r.Time, 0), Shingles: r.Shingles, MinHash: sig}, r.Seen, true
}

// apply adds a record delivered by the stream to the index.
func (x *StreamIndex) apply(msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		return
	}
	seq := md.Sequence.Stream
	d, seen, ok := decodeRecord(msg.Data())
	now := x.now()
	x.mu.Lock()
	defer x.mu.Unlock()
	switch {
	case !ok:
		x.bad++
		if x.bad == 1 || x.bad%1000 == 0 {
			x.logger.Warn("cluster index: unreadable records skipped", "count", x.bad, "seq", seq)
		}
	case seen >= now.Add(-x.window).Unix():
		x.lsh.add(d, seen, now)
	}
	if msg.Subject() == subjectClusterFound && seq > x.lastFound {
		x.lastFound = seq
	}
	x.applied = max(x.applied, seq)
	if !x.ready && (x.applied >= x.target || md.NumPending == 0) {
		x.ready = true
	}
	close(x.advanced)
	x.advanced = make(chan struct{})
}

// waitFor waits until the index is ready and has applied the stream up to
// seq.
func (x *StreamIndex) waitFor(ctx context.Context, seq uint64) error {
	x.mu.Lock()
	done := x.ready && x.applied >= seq
	x.mu.Unlock()
	if done {
		return nil
	}
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	for {
		x.mu.Lock()
		done := x.ready && x.applied >= seq
		ch, at := x.advanced, x.applied
		x.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-poll.C:
			// Records can expire before they are delivered: an empty
			// stream, or one that ends where the index is, has no more
			// to give.
			if info, err := x.stream.Info(ctx); err == nil && (info.State.Msgs == 0 || info.State.LastSeq <= at) {
				x.mu.Lock()
				x.ready = true
				x.applied = max(x.applied, min(seq, info.State.LastSeq))
				x.mu.Unlock()
			}
		case <-ctx.Done():
			return fmt.Errorf("cluster index: reading the stream (at sequence %d, waiting for %d): %w", at, seq, ctx.Err())
		}
	}
}

// Assign implements ClusterIndex.
func (x *StreamIndex) Assign(ctx context.Context, d ClusterDoc, same Similarity) (string, error) {
	if err := checkSignature(d); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, assignTimeout)
	defer cancel()
	if err := x.waitFor(ctx, 0); err != nil {
		return "", err
	}
	if c, best, score, _ := x.look(&d, same); c != "" {
		return c, nil
	} else if best != nil {
		return x.join(ctx, d, best, score)
	}
	// Found a cluster, one founder of this process at a time.
	x.foundMu.Lock()
	defer x.foundMu.Unlock()
	var expect uint64
	known := false
	for range maxFoundAttempts {
		c, best, score, last := x.look(&d, same)
		if c != "" {
			return c, nil
		}
		if best != nil {
			return x.join(ctx, d, best, score)
		}
		if !known {
			expect = last
		}
		d.Cluster = d.ID
		seq, err := x.publish(ctx, subjectClusterFound, &d, jetstream.WithExpectLastSequencePerSubject(expect))
		if err == nil {
			x.mu.Lock()
			x.lsh.add(d, x.now().Unix(), x.now())
			x.lastFound = max(x.lastFound, seq)
			x.mu.Unlock()
			return d.ID, nil
		}
		if !isWrongLastSequence(err) {
			return "", err
		}
		// Another replica founded a cluster: read up to it and look again.
		x.conflicts.Add(1)
		if expect, err = x.lastFoundOnServer(ctx); err != nil {
			return "", err
		}
		known = true
		if err := x.waitFor(ctx, expect); err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("cluster index: %d founding conflicts for %s", maxFoundAttempts, d.ID)
}

// look returns the cluster of a member with d's id if there is one, else
// the best match, and the last founding sequence known.
func (x *StreamIndex) look(d *ClusterDoc, same Similarity) (own string, best *ClusterDoc, score float64, lastFound uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if c, ok := x.lsh.cluster(d.ID); ok {
		return c, nil, 0, x.lastFound
	}
	best, score = x.lsh.best(d, same, x.now())
	return "", best, score, x.lastFound
}

// join records d as a member of best's cluster, unless it is a near-exact
// copy of best.
func (x *StreamIndex) join(ctx context.Context, d ClusterDoc, best *ClusterDoc, score float64) (string, error) {
	d.Cluster = best.Cluster
	if score >= redundantSimilarity {
		return d.Cluster, nil
	}
	if _, err := x.publish(ctx, subjectClusterJoin, &d); err != nil {
		return "", err
	}
	x.mu.Lock()
	x.lsh.add(d, x.now().Unix(), x.now())
	x.mu.Unlock()
	return d.Cluster, nil
}

func (x *StreamIndex) publish(ctx context.Context, subject string, d *ClusterDoc, opts ...jetstream.PublishOpt) (uint64, error) {
	b, err := encodeRecord(d, x.now().Unix())
	if err != nil {
		return 0, fmt.Errorf("cluster index: %w", err)
	}
	ack, err := x.js.Publish(ctx, subject, b, opts...)
	if err != nil {
		if isWrongLastSequence(err) {
			return 0, err
		}
		return 0, fmt.Errorf("cluster index: publish %s: %w", subject, err)
	}
	return ack.Sequence, nil
}

// lastFoundOnServer returns the sequence of the stream's last founding
// record, 0 when it has none.
func (x *StreamIndex) lastFoundOnServer(ctx context.Context) (uint64, error) {
	m, err := x.stream.GetLastMsgForSubject(ctx, subjectClusterFound)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("cluster index: last founding record: %w", err)
	}
	return m.Sequence, nil
}

func isWrongLastSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// ClusterStreamConfig returns the clusters stream's configuration for a
// cluster window, one replica: the one natsbus.Setup creates.
func ClusterStreamConfig(window time.Duration) jetstream.StreamConfig {
	if window <= 0 {
		window = DefaultClusterWindow
	}
	return natsbus.ClustersConfig(window, 1)
}
