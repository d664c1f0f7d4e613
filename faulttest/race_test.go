//go:build race

package faulttest

// raceEnabled tells whether the test binary was built with -race; helper
// binaries are then built with -race too, which reuses the build cache.
const raceEnabled = true
