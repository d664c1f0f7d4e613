package validate

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
	networkingv1 "k8s.io/api/networking/v1"
)

// natsChartValues is the part of the official chart's values the prod
// overlay depends on.
type natsChartValues struct {
	Config struct {
		Cluster struct {
			Enabled  bool `yaml:"enabled"`
			Replicas int  `yaml:"replicas"`
		} `yaml:"cluster"`
		JetStream struct {
			Enabled   bool `yaml:"enabled"`
			FileStore struct {
				Enabled bool   `yaml:"enabled"`
				Dir     string `yaml:"dir"`
				PVC     struct {
					Enabled bool   `yaml:"enabled"`
					Size    string `yaml:"size"`
				} `yaml:"pvc"`
			} `yaml:"fileStore"`
			MemoryStore struct {
				Enabled bool `yaml:"enabled"`
			} `yaml:"memoryStore"`
		} `yaml:"jetstream"`
		NATS struct {
			Port int `yaml:"port"`
		} `yaml:"nats"`
		Merge struct {
			Authorization struct {
				Token string `yaml:"token"`
			} `yaml:"authorization"`
		} `yaml:"merge"`
	} `yaml:"config"`
	Container struct {
		Env map[string]yaml.Node `yaml:"env"`
	} `yaml:"container"`
	PodTemplate struct {
		TopologySpreadConstraints map[string]struct {
			WhenUnsatisfiable string `yaml:"whenUnsatisfiable"`
		} `yaml:"topologySpreadConstraints"`
	} `yaml:"podTemplate"`
}

// TestNATSChartValues checks deploy/nats/values.yaml (JetStream, three nodes,
// file storage) against what overlays/prod expects of it.
func TestNATSChartValues(t *testing.T) {
	var v natsChartValues
	if err := yaml.Unmarshal(mustRead(t, natsValues), &v); err != nil {
		t.Fatalf("values.yaml: %v", err)
	}
	c := v.Config
	if !c.JetStream.Enabled || !c.JetStream.FileStore.Enabled || !c.JetStream.FileStore.PVC.Enabled || c.JetStream.FileStore.PVC.Size == "" {
		t.Error("want JetStream with file storage on a PersistentVolumeClaim")
	}
	if c.JetStream.MemoryStore.Enabled {
		t.Error("newsfeed's streams are file-backed: keep the memory store off")
	}
	if !c.Cluster.Enabled || c.Cluster.Replicas != 3 {
		t.Errorf("cluster: enabled %v, replicas %d: want a three-node cluster", c.Cluster.Enabled, c.Cluster.Replicas)
	}
	if tsc, ok := v.PodTemplate.TopologySpreadConstraints["kubernetes.io/hostname"]; !ok || tsc.WhenUnsatisfiable != "DoNotSchedule" {
		t.Error("the three servers must land on three hosts (topology spread on kubernetes.io/hostname, DoNotSchedule)")
	}

	prod := setup(t, "overlays/prod")
	if prod.cfg.NATS.Replicas > c.Cluster.Replicas {
		t.Errorf("prod asks for R%d streams on a %d-node cluster", prod.cfg.NATS.Replicas, c.Cluster.Replicas)
	}
	// The client URL names the chart's Service (release "nats", namespace
	// "nats", as the values' install command says) and its client port.
	port := c.NATS.Port
	if port == 0 {
		port = 4222
	}
	for _, raw := range strings.Split(prod.cfg.NATS.URL, ",") {
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil {
			t.Fatal(err)
		}
		if u.Port() != strconv.Itoa(port) {
			t.Errorf("nats.url %s: port %s, the chart's client port is %d", raw, u.Port(), port)
		}
		if !strings.HasPrefix(u.Hostname(), "nats.nats.svc") {
			t.Errorf("nats.url %s: want the chart's Service nats.nats.svc", raw)
		}
	}
	if !strings.Contains(string(mustRead(t, natsValues)), "helm upgrade --install nats nats/nats --namespace nats") {
		t.Error("values.yaml no longer documents release nats in namespace nats")
	}
	// Token authentication: the server reads the token from its environment,
	// the daemon from NEWSFEED_NATS_TOKEN.
	if tok := c.Merge.Authorization.Token; tok != "" {
		m := regexp.MustCompile(`^<<\s*\$([A-Za-z_][A-Za-z0-9_]*)\s*>>$`).FindStringSubmatch(tok)
		if m == nil {
			t.Fatalf("authorization.token %q: keep the token out of values (<< $VAR >>)", tok)
		}
		if _, ok := v.Container.Env[m[1]]; !ok {
			t.Errorf("authorization.token uses $%s, which container.env does not set", m[1])
		}
		if prod.env["NEWSFEED_NATS_TOKEN"] == "" {
			t.Error("the NATS cluster wants a token and the prod pods have no NEWSFEED_NATS_TOKEN")
		}
	}
	// The NetworkPolicy's NATS rule selects the chart's server pods.
	np := one[networkingv1.NetworkPolicy](t, prod.in, "NetworkPolicy")
	chartPod := map[string]string{"app.kubernetes.io/name": "nats", "app.kubernetes.io/instance": "nats", "app.kubernetes.io/component": "nats"}
	found := false
	for _, r := range np.Spec.Egress {
		for _, p := range r.Ports {
			if p.Port == nil || p.Port.IntValue() != port {
				continue
			}
			for _, peer := range r.To {
				if peer.PodSelector != nil && selects(t, peer.PodSelector, chartPod) {
					found = true
				}
			}
		}
	}
	if !found {
		t.Errorf("no egress rule lets the pods reach the chart's servers on %d", port)
	}
}
