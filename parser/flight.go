package parser

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
)

// flightPrefix opens each script that carries a Next.js App Router page's
// streamed payload (the React Server Components "flight" rows).
const flightPrefix = "self.__next_f.push([1,"

// reFlightText matches the head of a flight text row: "24:T1b7b," is row
// 0x24, a text of 0x1b7b bytes that follows the comma.
var reFlightText = regexp.MustCompile(`(?:^|\n)[0-9a-f]+:T([0-9a-f]{1,8}),`)

// flightHTML returns the longest text row of a page's flight payload that
// is HTML with paragraphs: the article body of a page whose server left
// the body to the client (a loading placeholder in the markup, the
// article's HTML only in the payload). It returns "" when there is none.
func flightHTML(scripts []string) string {
	var b strings.Builder
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimSuffix(s, ";"), ")")
		var push []json.RawMessage
		if json.Unmarshal([]byte(strings.TrimPrefix(s, "self.__next_f.push(")), &push) != nil || len(push) != 2 {
			continue
		}
		var chunk string
		if json.Unmarshal(push[1], &chunk) == nil {
			b.WriteString(chunk)
		}
	}
	payload := b.String()
	best := ""
	for _, m := range reFlightText.FindAllStringSubmatchIndex(payload, -1) {
		n, err := strconv.ParseUint(payload[m[2]:m[3]], 16, 32)
		if err != nil {
			continue
		}
		start := m[1]
		end := min(start+int(n), len(payload))
		if t := payload[start:end]; len(t) > len(best) && strings.Contains(t, "<p") {
			best = t
		}
	}
	return best
}
