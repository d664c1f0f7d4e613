//go:build !race

package fetcher

const slowdown = 1
