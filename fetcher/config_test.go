package fetcher

import (
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/config"
)

func TestOptionsFromConfig(t *testing.T) {
	h := config.Default().HTTP
	o := OptionsFromConfig(h)
	if o.UserAgent != h.UserAgent || o.Timeout != 20*time.Second || o.MaxBody != 10<<20 || o.MaxRedirects != 5 ||
		o.PerHostConcurrency != 2 || o.PerHostMinInterval != time.Second || !o.RespectRobots || o.AllowPrivateNetworks {
		t.Errorf("%+v", o)
	}
	h.MaxRedirects = 0
	if OptionsFromConfig(h).MaxRedirects != -1 {
		t.Error("max_redirects 0 must mean none")
	}
	c, err := New(OptionsFromConfig(h))
	if err != nil || c.opts.MaxRedirects != 0 {
		t.Errorf("%v %d", err, c.opts.MaxRedirects)
	}
}
