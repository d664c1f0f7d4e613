package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/metrics"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// handleScrape turns one feed item into an article: fetch the page, extract,
// enrich, publish on news.article.<source>.<lang>. When the page cannot be
// had (permanently, or on the last delivery) the article is built from the
// feed item and marked feed-fallback, so an item is never lost.
func (p *Pipeline) handleScrape(ctx context.Context, msg jetstream.Msg) {
	var im ItemMsg
	if err := json.Unmarshal(msg.Data(), &im); err != nil {
		_ = p.deadLetter(ctx, StageScrape, msg, fmt.Sprintf("undecodable item: %v", err))
		return
	}
	link := im.Item.Link
	if clean, err := urlnorm.StripTracking(link); err == nil {
		link = clean
	}
	var (
		a      *article.Article
		reason string
	)
	switch {
	case link == "":
		reason = "item has no link"
	case !im.FetchArticles:
		reason = "fetch_articles is off"
	default:
		art, err := p.scrapePage(ctx, &im, link)
		switch {
		case err == nil:
			a = art
		case ctx.Err() != nil:
			_ = msg.Nak()
			return
		default:
			var fe *fetcher.Error
			transient := errors.As(err, &fe) && !fe.Permanent()
			last := int(deliveries(msg)) >= p.cfg.Pipeline.MaxDeliver
			if transient && !last {
				delay := retryDelay(deliveries(msg), 2*time.Minute)
				if fe.RetryAfter > delay {
					delay = clampDur(fe.RetryAfter, time.Second, 10*time.Minute)
				}
				p.logger.Info("article fetch failed, will retry", "source", im.Source, "url", link, "class", string(fe.Class), "error", err, "retry_in", delay)
				_ = msg.NakWithDelay(delay)
				return
			}
			reason = err.Error()
			p.logger.Warn("article page unusable, publishing from the feed item", "source", im.Source, "url", link, "class", string(fetcher.ClassOf(err)), "error", err)
		}
	}
	if a == nil {
		a = fallbackArticle(&im, link)
		if reason != "" {
			a.Errors = append(a.Errors, article.StageError{Stage: "scrape", Error: reason})
		}
	}
	if err := p.finish(ctx, &im, a); err != nil {
		p.nakOrDLQ(ctx, StageScrape, msg, err)
		return
	}
	publish, err := p.assignRevision(ctx, a)
	if err != nil {
		p.nakOrDLQ(ctx, StageScrape, msg, err)
		return
	}
	if !publish {
		p.logger.Debug("article unchanged; not published again", "id", a.ID, "url", a.URL)
		_ = msg.Ack()
		return
	}
	if err := p.publishArticle(ctx, &im, a); err != nil {
		if ctx.Err() != nil {
			_ = msg.Nak()
			return
		}
		p.nakOrDLQ(ctx, StageScrape, msg, err)
		return
	}
	if err := p.saveRevision(ctx, a); err != nil {
		// The article is published; without the record a later change would
		// be published as revision 0 again and absorbed as a duplicate.
		p.logger.Warn("cannot record the article revision", "id", a.ID, "error", err)
	}
	_ = msg.Ack()
}

// assignRevision compares a with the last published revision of its id:
// unchanged content is not published again; changed content becomes the
// next revision (published with message id <id>#<revision>).
func (p *Pipeline) assignRevision(ctx context.Context, a *article.Article) (bool, error) {
	e, err := p.stores.Seen.Get(ctx, "a."+a.ID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("article state: %w", err)
	}
	var st ArticleState
	if json.Unmarshal(e.Value(), &st) != nil {
		return true, nil
	}
	if st.ContentHash == a.ContentHash {
		return false, nil
	}
	// An extracted article replaces a feed-fallback one, never the other way round.
	if !st.Fallback && a.Extraction.Method == article.MethodFeedFallback {
		return false, nil
	}
	a.Revision = st.Revision + 1
	return true, nil
}

func (p *Pipeline) saveRevision(ctx context.Context, a *article.Article) error {
	b, _ := json.Marshal(ArticleState{Revision: a.Revision, ContentHash: a.ContentHash, Fallback: a.Extraction.Method == article.MethodFeedFallback})
	_, err := p.stores.Seen.Put(ctx, "a."+a.ID, b)
	return err
}

// scrapePage fetches and extracts the article page.
func (p *Pipeline) scrapePage(ctx context.Context, im *ItemMsg, link string) (*article.Article, error) {
	resp, err := p.fetch.Fetch(ctx, fetcher.Request{URL: link, Kind: fetcher.KindPage})
	if err != nil {
		p.metrics.ArticleFetches.WithLabelValues(im.Source, string(fetcher.ClassOf(err))).Inc()
		return nil, err
	}
	p.metrics.ArticleFetches.WithLabelValues(im.Source, "ok").Inc()
	a, err := p.extract.Extract(resp.Body, parser.Options{URL: resp.URL, ContentType: resp.ContentType})
	if err != nil {
		return nil, &fetcher.Error{Class: fetcher.ClassParse, URL: link, Err: err}
	}
	if a.IsArticle != nil && !*a.IsArticle && strings.TrimSpace(a.Text) == "" {
		return nil, &fetcher.Error{Class: fetcher.ClassParse, URL: link, Err: parser.ErrNotArticle}
	}
	a.URL = link
	a.FetchedAt = p.now().UTC()
	return a, nil
}

