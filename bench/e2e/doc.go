// Package e2e holds newsfeed's end-to-end and pipeline benchmarks: the load
// harness (cmd/loadrun) that points `newsfeed once` and `newsfeed run` at the
// synthetic news site, the report generator (cmd/benchreport) that turns the
// results into BENCHMARKS.md, and Go benchmarks that need more than one
// package (bare extraction over the generated pages, JetStream publishing).
// It is a separate module so that its tools (pprof's profile reader,
// benchstat) stay out of newsfeed's own go.mod.
package e2e
