//go:build race

package sinktest

// bigText is the size of the "bad data" suite's big article. The race
// detector slows SQLite's tokenizer and JSON encoding about tenfold, so
// race runs use 1 MB; ordinary runs use the full 5 MB.
const bigText = 1 << 20
