package validate

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"
)

// kinds maps apiVersion/kind to the Go type a manifest must decode into.
// A kind missing here fails the test: add it deliberately.
var kinds = map[string]func() any{
	"v1/Namespace":                            func() any { return &corev1.Namespace{} },
	"v1/ServiceAccount":                       func() any { return &corev1.ServiceAccount{} },
	"v1/ConfigMap":                            func() any { return &corev1.ConfigMap{} },
	"v1/Service":                              func() any { return &corev1.Service{} },
	"v1/PersistentVolumeClaim":                func() any { return &corev1.PersistentVolumeClaim{} },
	"apps/v1/Deployment":                      func() any { return &appsv1.Deployment{} },
	"policy/v1/PodDisruptionBudget":           func() any { return &policyv1.PodDisruptionBudget{} },
	"autoscaling/v2/HorizontalPodAutoscaler":  func() any { return &autoscalingv2.HorizontalPodAutoscaler{} },
	"networking.k8s.io/v1/NetworkPolicy":      func() any { return &networkingv1.NetworkPolicy{} },
	"monitoring.coreos.com/v1/ServiceMonitor": func() any { return &monitoringv1.ServiceMonitor{} },
	"monitoring.coreos.com/v1/PrometheusRule": func() any { return &monitoringv1.PrometheusRule{} },
}

// The installations under test: the base and the two overlays.
var installs = []string{"base", "overlays/dev", "overlays/prod"}

// object is one rendered manifest, decoded.
type object struct {
	kind, name, namespace string
	raw                   []byte
	typed                 any
}

// install is the rendered output of one kustomization.
type install struct {
	dir     string
	objects []object
}

var (
	renderMu    sync.Mutex
	renderCache = map[string]*install{}
)

// render builds the kustomization at kustomizeDir/dir with krusty (what
// `kubectl apply -k` runs) and decodes every object strictly.
func render(t testing.TB, dir string) *install {
	t.Helper()
	renderMu.Lock()
	defer renderMu.Unlock()
	if in, ok := renderCache[dir]; ok {
		return in
	}
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	rm, err := k.Run(filesys.MakeFsOnDisk(), filepath.Join(kustomizeDir, dir))
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	in := &install{dir: dir}
	for _, r := range rm.Resources() {
		raw, err := r.AsYAML()
		if err != nil {
			t.Fatalf("%s: %s/%s as YAML: %v", dir, r.GetKind(), r.GetName(), err)
		}
		key := r.GetApiVersion() + "/" + r.GetKind()
		mk, ok := kinds[key]
		if !ok {
			t.Fatalf("%s: %s %s: kind %s is not one the tests know (add it to kinds)", dir, r.GetKind(), r.GetName(), key)
		}
		typed := mk()
		if err := sigsyaml.UnmarshalStrict(raw, typed); err != nil {
			t.Fatalf("%s: %s %s does not decode strictly into %T: %v", dir, r.GetKind(), r.GetName(), typed, err)
		}
		in.objects = append(in.objects, object{kind: r.GetKind(), name: r.GetName(), namespace: r.GetNamespace(), raw: raw, typed: typed})
	}
	renderCache[dir] = in
	return in
}

func (in *install) all(kind string) []object {
	var out []object
	for _, o := range in.objects {
		if o.kind == kind {
			out = append(out, o)
		}
	}
	return out
}

func (in *install) has(kind, name string) bool {
	for _, o := range in.all(kind) {
		if o.name == name {
			return true
		}
	}
	return false
}

// one returns the only object of kind; it fails the test if there is not exactly one.
func one[T any](t testing.TB, in *install, kind string) *T {
	t.Helper()
	objs := in.all(kind)
	if len(objs) != 1 {
		t.Fatalf("%s: want exactly one %s, have %d", in.dir, kind, len(objs))
	}
	v, ok := objs[0].typed.(*T)
	if !ok {
		t.Fatalf("%s: %s decoded as %T", in.dir, kind, objs[0].typed)
	}
	return v
}

func (in *install) deployment(t testing.TB) *appsv1.Deployment {
	return one[appsv1.Deployment](t, in, "Deployment")
}

// container returns the daemon's container (the Deployment has exactly one).
func (in *install) container(t testing.TB) *corev1.Container {
	t.Helper()
	d := in.deployment(t)
	if n := len(d.Spec.Template.Spec.Containers); n != 1 {
		t.Fatalf("%s: the Deployment has %d containers, want 1", in.dir, n)
	}
	return &d.Spec.Template.Spec.Containers[0]
}

func (in *install) configMap(t testing.TB, name string) *corev1.ConfigMap {
	t.Helper()
	for _, o := range in.all("ConfigMap") {
		if o.name == name {
			return o.typed.(*corev1.ConfigMap)
		}
	}
	t.Fatalf("%s: no ConfigMap %s", in.dir, name)
	return nil
}

