package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/parser/feed"
	"github.com/newsfeed/newsfeed/parser/sitemap"
)

// pollResult is the outcome of polling one feed.
type pollResult struct {
	items    int
	notMod   bool
	err      error
	class    fetcher.Class
	retryAft time.Duration
	// On success: the delay until the next poll and the new state.
	interval           time.Duration
	etag, lastModified string
	recent             []time.Time
}

// handlePoll processes one poll job: conditional GET, parse, publish new
// items, update the feed state. The job is acknowledged once its outcome is
// recorded; a failed poll is retried by the schedule (with backoff), not by
// redelivery.
func (p *Pipeline) handlePoll(ctx context.Context, msg jetstream.Msg) {
	var job Job
	if err := json.Unmarshal(msg.Data(), &job); err != nil || job.FeedID == "" {
		_ = p.deadLetter(ctx, StagePoll, msg, fmt.Sprintf("undecodable poll job: %v", err))
		return
	}
	f := p.byID[job.FeedID]
	if f == nil {
		// Another replica with a different configuration scheduled it.
		p.logger.Warn("poll job for a feed not in this replica's configuration; dropped", "feed_id", job.FeedID, "url", job.URL)
		_ = msg.Term()
		return
	}
	st, _, err := p.loadState(ctx, f.ID)
	if err != nil {
		p.nakOrDLQ(ctx, StagePoll, msg, err)
		return
	}
	now := p.now()
	if job.Run == "" && !st.NextDue.IsZero() && job.Slot < st.NextDue.UnixNano() && st.LastPolled.UnixNano() >= job.Slot {
		// Already polled for a later slot (a late duplicate): nothing to do.
		_ = msg.Ack()
		return
	}
	if hs := p.hostCooldown(ctx, f.Host); hs.Until.After(now) {
		wait := hs.Until.Sub(now)
		if job.Run != "" && wait < 2*time.Minute {
			_ = msg.NakWithDelay(wait)
			return
		}
		if job.Run == "" {
			if _, err := p.updateState(ctx, f.ID, func(s *FeedState) {
				s.URL = f.URL
				s.NextDue = hs.Until
			}); err != nil {
				p.nakOrDLQ(ctx, StagePoll, msg, err)
				return
			}
			_ = msg.Ack()
			return
		}
	}

	res := p.poll(ctx, f, &st)
	if ctx.Err() != nil {
		_ = msg.Nak()
		return
	}
	p.recordPoll(f, res)
	outage := res.err != nil && p.outage != nil && p.outage.Down()
	if p.outage != nil {
		p.metrics.NetworkOutage.Set(b2f(p.outage.Down()))
	}
	if outage {
		p.logger.Warn("every recently tried host fails: our network looks down; the failure is not counted against the feed", "feed", f.Label)
	}
	if res.class == fetcher.ClassHTTP4xx || res.class == fetcher.ClassHTTP5xx {
		if res.retryAft > 0 {
			until := now.Add(clampDur(res.retryAft, time.Second, 24*time.Hour))
			p.setHostCooldown(ctx, f.Host, HostState{Until: until, Reason: res.err.Error()})
			p.metrics.HostCooldowns.Inc()
		}
	}
	newSt, err := p.updateState(ctx, f.ID, func(s *FeedState) {
		s.URL = f.URL
		s.LastPolled = now
		if job.Run != "" {
			s.LastRun = job.Run
			s.RunError = ""
			if res.err != nil {
				s.RunError = res.err.Error()
			}
		}
		if res.err != nil {
			if !outage {
				s.Failures++
			}
			s.LastError = res.err.Error()
			s.ErrorClass = string(res.class)
			wait := p.backoff(s.Failures)
			if res.retryAft > wait {
				wait = clampDur(res.retryAft, time.Second, 24*time.Hour)
			}
			s.NextDue = now.Add(wait)
			return
		}
		s.Failures = 0
		s.LastError, s.ErrorClass = "", ""
		s.LastSuccess = now
		s.ETag, s.LastModified = res.etag, res.lastModified
		if res.recent != nil {
			s.Recent = res.recent
		}
		s.ItemsSeen += int64(res.items)
		s.NextDue = now.Add(res.interval)
	})
	if err != nil {
		p.nakOrDLQ(ctx, StagePoll, msg, err)
		return
	}
	p.metrics.FeedFailures.WithLabelValues(f.Label).Set(float64(newSt.Failures))
	if res.err == nil {
		p.metrics.FeedLastSuccess.WithLabelValues(f.Label).Set(float64(now.Unix()))
	}
	_ = msg.Ack()
}

