package parser

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestFlightBody extracts a Next.js page whose markup holds only a
// loading placeholder: the body comes from the text row of the streamed
// payload, split over two pushes.
func TestFlightBody(t *testing.T) {
	body := "<div class=\"img\"><img src=\"/a.jpg\"></div>$$ARTICLEAD$$"
	for i := range 4 {
		body += fmt.Sprintf("<p>The council voted on Tuesday, in its %d. session, to close the old bridge to traffic for two years while engineers rebuild its deck and piers, a decision that residents of both banks have argued over for most of the decade.</p>", i+1)
	}
	payload := "1:\"$Sreact.fragment\"\n24:T" + fmt.Sprintf("%x", len(body)) + "," + body + "25:[\"$\",\"div\",null,{}]\n"
	half := len(payload) / 2
	var scripts strings.Builder
	for _, chunk := range []string{payload[:half], payload[half:]} {
		q, _ := json.Marshal(chunk)
		scripts.WriteString(`<script>self.__next_f.push([1,` + string(q) + `])</script>`)
	}
	page := `<html><head><title>Bridge to close</title></head><body><main><div class="spinner"><svg></svg></div></main>` + scripts.String() + `</body></html>`
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.com/news/bridge-to-close"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(a.Text, "The council voted"); got != 4 {
		t.Errorf("text holds the paragraph %d times, want 4:\n%s", got, a.Text)
	}
	if strings.Contains(a.Text, "ARTICLEAD") || strings.Contains(a.Text, "react.fragment") {
		t.Errorf("text holds the payload's markers:\n%s", a.Text)
	}
}

// TestFlightHTML pins what flightHTML reads from odd payloads: rows that
// are not text, a push cut short, a length past the payload's end.
func TestFlightHTML(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{`self.__next_f.push([1,"3:I[1,[],\"\"]\n"])`, ""},
		{`self.__next_f.push([1,"broken`, ""},
		{`self.__next_f.push([1,"9:T5,plain"])`, ""},
		{`self.__next_f.push([1,"9:Tffff,<p>short</p>"])`, "<p>short</p>"},
	} {
		if got := flightHTML([]string{c.script}); got != c.want {
			t.Errorf("flightHTML(%q) = %q, want %q", c.script, got, c.want)
		}
	}
}
