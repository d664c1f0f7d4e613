package fetcher

import (
	"testing"
	"time"
)

func TestCadenceAdaptiveCap(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	old := []time.Time{now.Add(-400 * 24 * time.Hour), now.Add(-401 * 24 * time.Hour), now.Add(-402 * 24 * time.Hour)}
	in := CadenceInput{Configured: 5 * time.Minute, Min: time.Minute, Max: 24 * time.Hour, Now: now, RecentItems: old}
	if d := Cadence(in); d != 24*time.Hour {
		t.Fatalf("uncapped: %v, want the 24h maximum for a feed quiet for a year", d)
	}
	in.AdaptiveMax = 30 * time.Minute
	if d := Cadence(in); d != 30*time.Minute {
		t.Fatalf("capped: %v, want 30m", d)
	}
}