func (p *Pipeline) recordPoll(f *Feed, res pollResult) {
	switch {
	case res.err != nil:
		p.metrics.FeedFetches.WithLabelValues(f.Label, string(res.class)).Inc()
		p.logger.Warn("feed poll failed", "feed", f.Label, "url", f.LogURL, "class", string(res.class), "error", res.err)
	case res.notMod:
		p.metrics.FeedFetches.WithLabelValues(f.Label, "not_modified").Inc()
		p.logger.Debug("feed not modified", "feed", f.Label, "url", f.LogURL)
	default:
		p.metrics.FeedFetches.WithLabelValues(f.Label, "ok").Inc()
		p.logger.Info("feed polled", "feed", f.Label, "url", f.LogURL, "new_items", res.items)
	}
}

// poll fetches and parses the feed and publishes its new items.
func (p *Pipeline) poll(ctx context.Context, f *Feed, st *FeedState) pollResult {
	start := p.now()
	resp, err := p.fetch.Fetch(ctx, fetcher.Request{URL: f.URL, Kind: fetcher.KindFeed, ETag: st.ETag, LastModified: st.LastModified})
	p.metrics.FeedFetchDuration.Observe(p.now().Sub(start).Seconds())
	if err != nil {
		res := pollResult{err: err, class: fetcher.ClassOf(err)}
		var fe *fetcher.Error
		if errors.As(err, &fe) {
			res.retryAft = fe.RetryAfter
		}
		return res
	}
	if resp.NotModified {
		return pollResult{notMod: true, interval: p.interval(f, nil, resp, st), etag: resp.ETag, lastModified: resp.LastModified}
	}
	var parsed *feed.Feed
	if f.Type == "sitemap" {
		parsed, err = p.parseSitemap(ctx, f, resp)
	} else {
		parsed, err = feed.Parse(resp.Body, resp.ContentType, resp.URL)
	}
	if err != nil {
		return pollResult{err: &fetcher.Error{Class: fetcher.ClassParse, URL: f.URL, Err: err}, class: fetcher.ClassParse}
	}
	if len(parsed.Warnings) > 0 {
		p.logger.Info("feed parsed with repairs", "feed", f.Label, "url", f.LogURL, "warnings", parsed.Warnings)
	}
	n, err := p.publishItems(ctx, f, parsed)
	if err != nil {
		return pollResult{err: err, class: fetcher.ClassOther, items: n}
	}
	recent := recentTimes(parsed, st.Recent)
	st.Recent = recent
	return pollResult{items: n, interval: p.interval(f, parsed, resp, st), etag: resp.ETag, lastModified: resp.LastModified, recent: recent}
}

// maxChildSitemaps bounds the child sitemaps read from a sitemap index per
// poll (the most recently modified first).
const maxChildSitemaps = 10

// parseSitemap reads a news sitemap, or a sitemap index and its newest
// children, as one feed.
func (p *Pipeline) parseSitemap(ctx context.Context, f *Feed, resp *fetcher.Response) (*feed.Feed, error) {
	res, err := sitemap.Parse(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		return nil, err
	}
	if res.Feed != nil {
		return res.Feed, nil
	}
	children := append([]sitemap.Sitemap(nil), res.Sitemaps...)
	sort.SliceStable(children, func(i, j int) bool { return children[i].LastMod.After(children[j].LastMod) })
	if len(children) > maxChildSitemaps {
		children = children[:maxChildSitemaps]
	}
	out := &feed.Feed{Title: f.Name}
	for _, c := range children {
		cr, err := p.fetch.Fetch(ctx, fetcher.Request{URL: c.URL, Kind: fetcher.KindFeed})
		if err != nil {
			p.logger.Warn("child sitemap failed", "feed", f.Label, "url", c.URL, "class", string(fetcher.ClassOf(err)), "error", err)
			continue
		}
		child, err := sitemap.Parse(cr.Body, cr.ContentType, cr.URL)
		if err != nil || child.Feed == nil {
			p.logger.Warn("child sitemap unreadable", "feed", f.Label, "url", c.URL, "error", err)
			continue
		}
		out.Items = append(out.Items, child.Feed.Items...)
		if out.Language == "" {
			out.Language = child.Feed.Language
		}
	}
	return out, nil
}

