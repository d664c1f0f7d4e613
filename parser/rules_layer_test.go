package parser

import "testing"

func TestConfigRuleLayersOverBuiltin(t *testing.T) {
	e := New(map[string]Rule{"www.themoscowtimes.com": {Drop: []string{".promo"}, Title: "h1.custom"}})
	r, ok := e.ruleFor("www.themoscowtimes.com")
	if !ok {
		t.Fatal("no rule")
	}
	b := BuiltinRules()["themoscowtimes.com"]
	if r.Title != "h1.custom" || r.Caption != b.Caption || r.Body != b.Body || r.Name != b.Name || r.Version != b.Version+"+config" {
		t.Fatalf("layered rule %+v", r)
	}
	if len(r.Drop) != len(b.Drop)+1 || r.Drop[len(r.Drop)-1] != ".promo" {
		t.Fatalf("drop %v", r.Drop)
	}
	// A domain without a built-in rule takes the configured rule as it is.
	e = New(map[string]Rule{"example.org": {Body: "main"}})
	if r, _ := e.ruleFor("example.org"); r.Body != "main" || r.Name != "example.org" || r.Version != "1" {
		t.Fatalf("plain rule %+v", r)
	}
}
