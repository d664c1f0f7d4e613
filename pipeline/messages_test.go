package pipeline

import (
	"testing"

	"github.com/newsfeed/newsfeed/config"
)

func TestFeedLabels(t *testing.T) {
	cfgs := []config.Feed{
		{URL: "https://www.themoscowtimes.com/rss/news", Name: "MT"},
		{URL: "https://www.themoscowtimes.com/rss/opinion", Name: "MT"},
		{URL: "https://feeds.bbci.co.uk/news/rss.xml", Name: "BBC"},
	}
	got := NewFeeds(cfgs, 0)
	if got[0].Label != "MT" || got[1].Label != "MT #2" || got[2].Label != "BBC" {
		t.Fatalf("labels %q %q %q", got[0].Label, got[1].Label, got[2].Label)
	}
	// Over the limit, labels name the source: bounded by outlets, not feeds.
	got = NewFeeds(cfgs, 2)
	if got[0].Label != "themoscowtimes" || got[1].Label != "themoscowtimes" || got[2].Label != "bbci" {
		t.Fatalf("capped labels %q %q %q", got[0].Label, got[1].Label, got[2].Label)
	}
	if got[0].ID == got[1].ID {
		t.Fatal("feed ids collide")
	}
}