// publishItems queues every item not seen before. An item is published
// before it is marked seen, so a crash in between re-publishes it (absorbed
// by the stream's duplicate window) rather than losing it.
func (p *Pipeline) publishItems(ctx context.Context, f *Feed, parsed *feed.Feed) (int, error) {
	n := 0
	now := p.now().UTC()
	for _, it := range parsed.Items {
		keys := itemKeys(f.URL, it)
		fp := itemFingerprint(it)
		state, err := p.seenState(ctx, keys, fp)
		if err != nil {
			return n, err
		}
		if state == itemSeen {
			continue
		}
		im := ItemMsg{
			Key: keys[0], FeedID: f.ID, FeedURL: f.URL, FeedName: f.Name, FeedTitle: parsed.Title,
			FeedLanguage: firstNonEmpty(f.Language, parsed.Language), Source: f.Source,
			FetchArticles: f.ShouldFetchArticles(), Item: it, DiscoveredAt: now, Update: state == itemChanged,
		}
		data, err := json.Marshal(&im)
		if err != nil {
			return n, err
		}
		msg := &nats.Msg{Subject: "news.item." + f.Source, Data: data, Header: nats.Header{}}
		msg.Header.Set(HeaderDiscoveredAt, now.Format(time.RFC3339Nano))
		msgID := "item:" + keys[0]
		if state == itemChanged {
			msgID += ":" + fp
		}
		if _, err := p.pub.publish(ctx, "NEWS_ITEMS", msg, msgID); err != nil {
			return n, err
		}
		for _, k := range keys {
			if _, err := p.stores.Seen.Put(ctx, k, []byte(fp)); err != nil {
				return n, fmt.Errorf("mark seen: %w", err)
			}
		}
		n++
		p.metrics.ItemsDiscovered.WithLabelValues(f.Source).Inc()
	}
	return n, nil
}

type seenResult int

const (
	itemNew seenResult = iota
	itemSeen
	itemChanged // the same item (primary key) with a new title or update time
)

// seenState looks the item's keys up in the seen bucket. The bucket stores
// the item's fingerprint under each key; a different fingerprint under the
// primary key means the publisher changed the item, which is queued again
// so the article may get a new revision.
func (p *Pipeline) seenState(ctx context.Context, keys []string, fp string) (seenResult, error) {
	for i, k := range keys {
		e, err := p.stores.Seen.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return itemNew, fmt.Errorf("seen check: %w", err)
		}
		if i == 0 && len(e.Value()) == 32 && string(e.Value()) != fp {
			return itemChanged, nil
		}
		return itemSeen, nil
	}
	return itemNew, nil
}

// itemFingerprint changes when the publisher edits an item's title or
// update time.
func itemFingerprint(it feed.Item) string {
	upd := ""
	if !it.UpdatedAt.IsZero() {
		upd = it.UpdatedAt.UTC().Format(time.RFC3339)
	}
	return hash32(it.Title, upd)
}

// interval returns the delay until the next poll.
func (p *Pipeline) interval(f *Feed, parsed *feed.Feed, resp *fetcher.Response, st *FeedState) time.Duration {
	in := fetcher.CadenceInput{
		Configured: f.Interval, Min: p.cfg.Schedule.MinInterval, Max: p.cfg.Schedule.MaxInterval, Now: p.now(),
	}
	if k := p.cfg.Schedule.AdaptiveFactor; k > 0 {
		in.RecentItems, in.AdaptiveMax = st.Recent, time.Duration(k)*f.Interval
	}
	if resp != nil {
		in.Header = resp.Header
	}
	if parsed != nil {
		in.TTL, in.UpdatePeriod, in.SkipHours, in.SkipDays = parsed.TTL, parsed.UpdatePeriod, parsed.SkipHours, parsed.SkipDays
	}
	return fetcher.Cadence(in)
}

func (p *Pipeline) backoff(failures int) time.Duration {
	return fetcher.Backoff(failures, p.cfg.Schedule.MaxBackoff, nil)
}

func recentTimes(parsed *feed.Feed, prev []time.Time) []time.Time {
	out := append([]time.Time(nil), prev...)
	for _, it := range parsed.Items {
		if !it.PublishedAt.IsZero() {
			out = append(out, it.PublishedAt.UTC())
		}
	}
	// Keep the newest 20, unique.
	uniq := map[int64]bool{}
	var keep []time.Time
	for _, t := range out {
		if !uniq[t.Unix()] {
			uniq[t.Unix()] = true
			keep = append(keep, t)
		}
	}
	sortTimesDesc(keep)
	if len(keep) > 20 {
		keep = keep[:20]
	}
	return keep
}

func sortTimesDesc(t []time.Time) {
	for i := 1; i < len(t); i++ {
		for j := i; j > 0 && t[j].After(t[j-1]); j-- {
			t[j], t[j-1] = t[j-1], t[j]
		}
	}
}

// nakOrDLQ hands a message back for a later retry, or dead-letters it on
// its last allowed delivery.
func (p *Pipeline) nakOrDLQ(ctx context.Context, stage string, msg jetstream.Msg, err error) {
	d := deliveries(msg)
	if int(d) >= p.cfg.Pipeline.MaxDeliver {
		if dlqErr := p.deadLetter(ctx, stage, msg, err.Error()); dlqErr == nil {
			return
		}
	}
	_ = msg.NakWithDelay(retryDelay(d, time.Minute))
}

func clampDur(d, lo, hi time.Duration) time.Duration {
	return max(lo, min(d, hi))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
