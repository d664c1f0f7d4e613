package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// Header names used on pipeline messages.
const (
	HeaderMsgID        = "Nats-Msg-Id"
	HeaderDiscoveredAt = "Newsfeed-Discovered-At"
	HeaderDLQStage     = "Newsfeed-Dlq-Stage"
	HeaderDLQReason    = "Newsfeed-Dlq-Reason"
	HeaderDLQSubject   = "Newsfeed-Dlq-Subject"
	HeaderDLQStream    = "Newsfeed-Dlq-Stream"
	HeaderDLQSequence  = "Newsfeed-Dlq-Sequence"
	HeaderDLQDelivered = "Newsfeed-Dlq-Deliveries"
	HeaderDLQTime      = "Newsfeed-Dlq-Time"
	HeaderDLQConsumer  = "Newsfeed-Dlq-Consumer"
)

// Job asks a poller to poll one feed (news.job.poll.<feed id>).
type Job struct {
	FeedID string `json:"feed_id"`
	URL    string `json:"url"`
	// Slot is the due time (Unix nanoseconds) the job was scheduled for;
	// the message id is <feed id>@<slot>, so one job per feed per slot
	// survives.
	Slot int64 `json:"slot"`
	// Run is set by `newsfeed once`: the job is polled even if not due and
	// its outcome is recorded under this run id.
	Run string `json:"run,omitempty"`
}

// ItemMsg is a new feed item waiting to be scraped (news.item.<source>).
type ItemMsg struct {
	Key           string    `json:"key"`
	FeedID        string    `json:"feed_id"`
	FeedURL       string    `json:"feed_url"`
	FeedName      string    `json:"feed_name"`
	FeedTitle     string    `json:"feed_title,omitempty"`
	FeedLanguage  string    `json:"feed_language,omitempty"`
	Source        string    `json:"source"`
	FetchArticles bool      `json:"fetch_articles"`
	Item          feed.Item `json:"item"`
	DiscoveredAt  time.Time `json:"discovered_at"`
	// Update is set when a known item changed in the feed.
	Update bool `json:"update,omitempty"`
}

// ArticleState is the last published revision of an article (key
// a.<article id> in the seen bucket).
type ArticleState struct {
	Revision    int    `json:"rev"`
	ContentHash string `json:"hash"`
	Fallback    bool   `json:"fallback,omitempty"`
}

// FeedState is the per-feed record in the newsfeed_feeds bucket
// (key feed.<id>), shared by every replica.
type FeedState struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	NextDue      time.Time `json:"next_due,omitzero"`
	LastPolled   time.Time `json:"last_polled,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	LastStatus   int       `json:"last_status,omitempty"`
	Failures     int       `json:"failures,omitempty"`
	LastError    string    `json:"last_error,omitempty"`
	ErrorClass   string    `json:"error_class,omitempty"`
	// LastRun is the `once` run id of the last poll, with RunError its outcome.
	LastRun  string `json:"last_run,omitempty"`
	RunError string `json:"run_error,omitempty"`
	// Recent holds publication times of the newest items, for adaptive cadence.
	Recent    []time.Time `json:"recent,omitempty"`
	ItemsSeen int64       `json:"items_seen,omitempty"`
}

// HostState is a host cool-down (key host.<host>), set after 429/503.
type HostState struct {
	Until  time.Time `json:"until"`
	Reason string    `json:"reason,omitempty"`
}

// Feed is a configured feed with its derived identity.
type Feed struct {
	*config.Feed        // the configuration's own entry, not a copy
	ID           string // hex SHA-256 of the URL, 16 chars
	Label        string // metric label (the configured name, made unique)
	Source       string // subject token
	Host         string // host[:port] of the feed URL
	// LogURL is the URL with credentials masked, for logs and messages.
	LogURL string

	index int // position in the configured feeds
}

// FeedID returns the id of a feed URL.
func FeedID(u string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(u)))
	return hex.EncodeToString(sum[:8]) // the first 16 hex digits, in a string of their own
}

// NewFeeds derives identities for the configured feeds. With more than
// maxLabels feeds (0: no limit), metric labels name the feed's source rather
// than the feed, so the number of series stays bounded.
func NewFeeds(cfgs []config.Feed, maxLabels int) []*Feed {
	out := make([]*Feed, 0, len(cfgs))
	labels := map[string]int{}
	slugs := map[string]string{} // domain → source slug, computed once per outlet
	for i := range cfgs {
		c := &cfgs[i]
		f := &Feed{Feed: c, ID: FeedID(c.URL), LogURL: urlnorm.Redact(c.URL), index: i}
		u, _ := url.Parse(c.URL)
		if u != nil {
			f.Host = strings.ToLower(u.Host)
		}
		f.Source = c.Source
		if f.Source == "" {
			d := urlnorm.Domain(c.URL)
			slug, ok := slugs[d]
			if !ok {
				slug = article.SourceSlug(d)
				slugs[d] = slug
			}
			f.Source = slug
		}
		switch {
		case maxLabels > 0 && len(cfgs) > maxLabels:
			f.Label = f.Source
		default:
			f.Label = c.Name
			if n := labels[c.Name]; n > 0 {
				f.Label = c.Name + " #" + itoa(n+1)
			}
			labels[c.Name]++
		}
		out = append(out, f)
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func feedKey(id string) string { return "feed." + id }

// hostKey returns the KV key of a host's cool-down.
func hostKey(host string) string {
	var b strings.Builder
	b.WriteString("host.")
	for _, r := range strings.ToLower(host) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

func hash32(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// itemKeys returns the identity keys of an item: the primary key (guid,
// else link, else content hash) first, then the link key when a link
// exists, so an item seen under another guid or feed is still recognised.
func itemKeys(feedURL string, it feed.Item) []string {
	var link string
	if it.Link != "" {
		if n, err := urlnorm.Normalize(it.Link); err == nil {
			link = n
		}
	}
	var keys []string
	switch {
	case it.GUID != "":
		keys = append(keys, "g"+hash32(feedURL, it.GUID))
	case link != "":
		keys = append(keys, "l"+hash32(link))
	default:
		keys = append(keys, "c"+hash32(it.Title, it.Summary, it.Content, it.PublishedAt.UTC().Format(time.RFC3339)))
	}
	if link != "" && keys[0][0] != 'l' {
		keys = append(keys, "l"+hash32(link))
	}
	return keys
}