func selects(t testing.TB, sel *metav1.LabelSelector, podLabels map[string]string) bool {
	t.Helper()
	if sel == nil {
		return false
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		t.Fatalf("label selector %v: %v", sel, err)
	}
	return !s.Empty() && s.Matches(labels.Set(podLabels))
}

func containerPort(c *corev1.Container, p intstr.IntOrString) (int32, bool) {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort, true
		}
	}
	return 0, false
}

// TestManifestsRender renders every installation and checks that the objects
// refer to each other correctly: selectors select the pods, ports and
// volumes named exist, and the pod is locked down.
func TestManifestsRender(t *testing.T) {
	for _, dir := range installs {
		t.Run(dir, func(t *testing.T) {
			in := render(t, dir)
			seen := map[string]bool{}
			for _, o := range in.objects {
				k := o.kind + "/" + o.name
				if seen[k] {
					t.Errorf("%s rendered twice", k)
				}
				seen[k] = true
				if o.kind != "Namespace" && dir != "base" && o.namespace == "" {
					t.Errorf("%s has no namespace", k)
				}
			}
			checkDeployment(t, in)
			checkService(t, in)
			checkPolicies(t, in)
		})
	}
}

func checkDeployment(t *testing.T, in *install) {
	d := in.deployment(t)
	pod := d.Spec.Template
	if !selects(t, d.Spec.Selector, pod.Labels) {
		t.Errorf("Deployment selector %v does not select its own pods %v", d.Spec.Selector, pod.Labels)
	}
	ps := pod.Spec
	if ps.AutomountServiceAccountToken == nil || *ps.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token; the daemon never calls the API")
	}
	if ps.ServiceAccountName != "" && !in.has("ServiceAccount", ps.ServiceAccountName) {
		t.Errorf("ServiceAccount %s is not in the installation", ps.ServiceAccountName)
	}
	sc := ps.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		t.Error("the pod must run as a non-root user (runAsNonRoot, runAsUser)")
	}
	if sc == nil || sc.SeccompProfile == nil || sc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Error("the pod needs seccompProfile RuntimeDefault")
	}
	if len(ps.TopologySpreadConstraints) == 0 {
		t.Error("no topologySpreadConstraints")
	}
	for _, c := range ps.TopologySpreadConstraints {
		if !selects(t, c.LabelSelector, pod.Labels) {
			t.Errorf("topology spread on %s does not select the pods", c.TopologyKey)
		}
	}

	c := in.container(t)
	if c.Image == "" || strings.HasSuffix(c.Image, ":latest") || !strings.Contains(c.Image, ":") {
		t.Errorf("image %q: want a pinned tag", c.Image)
	}
	csc := c.SecurityContext
	switch {
	case csc == nil:
		t.Fatal("the container has no securityContext")
	case csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem:
		t.Error("the root filesystem must be read-only")
	case csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation:
		t.Error("allowPrivilegeEscalation must be false")
	case csc.Capabilities == nil || len(csc.Capabilities.Drop) != 1 || csc.Capabilities.Drop[0] != "ALL" || len(csc.Capabilities.Add) > 0:
		t.Error("capabilities: drop ALL and add none")
	}
	req, lim := c.Resources.Requests, c.Resources.Limits
	if req.Cpu().IsZero() || req.Memory().IsZero() || lim.Memory().IsZero() {
		t.Errorf("resources: want cpu and memory requests and a memory limit, have %v / %v", req, lim)
	}
	if lim.Memory().Cmp(*req.Memory()) < 0 {
		t.Error("the memory limit is below the request")
	}
	// GOMEMLIMIT, the Go runtime's soft limit, must stay under the container's.
	if v := envValue(c, "GOMEMLIMIT"); v != "" {
		n, err := parseGoMemLimit(v)
		if err != nil {
			t.Errorf("GOMEMLIMIT %q: %v", v, err)
		} else if limit := lim.Memory().Value(); n > limit*95/100 || n < limit*70/100 {
			t.Errorf("GOMEMLIMIT %s is %d%% of limits.memory %s; keep it near 90%%", v, n*100/limit, lim.Memory())
		}
	}
	for name, p := range map[string]*corev1.Probe{"startup": c.StartupProbe, "liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("%s probe: want an httpGet probe", name)
			continue
		}
		if _, ok := containerPort(c, p.HTTPGet.Port); !ok {
			t.Errorf("%s probe: port %s is not a container port", name, p.HTTPGet.Port.String())
		}
	}
	if c.LivenessProbe != nil && c.ReadinessProbe != nil && c.LivenessProbe.HTTPGet != nil && c.ReadinessProbe.HTTPGet != nil &&
		c.LivenessProbe.HTTPGet.Path == c.ReadinessProbe.HTTPGet.Path {
		t.Error("liveness and readiness use the same path: a NATS outage would restart the pods instead of taking them out of rotation")
	}

	// Volumes: every mount has a volume, every volume source exists.
	vols := map[string]corev1.Volume{}
	for _, v := range ps.Volumes {
		vols[v.Name] = v
	}
	for _, m := range c.VolumeMounts {
		v, ok := vols[m.Name]
		if !ok {
			t.Errorf("volumeMount %s has no volume", m.Name)
			continue
		}
		switch {
		case v.ConfigMap != nil && !in.has("ConfigMap", v.ConfigMap.Name):
			t.Errorf("volume %s: ConfigMap %s is not in the installation", v.Name, v.ConfigMap.Name)
		case v.PersistentVolumeClaim != nil && !in.has("PersistentVolumeClaim", v.PersistentVolumeClaim.ClaimName):
			t.Errorf("volume %s: PersistentVolumeClaim %s is not in the installation", v.Name, v.PersistentVolumeClaim.ClaimName)
		}
	}
	// Secrets are created outside kustomize (see deploy/README.md): each one
	// the pod reads must be listed there, so that the README stays true.
	readme := string(mustRead(t, deployReadme))
	for _, e := range c.Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			ref := e.ValueFrom.SecretKeyRef
			if !strings.Contains(readme, ref.Name) || !strings.Contains(readme, ref.Key) {
				t.Errorf("env %s reads Secret %s key %s, which deploy/README.md does not mention", e.Name, ref.Name, ref.Key)
			}
		}
	}
}

