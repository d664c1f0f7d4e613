package validate

import (
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/newsfeed/newsfeed/config"
)

// daemonSetup is what the container in one installation runs with.
type daemonSetup struct {
	in      *install
	c       *corev1.Container
	cfgPath string            // the --config argument
	cfgData []byte            // that file, from its ConfigMap
	env     map[string]string // the image's ENV, then the container's env
	cfg     *config.Config    // cfgData loaded by the daemon's own loader
}

// setup finds the configuration file the container reads and loads it with
// config.Parse, the daemon's strict loader, under the container's environment.
func setup(t testing.TB, dir string) *daemonSetup {
	t.Helper()
	in := render(t, dir)
	c := in.container(t)
	s := &daemonSetup{in: in, c: c, env: map[string]string{}}
	for i, a := range c.Args {
		switch {
		case a == "--config" && i+1 < len(c.Args):
			s.cfgPath = c.Args[i+1]
		case strings.HasPrefix(a, "--config="):
			s.cfgPath = strings.TrimPrefix(a, "--config=")
		}
	}
	if s.cfgPath == "" {
		t.Fatalf("%s: the container passes no --config", dir)
	}
	mount := mountFor(c, s.cfgPath)
	if mount == nil {
		t.Fatalf("%s: no volume is mounted at %s", dir, path.Dir(s.cfgPath))
	}
	var cmName string
	for _, v := range in.deployment(t).Spec.Template.Spec.Volumes {
		if v.Name == mount.Name && v.ConfigMap != nil {
			cmName = v.ConfigMap.Name
		}
	}
	if cmName == "" {
		t.Fatalf("%s: %s is not on a ConfigMap volume", dir, s.cfgPath)
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(s.cfgPath, mount.MountPath), "/")
	data, ok := in.configMap(t, cmName).Data[rel]
	if !ok {
		t.Fatalf("%s: ConfigMap %s has no key %s", dir, cmName, rel)
	}
	s.cfgData = []byte(data)
	for k, v := range parseDockerfile(t, dockerfile).env {
		s.env[k] = v
	}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			s.env[e.Name] = e.Value
		case e.ValueFrom.SecretKeyRef != nil:
			s.env[e.Name] = "secret-" + e.ValueFrom.SecretKeyRef.Name + "-" + e.ValueFrom.SecretKeyRef.Key
		default:
			s.env[e.Name] = "from-the-downward-api"
		}
	}
	cfg, err := config.Parse(s.cfgData, dir+":"+s.cfgPath, func(k string) string { return s.env[k] })
	if err != nil {
		t.Fatalf("%s: the daemon would not start with its ConfigMap: %v", dir, err)
	}
	s.cfg = cfg
	return s
}

// mountFor returns the volume mount holding p (the deepest one).
func mountFor(c *corev1.Container, p string) *corev1.VolumeMount {
	var best *corev1.VolumeMount
	for i := range c.VolumeMounts {
		m := &c.VolumeMounts[i]
		if p == m.MountPath || strings.HasPrefix(p, strings.TrimSuffix(m.MountPath, "/")+"/") {
			if best == nil || len(m.MountPath) > len(best.MountPath) {
				best = m
			}
		}
	}
	return best
}

