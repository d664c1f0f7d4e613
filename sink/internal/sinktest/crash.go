package sinktest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
)

// crashEnv carries the storage argument to the child process.
const crashEnv = "NEWSFEED_SINKTEST_CRASH_ARG"

// CrashBatch is the number of articles per batch in the crash test.
const CrashBatch = 100

// CrashChild is the body of the helper test that Crash runs in a child
// process: it opens the sink on arg and writes batch after batch, printing
// "ok N" once batch N is written, until it is killed. Outside a crash test
// it skips. It prints "start N" just before batch N, so the parent can kill
// it while Write runs.
func CrashChild(t *testing.T, open func(ctx context.Context, arg string) (sink.Sink, error)) {
	arg := os.Getenv(crashEnv)
	if arg == "" {
		t.Skip("helper process for the crash test")
	}
	ctx := context.Background()
	s, err := open(ctx, arg)
	if err != nil {
		fmt.Fprintln(os.Stdout, "open:", err)
		os.Exit(2)
	}
	deadline := time.Now().Add(time.Minute)
	for n := 0; time.Now().Before(deadline); n++ {
		batch := Batch(n*CrashBatch, CrashBatch)
		fmt.Fprintf(os.Stdout, "start %d\n", n)
		if err := s.Write(ctx, batch); err != nil {
			fmt.Fprintln(os.Stdout, "write:", err)
			os.Exit(2)
		}
		fmt.Fprintf(os.Stdout, "ok %d\n", n)
	}
	os.Exit(3)
}

// Crash runs the test binary's helper test (which calls CrashChild) on the
// storage named by arg, SIGKILLs it as soon as it starts writing the batch
// after killAfter (so it dies inside Write), then reopens the storage
// and checks that every reported batch is there whole, that nothing is torn
// (atomic sinks hold the unfinished batch entirely or not at all; others may
// hold a prefix of it) and that the sink takes writes again.
func Crash(t *testing.T, helper, arg string, st Store, atomic bool, killAfter int) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+arg)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := -1
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if n, ok := strings.CutPrefix(line, "start "); ok {
			if n == strconv.Itoa(killAfter+1) && !killed {
				if err := cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
			continue
		}
		n, ok := strings.CutPrefix(line, "ok ")
		if !ok {
			t.Errorf("child: %s", line)
			continue
		}
		if acked, err = strconv.Atoi(n); err != nil {
			t.Fatalf("child printed %q", line)
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("child ended before it was killed: %v", werr)
	}
	if ws, ok := cmd.ProcessState.Sys().(interface{ Signaled() bool }); !ok || !ws.Signaled() {
		t.Fatalf("child was not killed by the signal: %v", werr)
	}
	t.Logf("child killed after batch %d of %d articles", acked, CrashBatch)

	s := st.Open(t) // repairs whatever the crash left
	got := st.Stored(t)
	partial := 0
	for id, vs := range got {
		if len(vs) != 1 {
			t.Errorf("%s stored %d times", id, len(vs))
		}
	}
	for n := 0; n <= acked+1; n++ {
		have := 0
		for i := n * CrashBatch; i < (n+1)*CrashBatch; i++ {
			vs := got[ID(i)]
			if len(vs) == 0 {
				if n <= acked {
					t.Fatalf("article %d of acknowledged batch %d is missing", i, n)
				}
				continue
			}
			have++
			if vs[0].Title != Article(i).Title || vs[0].Text != Article(i).Text {
				t.Fatalf("article %d is stored damaged", i)
			}
		}
		if n == acked+1 {
			partial = have
		}
	}
	if len(got) != (acked+1)*CrashBatch+partial {
		t.Fatalf("%d articles stored, want %d acknowledged + %d of the unfinished batch", len(got), (acked+1)*CrashBatch, partial)
	}
	if atomic && partial != 0 && partial != CrashBatch {
		t.Fatalf("the unfinished batch is stored in part (%d of %d): a batch must be atomic", partial, CrashBatch)
	}
	t.Logf("unfinished batch: %d of %d stored", partial, CrashBatch)

	// Redelivery of the unfinished batch and new writes work.
	next := (acked + 1) * CrashBatch
	if err := s.Write(t.Context(), Batch(next, 2*CrashBatch)); err != nil {
		t.Fatalf("Write after restart: %v", err)
	}
	if err := s.Check(t.Context()); err != nil {
		t.Fatalf("Check after restart: %v", err)
	}
	closeSink(t, s)
	got = st.Stored(t)
	if len(got) != next+2*CrashBatch {
		t.Fatalf("after redelivery %d articles stored, want %d", len(got), next+2*CrashBatch)
	}
	for id, vs := range got {
		if len(vs) != 1 {
			t.Fatalf("after redelivery %s stored %d times", id, len(vs))
		}
	}
}

// Bench measures Write throughput for each batch size; open returns a sink
// on fresh storage. It reports articles/s.
func Bench(b *testing.B, open func(b *testing.B) sink.Sink, sizes ...int) {
	for _, size := range sizes {
		b.Run("batch="+strconv.Itoa(size), func(b *testing.B) {
			s := open(b)
			batch := Batch(0, size)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for b.Loop() {
				renumber(batch, n)
				n += size
				if err := s.Write(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "articles/s")
			b.StopTimer()
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

func renumber(batch []*article.Article, from int) {
	for i, a := range batch {
		a.ID = ID(from + i)
	}
}

// BenchParallel measures Write throughput with concurrent writers (p times
// GOMAXPROCS goroutines, each writing batches of size) on one sink, as a
// pipeline with several batches in flight would. It reports articles/s.
func BenchParallel(b *testing.B, open func(b *testing.B) sink.Sink, size int, p int) {
	s := open(b)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(p)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		batch := Batch(0, size)
		for pb.Next() {
			renumber(batch, int(next.Add(int64(size)))-size)
			if err := s.Write(context.Background(), batch); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(next.Load())/b.Elapsed().Seconds(), "articles/s")
	b.StopTimer()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}