func checkService(t *testing.T, in *install) {
	d := in.deployment(t)
	c := in.container(t)
	pods := d.Spec.Template.Labels
	svc := one[corev1.Service](t, in, "Service")
	if !selects(t, &metav1.LabelSelector{MatchLabels: svc.Spec.Selector}, pods) {
		t.Errorf("Service %s selector %v does not select the pods", svc.Name, svc.Spec.Selector)
	}
	for _, p := range svc.Spec.Ports {
		if _, ok := containerPort(c, p.TargetPort); !ok {
			t.Errorf("Service port %s: targetPort %s is not a container port", p.Name, p.TargetPort.String())
		}
	}
	for _, o := range in.all("ServiceMonitor") {
		sm := o.typed.(*monitoringv1.ServiceMonitor)
		if !selects(t, &sm.Spec.Selector, svc.Labels) {
			t.Errorf("ServiceMonitor %s does not select Service %s", sm.Name, svc.Name)
		}
		for _, ep := range sm.Spec.Endpoints {
			found := false
			for _, p := range svc.Spec.Ports {
				if ep.Port != "" && p.Name == ep.Port {
					found = true
				}
			}
			if !found {
				t.Errorf("ServiceMonitor %s: endpoint port %q is not a port of Service %s", sm.Name, ep.Port, svc.Name)
			}
		}
	}
}

func checkPolicies(t *testing.T, in *install) {
	d := in.deployment(t)
	pods := d.Spec.Template.Labels
	for _, o := range in.all("PodDisruptionBudget") {
		pdb := o.typed.(*policyv1.PodDisruptionBudget)
		if !selects(t, pdb.Spec.Selector, pods) {
			t.Errorf("PodDisruptionBudget %s does not select the pods", pdb.Name)
		}
		if pdb.Spec.MinAvailable != nil {
			t.Errorf("PodDisruptionBudget %s: use maxUnavailable, so that a single replica can still be drained", pdb.Name)
		}
	}
	for _, o := range in.all("HorizontalPodAutoscaler") {
		hpa := o.typed.(*autoscalingv2.HorizontalPodAutoscaler)
		ref := hpa.Spec.ScaleTargetRef
		if ref.Kind != "Deployment" || ref.Name != d.Name {
			t.Errorf("HorizontalPodAutoscaler %s scales %s %s, not the Deployment %s", hpa.Name, ref.Kind, ref.Name, d.Name)
		}
		if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas > hpa.Spec.MaxReplicas {
			t.Errorf("HorizontalPodAutoscaler %s: minReplicas %v, maxReplicas %d", hpa.Name, hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)
		}
		if d.Spec.Replicas != nil {
			t.Errorf("the Deployment sets replicas (%d) while HorizontalPodAutoscaler %s owns the count: every apply would reset it", *d.Spec.Replicas, hpa.Name)
		}
	}
	np := one[networkingv1.NetworkPolicy](t, in, "NetworkPolicy")
	if !selects(t, &np.Spec.PodSelector, pods) {
		t.Error("the NetworkPolicy does not select the pods")
	}
	want := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	if fmt.Sprint(np.Spec.PolicyTypes) != fmt.Sprint(want) {
		t.Errorf("NetworkPolicy policyTypes %v, want %v", np.Spec.PolicyTypes, want)
	}
}