// TestConfigMaps loads each installation's configuration as the daemon would
// and checks it against the pod: ports, writable paths, secrets, egress.
func TestConfigMaps(t *testing.T) {
	for _, dir := range installs {
		t.Run(dir, func(t *testing.T) {
			s := setup(t, dir)
			cfg, c := s.cfg, s.c

			// The metrics endpoint is the probes' and the Service's port.
			host, port, err := net.SplitHostPort(cfg.Metrics.Listen)
			if err != nil {
				t.Fatalf("metrics.listen %q: %v", cfg.Metrics.Listen, err)
			}
			if host != "0.0.0.0" && host != "" && host != "::" {
				t.Errorf("metrics.listen %q: the kubelet and Prometheus cannot reach a loopback address", cfg.Metrics.Listen)
			}
			if p, ok := namedPort(c, "metrics"); !ok || strconv.Itoa(int(p)) != port {
				t.Errorf("metrics.listen port %s, container port \"metrics\" %d", port, p)
			}

			// SIGTERM drains within shutdown_grace; the kubelet must wait longer.
			grace := s.in.deployment(t).Spec.Template.Spec.TerminationGracePeriodSeconds
			if grace == nil || float64(*grace) < cfg.Pipeline.ShutdownGrace.Seconds()+10 {
				t.Errorf("terminationGracePeriodSeconds %v: want pipeline.shutdown_grace (%v) + 10s or more", grace, cfg.Pipeline.ShutdownGrace)
			}

			// Everything the daemon writes is on a writable volume: the root
			// filesystem is read-only.
			var writes []string
			if cfg.NATS.URL == "" {
				writes = append(writes, cfg.NATS.Embedded.StoreDir)
			}
			for _, sk := range cfg.Sinks {
				switch sk.Type {
				case "sqlite", "jsonl":
					writes = append(writes, sk.Path)
				case "postgres":
					if sk.DSNEnv != "" && s.env[sk.DSNEnv] == "" {
						t.Errorf("sink %s: dsn_env %s is not set in the container", sk.Name, sk.DSNEnv)
					}
				case "webhook":
					if sk.SecretEnv != "" && s.env[sk.SecretEnv] == "" {
						t.Errorf("sink %s: secret_env %s is not set in the container", sk.Name, sk.SecretEnv)
					}
				}
			}
			for _, p := range writes {
				if !path.IsAbs(p) {
					t.Errorf("%s: use an absolute path (the working directory is the image's)", p)
					continue
				}
				m := mountFor(c, p)
				if m == nil || m.ReadOnly || m.MountPath == "/" {
					t.Errorf("%s is not on a writable volume (the root filesystem is read-only)", p)
				}
			}

			// The network policy lets the configured traffic out.
			egress := egressPorts(t, s.in)
			for _, f := range cfg.Feeds {
				u, err := url.Parse(f.URL)
				if err != nil {
					t.Fatal(err)
				}
				if p := urlPort(u); !egress["TCP/"+p] {
					t.Errorf("feed %s: port %s is not allowed by the NetworkPolicy", f.URL, p)
				}
			}
			if cfg.NATS.URL != "" {
				for _, raw := range strings.Split(cfg.NATS.URL, ",") {
					u, _ := url.Parse(strings.TrimSpace(raw))
					if p := urlPort(u); !egress["TCP/"+p] {
						t.Errorf("nats.url %s: port %s is not allowed by the NetworkPolicy", raw, p)
					}
				}
			}
		})
	}
}

// TestNATSPerOverlay checks the NATS choice of each overlay.
func TestNATSPerOverlay(t *testing.T) {
	dev := setup(t, "overlays/dev").cfg
	if dev.NATS.URL != "" {
		t.Errorf("dev: nats.url %q, want the embedded server", dev.NATS.URL)
	}
	if host, _, err := net.SplitHostPort(dev.NATS.Embedded.Listen); dev.NATS.Embedded.Listen != "" && (err != nil || !net.ParseIP(host).IsLoopback()) {
		t.Errorf("dev: nats.embedded.listen %q: keep the embedded server on loopback", dev.NATS.Embedded.Listen)
	}
	// The store and the sinks are on the claim, so they survive the pod.
	d := setup(t, "overlays/dev")
	for _, p := range append([]string{dev.NATS.Embedded.StoreDir}, sinkPaths(dev)...) {
		m := mountFor(d.c, p)
		onClaim := false
		for _, v := range d.in.deployment(t).Spec.Template.Spec.Volumes {
			if m != nil && v.Name == m.Name && v.PersistentVolumeClaim != nil {
				onClaim = true
			}
		}
		if !onClaim {
			t.Errorf("dev: %s is not on the PersistentVolumeClaim", p)
		}
	}

	prod := setup(t, "overlays/prod")
	if prod.cfg.NATS.URL == "" {
		t.Fatal("prod: want an external NATS (nats.url)")
	}
	if prod.cfg.NATS.Replicas != 3 {
		t.Errorf("prod: nats.replicas %d, want 3", prod.cfg.NATS.Replicas)
	}
	n := prod.cfg.NATS
	if n.Token == "" && n.Creds == "" && n.NKey == "" && n.User == "" {
		t.Error("prod: no NATS credentials")
	}
	for _, sk := range prod.cfg.Sinks {
		if sk.Type == "sqlite" || sk.Type == "jsonl" {
			t.Errorf("prod: sink %s writes a per-pod file (%s)", sk.Name, sk.Path)
		}
	}
}

func sinkPaths(cfg *config.Config) []string {
	var out []string
	for _, s := range cfg.Sinks {
		if s.Path != "" {
			out = append(out, s.Path)
		}
	}
	return out
}

func namedPort(c *corev1.Container, name string) (int32, bool) {
	for _, p := range c.Ports {
		if p.Name == name {
			return p.ContainerPort, true
		}
	}
	return 0, false
}

func urlPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch u.Scheme {
	case "https", "wss":
		return "443"
	case "http", "ws":
		return "80"
	case "nats", "tls":
		return "4222"
	}
	return "?"
}
