// Package faulttest holds newsfeed's fault-injection tests (issue 5): the
// pipeline runs as several replicas against NATS JetStream on loopback while
// the tests restart and kill nats-server and replicas, cut the sink database,
// make origins fail and fill the disk. After each run a ledger built from the
// synthetic site's items counts lost, duplicated and extra articles in every
// sink. The package has tests only; the figures are in bench/FAULTS.md.
package faulttest
