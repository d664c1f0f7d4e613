// Command newsfeed turns news feeds into a stream of clean articles on NATS
// JetStream. See the README and DESIGN for the command line.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "newsfeed: not wired yet")
	os.Exit(2)
}
