//go:build race

package fetcher

// the race detector slows byte loops about tenfold: time bounds scale
const slowdown = 10
