package faulttest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// binDir holds the helper binaries (newsfeed, nats-server) built once per
// test run.
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "newsfeed-faulttest-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		if err := goleak.Find(
			// The HTTP transport's idle connections close asynchronously.
			goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

var builds sync.Map // package path → *build

type build struct {
	once sync.Once
	path string
	err  error
}

// binary builds a main package once per test run (with -race when the
// tests run with it, so the build reuses the test build's cache) and
// returns its path.
func binary(t *testing.T, pkg, name string) string {
	t.Helper()
	v, _ := builds.LoadOrStore(pkg, &build{})
	b := v.(*build)
	b.once.Do(func() {
		b.path = filepath.Join(binDir, name)
		args := []string{"build", "-o", b.path}
		if raceEnabled {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, pkg)...)
		cmd.Dir = ".."
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

func newsfeedBinary(t *testing.T) string {
	return binary(t, "github.com/newsfeed/newsfeed/cmd/newsfeed", "newsfeed")
}

// natsServerBinary is nats-server built from the module version in go.mod.
func natsServerBinary(t *testing.T) string {
	return binary(t, "github.com/nats-io/nats-server/v2", "nats-server")
}

// long skips a test that takes over ~15 s under -race with -short.
func long(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("long fault test; skipped with -short")
	}
}
