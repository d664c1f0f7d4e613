package jsonl

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
)

// FuzzRepair checks that whatever a crash left in the active file, Open
// keeps exactly the complete lines (the content up to the last newline) and
// that the next batch lands on a line of its own.
func FuzzRepair(f *testing.F) {
	f.Add([]byte("{\"id\":\"a\"}\n{\"id\":\"b"))
	f.Add([]byte("\n\n\x00\x00"))
	f.Add([]byte("no newline at all"))
	f.Add(bytes.Repeat([]byte("x"), 70<<10)) // longer than one read chunk
	f.Add(append(bytes.Repeat([]byte("y\n"), 40<<10), "tail"...))
	f.Fuzz(func(t *testing.T, content []byte) {
		path := filepath.Join(t.TempDir(), "a.jsonl")
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(Options{Path: path, Fsync: FsyncNever})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		keep := content[:bytes.LastIndexByte(content, '\n')+1]
		if !bytes.HasPrefix(got, keep) {
			t.Fatalf("complete lines not kept")
		}
		rest := got[len(keep):]
		if bytes.Count(rest, []byte{'\n'}) != 1 || rest[len(rest)-1] != '\n' || !bytes.HasPrefix(rest, []byte(`{"schema"`)) {
			t.Fatalf("after the kept lines: %.80q", rest)
		}
	})
}
