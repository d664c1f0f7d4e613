package fetcher

import "github.com/newsfeed/newsfeed/config"

// OptionsFromConfig maps the http section of the configuration to Options.
// The config's max_redirects 0 means no redirects (Options uses -1 for
// that, 0 being "default").
func OptionsFromConfig(h config.HTTP) Options {
	o := Options{
		UserAgent:            h.UserAgent,
		Timeout:              h.Timeout,
		MaxBody:              int64(h.MaxBody),
		MaxRedirects:         h.MaxRedirects,
		AllowPrivateNetworks: h.AllowPrivateNetworks,
		AllowHTTPSDowngrade:  h.AllowHTTPSDowngrade,
		PerHostConcurrency:   h.PerHost.Concurrency,
		PerHostMinInterval:   h.PerHost.MinInterval,
		RespectRobots:        h.RespectRobots,
	}
	if o.MaxRedirects == 0 {
		o.MaxRedirects = -1
	}
	return o
}
