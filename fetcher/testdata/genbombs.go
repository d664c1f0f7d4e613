//go:build ignore

// genbombs writes the compression bombs used by the bad-input tests:
// 256 MiB of zeros as gzip (bomb.gz) and as brotli (bomb.br).
// Run: go run ./fetcher/testdata/genbombs.go (from the module root).
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"

	"github.com/andybalholm/brotli"
)

const size = 256 << 20

func main() {
	zeros := make([]byte, 1<<20)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	for i := 0; i < size/len(zeros); i++ {
		zw.Write(zeros)
		bw.Write(zeros)
	}
	zw.Close()
	bw.Close()
	for name, b := range map[string][]byte{"fetcher/testdata/bomb.gz": gz.Bytes(), "fetcher/testdata/bomb.br": br.Bytes()} {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%s: %d bytes for %d decoded\n", name, len(b), size)
	}
}
