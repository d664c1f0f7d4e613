//go:build !race

package feed

const slowdown = 1