// finish fills the fields that come from the feed and the pipeline, then
// runs the enrichers.
func (p *Pipeline) finish(ctx context.Context, im *ItemMsg, a *article.Article) error {
	it := im.Item
	a.Schema = article.Schema
	if a.URL == "" {
		a.URL = it.Link
	}
	if a.CanonicalURL == "" {
		a.CanonicalURL = a.URL
	}
	id, err := article.ID(a.CanonicalURL)
	if err != nil {
		if id, err = article.ID(a.URL); err != nil {
			id = hash32("item", im.Key)
		}
	}
	a.ID = id
	a.Source = article.Source{Name: im.FeedName, Domain: urlnorm.Domain(im.FeedURL), FeedURL: im.FeedURL}
	if a.Title == "" {
		a.Title = it.Title
	}
	if len(a.Authors) == 0 && len(it.Authors) > 0 {
		a.Authors = append([]string(nil), it.Authors...)
	}
	if a.Authors == nil {
		a.Authors = []string{}
	}
	if a.PublishedAt.IsZero() {
		a.PublishedAt = it.PublishedAt
	}
	if a.UpdatedAt.IsZero() && !it.UpdatedAt.IsZero() && !it.UpdatedAt.Equal(a.PublishedAt) {
		a.UpdatedAt = it.UpdatedAt
	}
	if a.Language == "" {
		a.Language = im.FeedLanguage
	}
	if a.Image == nil && it.Image != "" {
		a.Image = &article.Image{URL: it.Image}
	}
	a.FeedItem = &article.FeedItem{GUID: it.GUID, Title: it.Title, Link: it.Link, PublishedAt: it.PublishedAt, Categories: it.Categories}
	if a.FetchedAt.IsZero() {
		a.FetchedAt = p.now().UTC()
	}
	if err := p.enrich.Enrich(ctx, a); err != nil {
		return err
	}
	if a.WordCount == 0 && a.Text != "" { // the wordcount enricher may be disabled
		a.WordCount = article.CountWords(a.Text)
	}
	a.ContentHash = article.ContentHash(a)
	for _, e := range a.Errors {
		if strings.HasPrefix(e.Stage, "enrich.") {
			p.metrics.EnrichErrors.WithLabelValues(strings.TrimPrefix(e.Stage, "enrich.")).Inc()
		}
	}
	return nil
}

// publishArticle publishes a on its subject with the CloudEvents headers.
func (p *Pipeline) publishArticle(ctx context.Context, im *ItemMsg, a *article.Article) error {
	data, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("encode article: %w", err)
	}
	lang := article.LangToken(a.Language)
	msg := &nats.Msg{Subject: "news.article." + im.Source + "." + lang, Data: data, Header: nats.Header{}}
	msg.Header.Set("Content-Type", "application/json")
	msg.Header.Set("ce-specversion", "1.0")
	msg.Header.Set("ce-type", "newsfeed.article.v1")
	msg.Header.Set("ce-source", im.FeedURL)
	msg.Header.Set("ce-id", a.ID)
	msg.Header.Set("ce-time", a.FetchedAt.Format(time.RFC3339))
	msg.Header.Set("ce-datacontenttype", "application/json")
	msg.Header.Set(HeaderDiscoveredAt, im.DiscoveredAt.Format(time.RFC3339Nano))
	msgID := a.ID
	if a.Revision > 0 {
		msgID = fmt.Sprintf("%s#%d", a.ID, a.Revision)
	}
	if _, err := p.pub.publish(ctx, "NEWS_ARTICLES", msg, msgID); err != nil {
		return err
	}
	p.recordExtraction(im.Source, a)
	p.metrics.ArticlesPublished.WithLabelValues(im.Source, lang).Inc()
	p.logger.Info("article published", "source", im.Source, "id", a.ID, "url", a.URL, "method", a.Extraction.Method, "words", a.WordCount)
	return nil
}

func (p *Pipeline) recordExtraction(source string, a *article.Article) {
	m := p.metrics
	m.Extractions.WithLabelValues(source, a.Extraction.Method).Inc()
	m.ArticleWords.Observe(float64(a.WordCount))
	present := map[string]bool{
		"title": a.Title != "", "authors": len(a.Authors) > 0, "published_at": !a.PublishedAt.IsZero(),
		"image": a.Image != nil && a.Image.URL != "", "text": a.Text != "",
	}
	for _, f := range metrics.Fields {
		if present[f] {
			m.FieldPresent.WithLabelValues(source, f).Inc()
		}
	}
}

// fallbackArticle builds an article from the feed item alone.
func fallbackArticle(im *ItemMsg, link string) *article.Article {
	it := im.Item
	body := it.Content
	if body == "" {
		body = it.Summary
	}
	// the feed's markup is the publisher's: sanitised before it is read,
	// so no script or style text reaches the article
	body = feed.SanitizeHTML(body, link)
	a := &article.Article{
		Schema: article.Schema, URL: link, CanonicalURL: link, Title: it.Title,
		Authors: append([]string{}, it.Authors...), PublishedAt: it.PublishedAt,
		Text:       htmlToText(body),
		HTML:       parser.SanitizeBody(body),
		Extraction: article.Extraction{Method: article.MethodFeedFallback},
	}
	return a
}

// htmlToText returns the text of an HTML fragment, one paragraph per block.
func htmlToText(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader("<div>" + s + "</div>"))
	if err != nil {
		return ""
	}
	var paras []string
	blocks := doc.Find("p, li, h2, h3, h4, blockquote")
	if blocks.Length() == 0 {
		return strings.Join(strings.Fields(doc.Text()), " ")
	}
	blocks.Each(func(_ int, b *goquery.Selection) {
		if t := strings.Join(strings.Fields(b.Text()), " "); t != "" {
			paras = append(paras, t)
		}
	})
	return strings.Join(paras, "\n\n")
}
