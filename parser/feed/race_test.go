//go:build race

package feed

// the race detector slows byte loops about tenfold: time bounds scale
const slowdown = 10
