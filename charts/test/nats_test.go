package charttest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// TestWithOfficialNATSChart renders the chart with the real nats chart in
// place of the stand-in, to check this chart's values for it against what
// it makes. The chart cannot be fetched where `make test` runs, so this is
// opt-in: set MEEDOEN_NATS_CHART to an unpacked copy of the version
// Chart.yaml pins (`helm pull nats/nats --version <v> --untar`, or the
// helm/charts/nats directory of the NATS project's k8s repository at its
// nats-<v> tag).
func TestWithOfficialNATSChart(t *testing.T) {
	t.Parallel()
	src := os.Getenv("MEEDOEN_NATS_CHART")
	if src == "" {
		t.Skip("MEEDOEN_NATS_CHART not set: rendering with the stand-in only")
	}
	dir := chartCopy(t, map[string][]byte{"charts/nats": nil})
	if err := os.CopyFS(filepath.Join(dir, "charts", "nats"), os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	if got := chartVersionAt(t, filepath.Join(dir, "charts", "nats")); got != natsVersion(t) {
		t.Fatalf("MEEDOEN_NATS_CHART is nats %s, Chart.yaml pins %s", got, natsVersion(t))
	}
	lint(t, dir)
	m := render(t, dir)
	checkDeployments(t, m)
	checkNetworkPolicies(t, m)

	var sts *appsv1.StatefulSet
	services := map[string]*corev1.Service{}
	var config string
	for _, o := range m.objects {
		switch x := o.(type) {
		case *appsv1.StatefulSet:
			sts = x
		case *corev1.Service:
			services[x.Name] = x
		case *corev1.ConfigMap:
			if c, ok := x.Data["nats.conf"]; ok {
				config = c
			}
		}
	}
	if sts == nil {
		t.Fatal("no NATS StatefulSet")
	}
	if sts.Spec.Replicas == nil || *sts.Spec.Replicas != 3 {
		t.Errorf("NATS replicas %v, want 3", sts.Spec.Replicas)
	}
	for _, want := range []string{`"cluster"`, `"routes"`, `"jetstream"`, `"store_dir": "/data"`} {
		if !strings.Contains(config, want) {
			t.Errorf("nats.conf lacks %s:\n%s", want, config)
		}
	}
	if len(sts.Spec.VolumeClaimTemplates) == 0 {
		t.Error("JetStream has no PersistentVolumeClaim")
	}
	pod := sts.Spec.Template.Spec
	if psc := pod.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.FSGroup == nil {
		t.Errorf("NATS pod security context %+v: want non-root with an fsGroup for the volume", psc)
	}
	if !slices.ContainsFunc(pod.TopologySpreadConstraints, func(c corev1.TopologySpreadConstraint) bool {
		return c.TopologyKey == "kubernetes.io/hostname" && c.WhenUnsatisfiable == corev1.DoNotSchedule
	}) {
		t.Errorf("NATS pods not spread over hosts: %+v", pod.TopologySpreadConstraints)
	}
	for _, c := range pod.Containers {
		sc := c.SecurityContext
		if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
			t.Errorf("NATS container %s: security context %+v", c.Name, sc)
		}
		if c.Name == "nats" && (c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet == nil || c.ReadinessProbe.HTTPGet.Port.String() != "monitor") {
			t.Errorf("NATS container: readiness probe %+v, want the monitor port", c.ReadinessProbe)
		}
	}

	// Meedoen's NATS_URL names the subchart's Service, and its egress
	// policy selects the subchart's pods.
	url := env(m.deployments()[0].Spec.Template.Spec.Containers[0], "NATS_URL").Value
	host := strings.TrimPrefix(strings.Split(url, ":")[1], "//")
	svc := services[host]
	if svc == nil || !slices.ContainsFunc(svc.Spec.Ports, func(p corev1.ServicePort) bool { return p.Port == 4222 }) {
		t.Errorf("NATS_URL %s names no Service with port 4222 (Services: %v)", url, keys(services))
	}
	natsPods := labels.Set(sts.Spec.Template.Labels)
	for _, p := range policies(m) {
		reaches := false
		for _, r := range p.Spec.Egress {
			for _, peer := range r.To {
				if peer.PodSelector == nil {
					continue
				}
				sel, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
				if err == nil && !sel.Empty() && sel.Matches(natsPods) {
					reaches = true
				}
			}
		}
		if !reaches {
			t.Errorf("%s: egress does not select the NATS pods (labels %v)", p.Name, natsPods)
		}
	}
}

func chartVersionAt(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "version:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