// egressPorts returns the TCP/UDP ports the NetworkPolicy lets the pods reach.
func egressPorts(t testing.TB, in *install) map[string]bool {
	t.Helper()
	np := one[networkingv1.NetworkPolicy](t, in, "NetworkPolicy")
	out := map[string]bool{}
	for _, r := range np.Spec.Egress {
		if len(r.Ports) == 0 {
			t.Errorf("an egress rule without ports opens every port")
		}
		for _, p := range r.Ports {
			proto := "TCP"
			if p.Protocol != nil {
				proto = string(*p.Protocol)
			}
			out[fmt.Sprintf("%s/%s", proto, p.Port.String())] = true
		}
	}
	return out
}

// TestEgressIsMinimal keeps the NetworkPolicy to DNS, HTTP(S), NATS and what
// an overlay's sinks need.
func TestEgressIsMinimal(t *testing.T) {
	extra := map[string][]string{"overlays/prod": {"TCP/5432"}}
	for _, dir := range installs {
		t.Run(dir, func(t *testing.T) {
			allowed := map[string]bool{"UDP/53": true, "TCP/53": true, "TCP/80": true, "TCP/443": true, "TCP/4222": true}
			for _, p := range extra[dir] {
				allowed[p] = true
			}
			got := egressPorts(t, render(t, dir))
			var unexpected, missing []string
			for p := range got {
				if !allowed[p] {
					unexpected = append(unexpected, p)
				}
			}
			for p := range allowed {
				if !got[p] {
					missing = append(missing, p)
				}
			}
			sort.Strings(unexpected)
			sort.Strings(missing)
			if len(unexpected) > 0 || len(missing) > 0 {
				t.Errorf("egress ports: unexpected %v, missing %v", unexpected, missing)
			}
		})
	}
}

// TestOverlayShapes checks what makes each overlay what it is.
func TestOverlayShapes(t *testing.T) {
	t.Run("dev", func(t *testing.T) {
		in := render(t, "overlays/dev")
		d := in.deployment(t)
		if d.Spec.Replicas == nil || *d.Spec.Replicas != 1 {
			t.Errorf("replicas %v, want 1 (the embedded NATS server belongs to one pod)", d.Spec.Replicas)
		}
		if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType || d.Spec.Strategy.RollingUpdate != nil {
			t.Errorf("strategy %+v, want Recreate (one owner of the JetStream store and the volume)", d.Spec.Strategy)
		}
		if len(in.all("HorizontalPodAutoscaler")) != 0 {
			t.Error("dev must not autoscale")
		}
		if !in.has("Namespace", d.Namespace) {
			t.Errorf("namespace %s is not created by the overlay", d.Namespace)
		}
		// A bare cluster (kind) has only the built-in kinds.
		for _, o := range in.objects {
			if strings.Contains(string(o.raw), "monitoring.coreos.com") {
				t.Errorf("%s %s needs the Prometheus Operator's CRDs", o.kind, o.name)
			}
		}
		claim := ""
		for _, v := range d.Spec.Template.Spec.Volumes {
			if v.Name == "data" && v.PersistentVolumeClaim != nil {
				claim = v.PersistentVolumeClaim.ClaimName
			}
		}
		if claim == "" {
			t.Fatal("the data volume is not the PersistentVolumeClaim")
		}
	})
	t.Run("prod", func(t *testing.T) {
		in := render(t, "overlays/prod")
		hpa := one[autoscalingv2.HorizontalPodAutoscaler](t, in, "HorizontalPodAutoscaler")
		if hpa.Spec.MinReplicas == nil || *hpa.Spec.MinReplicas < 3 {
			t.Errorf("prod minReplicas %v, want at least 3", hpa.Spec.MinReplicas)
		}
		d := in.deployment(t)
		if !in.has("Namespace", d.Namespace) {
			t.Errorf("namespace %s is not created by the overlay", d.Namespace)
		}
		if len(in.all("ServiceMonitor")) != 1 || len(in.all("PrometheusRule")) != 1 {
			t.Error("prod needs the ServiceMonitor and the PrometheusRule")
		}
		if d.Spec.Strategy.RollingUpdate == nil || d.Spec.Strategy.RollingUpdate.MaxUnavailable.IntValue() != 0 {
			t.Error("prod rolls out without taking a ready replica away first (maxUnavailable 0)")
		}
	})
}

func envValue(c *corev1.Container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

// parseGoMemLimit parses GOMEMLIMIT's syntax (a byte count with an optional
// B, KiB, MiB, GiB or TiB suffix).
func parseGoMemLimit(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || fmt.Sprint(n) != s {
		return 0, fmt.Errorf("not a GOMEMLIMIT value")
	}
	return n * mult, nil
}
