//go:build unix

package feed

import (
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// BenchmarkParse measures feed parsing (the poller's CPU per feed): a
// generated 100-item RSS feed from the load harness's site, and the
// real-world feeds in testdata.
func BenchmarkParse(b *testing.B) {
	site := testsite.New(testsite.Options{Feeds: 1, Items: 100})
	rec := httptest.NewRecorder()
	site.ServeHTTP(rec, httptest.NewRequest("GET", "http://site.test/gen/0/feed.xml", nil))
	gen, _ := io.ReadAll(rec.Result().Body)
	cases := []struct {
		name, ctype string
		data        []byte
	}{{"generated-100-items", "application/rss+xml", gen}}
	for _, f := range []string{"bbc.rss.xml", "heise.atom.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		cases = append(cases, struct {
			name, ctype string
			data        []byte
		}{f, "application/xml", data})
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.data)))
			items := 0
			cpu0 := cpuTime()
			for b.Loop() {
				f, err := Parse(c.data, c.ctype, "http://site.test/feed")
				if err != nil {
					b.Fatal(err)
				}
				items = len(f.Items)
			}
			if items == 0 {
				b.Fatal("no items parsed")
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(items)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// cpuTime is the CPU time the process has used (every thread, GC included).
// On a shared machine it varies far less than wall time, so the benchmarks
// report it per operation as cpu-ns/op beside ns/op.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
