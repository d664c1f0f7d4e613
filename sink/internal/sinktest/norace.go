//go:build !race

package sinktest

// bigText is the size of the "bad data" suite's big article (see race.go).
const bigText = 5 << 20
