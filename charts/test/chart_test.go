package charttest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	sigsyaml "sigs.k8s.io/yaml"
)

var components = []string{"councils", "focusgroups", "surveys", "results", "gateway"}

// allOn turns on everything the chart can render, with settings that make
// the optional environment and egress appear.
const allOn = `
serviceMonitor: {enabled: true, labels: {release: prometheus}}
prometheusRule: {enabled: true, labels: {release: prometheus}}
dashboards: {enabled: true, namespace: monitoring, annotations: {grafana_folder: Meedoen}}
ingress:
  enabled: true
  className: nginx
  hosts: [meedoen.example.nl]
  tlsSecretName: meedoen-tls
networkPolicy:
  gatewayFrom:
    - namespaceSelector:
        matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
  egress:
    postgres:
      ports: [5432]
      to:
        - podSelector:
            matchLabels: {cnpg.io/cluster: meedoen-db}
  extraEgress:
    - ports: [{port: 8443, protocol: TCP}]
config:
  publicURL: https://meedoen.example.nl
  contactEmail: meedoen@example.nl
  trustedProxies: 10.0.0.0/8
  reportURL: https://meedoen.example.nl/verslagen/{id}
  minCellBy: GM0453=10
  gogc: "100"
  oidc: {issuer: "https://login.example.nl/realms/meedoen", apiAudience: meedoen-api, introspection: true}
  smtp: {host: smtp.example.nl, port: 587, username: meedoen}
  otel: {endpoint: "http://otel-collector.observability:4317", resourceAttributes: deployment.environment=production}
referenceTables:
  configMap: meedoen-tables
  postcodes: postcodes.csv
  neighbourhoods: wijken.csv
  focusgroupRoles: rollen.csv
secrets:
  databaseURL: {name: meedoen-db-app, key: uri}
image: {digest: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
imagePullSecrets: [registry]
extraEnv: [{name: TZ, value: Europe/Amsterdam}]
components:
  councils:
    autoscaling: {enabled: true}
    extraEnv: [{name: MEEDOEN_EXTRA, value: "1"}]
    nodeSelector: {kubernetes.io/os: linux}
    tolerations: [{key: dedicated, operator: Equal, value: meedoen, effect: NoSchedule}]
    affinity:
      podAntiAffinity:
        preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector: {matchLabels: {app.kubernetes.io/component: councils}}
serviceAccount: {annotations: {example.nl/role: meedoen}}
podAnnotations: {example.nl/team: participatie}
podLabels: {example.nl/team: participatie}
commonLabels: {example.nl/owner: gemeente}
`

// fixtureRules is a small plain Prometheus rule file.
const fixtureRules = `groups:
  - name: meedoen
    rules:
      - alert: MeedoenOutboxStalled
        expr: max by (service) (meedoen_outbox_oldest_pending_age_seconds) > 60
        for: 5m
        labels: {severity: warning}
        annotations:
          summary: "Outbox of {{ $labels.service }} is not being published"
`

const fixtureDashboard = `{"title": "Meedoen RED", "uid": "meedoen-red", "panels": []}`

func TestStrictDecodingCatchesMistakes(t *testing.T) {
	t.Parallel()
	good := `apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  replicas: 2
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: c, image: i}]
`
	if _, err := strictDecode([]byte(good)); err != nil {
		t.Fatalf("a valid Deployment did not decode: %v", err)
	}
	for name, doc := range map[string]string{
		"unknown field":   strings.Replace(good, "replicas: 2", "replicas: 2\n  replicaz: 2", 1),
		"misplaced field": strings.Replace(good, "containers:", "readOnlyRootFilesystem: true\n      containers:", 1),
		"wrong type":      strings.Replace(good, "replicas: 2", `replicas: "two"`, 1),
		"duplicate field": strings.Replace(good, "replicas: 2", "replicas: 2\n  replicas: 3", 1),
		"unknown kind":    strings.Replace(good, "kind: Deployment", "kind: Deploymant", 1),
		"unknown CRD":     "apiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: x}\n",
	} {
		if _, err := strictDecode([]byte(doc)); err == nil {
			t.Errorf("%s: decoded without an error", name)
		}
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, nil)
	lint(t, dir)
	m := render(t, dir)

	// A Service per component, and a headless one per service for the
	// gateway to spread its calls over the replicas.
	checkSpreading(t, m)
	want := map[string]int{"Deployment": 5, "Service": 9, "PodDisruptionBudget": 5, "NetworkPolicy": 5, "HorizontalPodAutoscaler": 2, "ServiceAccount": 1}
	got := m.kinds()
	delete(got, "ConfigMap") // dashboards, whatever the chart carries
	for kind, n := range want {
		if got[kind] != n {
			t.Errorf("%d %s, want %d", got[kind], kind, n)
		}
	}
	for kind := range got {
		if _, ok := want[kind]; !ok {
			t.Errorf("unexpected %s in the default rendering", kind)
		}
	}

	checkDeployments(t, m)
	checkNetworkPolicies(t, m)
	checkSecretsByReference(t, m)

	// Autoscaled components leave their replica count to the HPA; the
	// others set theirs.
	hpas := map[string]bool{}
	for _, o := range m.objects {
		if h, ok := o.(*autoscalingv2.HorizontalPodAutoscaler); ok {
			if h.Spec.ScaleTargetRef.Kind != "Deployment" || h.Spec.MinReplicas == nil || *h.Spec.MinReplicas < 2 {
				t.Errorf("HPA %s: target %+v, min %v", h.Name, h.Spec.ScaleTargetRef, h.Spec.MinReplicas)
			}
			hpas[h.Spec.ScaleTargetRef.Name] = true
		}
	}
	if !hpas["r-meedoen-gateway"] || !hpas["r-meedoen-surveys"] || len(hpas) != 2 {
		t.Errorf("HPAs for %v, want the gateway and surveys", hpas)
	}
	for _, d := range m.deployments() {
		if hpas[d.Name] != (d.Spec.Replicas == nil) {
			t.Errorf("%s: replicas %v with an HPA %v", d.Name, d.Spec.Replicas, hpas[d.Name])
		}
	}

	for _, o := range m.objects {
		if p, ok := o.(*policyv1.PodDisruptionBudget); ok {
			if p.Spec.MaxUnavailable == nil || p.Spec.MaxUnavailable.IntValue() != 1 {
				t.Errorf("PDB %s: maxUnavailable %v, want 1 (a budget that allows no disruption blocks node drains)", p.Name, p.Spec.MaxUnavailable)
			}
		}
	}

	// NATS from the subchart, in cluster mode: streams get three replicas.
	for _, d := range m.deployments() {
		c := d.Spec.Template.Spec.Containers[0]
		if v := env(c, "NATS_URL"); v == nil || v.Value != "nats://r-nats:4222" {
			t.Errorf("%s: NATS_URL %+v, want the subchart's Service nats://r-nats:4222", d.Name, v)
		}
		if d.Name == "r-meedoen-gateway" {
			continue
		}
		if got := argValue(c, "stream-replicas"); got != "3" {
			t.Errorf("%s: -stream-replicas=%q, want 3 on the three-node NATS cluster", d.Name, got)
		}
	}
}

func TestEverythingEnabled(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, map[string][]byte{
		"rules/meedoen.rules.yaml":    []byte(fixtureRules),
		"dashboards/meedoen-red.json": []byte(fixtureDashboard),
	})
	values := valuesFile(t, allOn)
	lint(t, dir, values)
	m := render(t, dir, "-f", values)

	checkDeployments(t, m)
	checkNetworkPolicies(t, m)
	checkSecretsByReference(t, m)

	if n := m.kinds()["HorizontalPodAutoscaler"]; n != 3 {
		t.Errorf("%d HPAs, want 3 (councils turned on)", n)
	}
	if n := m.kinds()["Ingress"]; n != 1 {
		t.Errorf("%d Ingresses, want 1", n)
	}

	sm := m.unstructured("ServiceMonitor")
	if len(sm) != 1 {
		t.Fatalf("%d ServiceMonitors, want 1", len(sm))
	}
	if sm[0].GetAPIVersion() != "monitoring.coreos.com/v1" || sm[0].GetLabels()["release"] != "prometheus" {
		t.Errorf("ServiceMonitor %s labels %v", sm[0].GetAPIVersion(), sm[0].GetLabels())
	}
	port, _, _ := unstructuredString(sm[0].Object, "spec", "endpoints", "0", "port")
	path, _, _ := unstructuredString(sm[0].Object, "spec", "endpoints", "0", "path")
	if port != "http" || path != "/metrics" {
		t.Errorf("ServiceMonitor scrapes port %q path %q, want http /metrics", port, path)
	}

	pr := m.unstructured("PrometheusRule")
	if len(pr) != 1 {
		t.Fatalf("%d PrometheusRules, want 1", len(pr))
	}
	var wantRules map[string]any
	if err := sigsyaml.Unmarshal([]byte(fixtureRules), &wantRules); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(pr[0].Object["spec"]), fmt.Sprint(wantRules); got != want {
		t.Errorf("PrometheusRule spec\n%s\nwant the rule file's\n%s", got, want)
	}

	// One ConfigMap per dashboard: those the chart ships and the fixture.
	shipped, err := filepath.Glob("../meedoen/dashboards/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var dashboards []*corev1.ConfigMap
	var fixture *corev1.ConfigMap
	for _, c := range m.configMaps() {
		if c.Labels["grafana_dashboard"] == "1" {
			dashboards = append(dashboards, c)
			if _, ok := c.Data["meedoen-red.json"]; ok {
				fixture = c
			}
		}
	}
	if len(dashboards) != len(shipped)+1 || fixture == nil {
		t.Fatalf("%d dashboard ConfigMaps, want %d (one per dashboard)", len(dashboards), len(shipped)+1)
	}
	if d := fixture; d.Data["meedoen-red.json"] != fixtureDashboard || d.Namespace != "monitoring" || d.Annotations["grafana_folder"] != "Meedoen" {
		t.Errorf("dashboard ConfigMap %s/%s %v: %q", d.Namespace, d.Name, d.Annotations, d.Data)
	}

	byName := map[string]*appsv1.Deployment{}
	for _, d := range m.deployments() {
		byName[d.Name] = d
		c := d.Spec.Template.Spec.Containers[0]
		if !strings.HasPrefix(c.Image, "meedoen/meedoen@sha256:") {
			t.Errorf("%s: image %s, want the digest", d.Name, c.Image)
		}
		if v := env(c, "DATABASE_URL"); v == nil || v.ValueFrom.SecretKeyRef.Name != "meedoen-db-app" || v.ValueFrom.SecretKeyRef.Key != "uri" {
			t.Errorf("%s: DATABASE_URL %+v, want CloudNativePG's app Secret", d.Name, v)
		}
		if v := env(c, "OTEL_EXPORTER_OTLP_ENDPOINT"); v == nil || v.Value != "http://otel-collector.observability:4317" {
			t.Errorf("%s: OTEL_EXPORTER_OTLP_ENDPOINT %+v", d.Name, v)
		}
		if v := env(c, "TZ"); v == nil {
			t.Errorf("%s: extraEnv missing", d.Name)
		}
	}
	table := func(deployment, variable, want string) {
		t.Helper()
		d := byName[deployment]
		c := d.Spec.Template.Spec.Containers[0]
		if v := env(c, variable); v == nil || v.Value != want {
			t.Errorf("%s: %s %+v, want %s", deployment, variable, v, want)
		}
		if !slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == "/etc/meedoen/tables" && m.ReadOnly }) {
			t.Errorf("%s: reference tables not mounted", deployment)
		}
	}
	table("r-meedoen-gateway", "MEEDOEN_POSTCODES", "/etc/meedoen/tables/postcodes.csv")
	table("r-meedoen-surveys", "MEEDOEN_NEIGHBOURHOODS", "/etc/meedoen/tables/wijken.csv")
	table("r-meedoen-focusgroups", "MEEDOEN_FOCUSGROUP_ROLES", "/etc/meedoen/tables/rollen.csv")
	if v := env(byName["r-meedoen-surveys"].Spec.Template.Spec.Containers[0], "MEEDOEN_SMTP_HOST"); v == nil || v.Value != "smtp.example.nl" {
		t.Errorf("surveys: MEEDOEN_SMTP_HOST %+v", v)
	}
	if v := env(byName["r-meedoen-gateway"].Spec.Template.Spec.Containers[0], "OIDC_ISSUER"); v == nil || v.Value != "https://login.example.nl/realms/meedoen" {
		t.Errorf("gateway: OIDC_ISSUER %+v", v)
	}

	// Egress to the collector from every component, to SMTP from surveys only.
	for _, p := range policies(m) {
		if !allowsEgressPort(p, 4317) {
			t.Errorf("%s: no egress to the OTLP collector", p.Name)
		}
		if got := allowsEgressPort(p, 587); got != (p.Name == "r-meedoen-surveys") {
			t.Errorf("%s: egress to SMTP %v", p.Name, got)
		}
		if !allowsEgressPort(p, 8443) {
			t.Errorf("%s: extraEgress missing", p.Name)
		}
	}
}

// TestChartFilesAsShipped renders with everything on and the chart's own
// dashboards and rule file, whichever it carries.
func TestChartFilesAsShipped(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, nil)
	m := render(t, dir, "-f", valuesFile(t, allOn))
	checkDeployments(t, m)

	dashboards, err := filepath.Glob(filepath.Join(chartDir, "dashboards", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range m.configMaps() {
		if c.Labels["grafana_dashboard"] == "1" {
			n++
			for name, content := range c.Data {
				b, err := os.ReadFile(filepath.Join(chartDir, "dashboards", name))
				if err != nil || string(b) != content {
					t.Errorf("ConfigMap %s: %s differs from the chart's file (%v)", c.Name, name, err)
				}
			}
		}
	}
	if n != len(dashboards) {
		t.Errorf("%d dashboard ConfigMaps for %d dashboards", n, len(dashboards))
	}
	_, err = os.Stat(filepath.Join(chartDir, "rules", "meedoen.rules.yaml"))
	if got, want := len(m.unstructured("PrometheusRule")), map[bool]int{true: 1, false: 0}[err == nil]; got != want {
		t.Errorf("%d PrometheusRules, want %d", got, want)
	}
}

func TestWithoutRulesAndDashboards(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, map[string][]byte{"rules": nil, "dashboards": nil})
	values := valuesFile(t, allOn)
	lint(t, dir, values)
	m := render(t, dir, "-f", values)
	if n := len(m.unstructured("PrometheusRule")); n != 0 {
		t.Errorf("%d PrometheusRules without a rule file", n)
	}
	if n := len(m.configMaps()); n != 0 {
		t.Errorf("%d ConfigMaps without dashboards", n)
	}
	if n := len(m.unstructured("ServiceMonitor")); n != 1 {
		t.Errorf("%d ServiceMonitors", n)
	}
}

func TestRuleFileThatIsNotYAML(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, map[string][]byte{"rules/meedoen.rules.yaml": []byte("groups: [\n")})
	_, err := runHelm(t, "template", "r", dir, "--set", "prometheusRule.enabled=true")
	if err == nil || !strings.Contains(err.Error(), "rules/meedoen.rules.yaml") {
		t.Errorf("a broken rule file rendered, or the error does not name it: %v", err)
	}
}

func TestExternalNATS(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, nil)

	_, err := runHelm(t, "template", "r", dir, "--set", "nats.enabled=false")
	if err == nil || !strings.Contains(err.Error(), "externalNats.url") {
		t.Errorf("nats off without externalNats.url: want an error naming it, got %v", err)
	}

	url := "nats://nats-a:4222,nats://nats-b:4222"
	lint(t, dir, valuesFile(t, "nats: {enabled: false}\nexternalNats: {url: \""+url+"\"}\n"))
	m := render(t, dir, "--set", "nats.enabled=false", "--set", "externalNats.url="+strings.ReplaceAll(url, ",", `\,`))
	checkDeployments(t, m)
	checkNetworkPolicies(t, m)
	for _, d := range m.deployments() {
		c := d.Spec.Template.Spec.Containers[0]
		if v := env(c, "NATS_URL"); v == nil || v.Value != url {
			t.Errorf("%s: NATS_URL %+v, want %s", d.Name, v, url)
		}
		if d.Name != "r-meedoen-gateway" && argValue(c, "stream-replicas") != "1" {
			t.Errorf("%s: -stream-replicas=%s, want 1 unless set", d.Name, argValue(c, "stream-replicas"))
		}
	}
	m = render(t, dir, "--set", "nats.enabled=false", "--set", "externalNats.url=nats://n:4222", "--set", "streamReplicas=3")
	for _, d := range m.deployments() {
		if c := d.Spec.Template.Spec.Containers[0]; d.Name != "r-meedoen-gateway" && argValue(c, "stream-replicas") != "3" {
			t.Errorf("%s: -stream-replicas=%s, want 3 as set", d.Name, argValue(c, "stream-replicas"))
		}
	}
}

// TestChartDeclaresNATS checks the dependency and the values given to it:
// the chart is not in the repository, so only its declaration and values
// can be checked here, against the official chart's documented keys.
func TestChartDeclaresNATS(t *testing.T) {
	t.Parallel()
	c := chartYAML(t)
	if c.APIVersion != "v2" || c.AppVersion == "" {
		t.Errorf("Chart.yaml apiVersion %q appVersion %q", c.APIVersion, c.AppVersion)
	}
	if len(c.Dependencies) != 1 {
		t.Fatalf("dependencies %+v, want nats only", c.Dependencies)
	}
	d := c.Dependencies[0]
	if d.Name != "nats" || d.Condition != "nats.enabled" || !strings.HasPrefix(d.Repository, "https://") {
		t.Errorf("dependency %+v", d)
	}
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(d.Version) {
		t.Errorf("nats version %q is not pinned to one release", d.Version)
	}

	values := readValues(t)
	for path, want := range map[string]any{
		"nats.enabled":                                true,
		"nats.config.cluster.enabled":                 true,
		"nats.config.cluster.replicas":                float64(3),
		"nats.config.jetstream.enabled":               true,
		"nats.config.jetstream.fileStore.enabled":     true,
		"nats.config.jetstream.fileStore.pvc.enabled": true,
		"nats.config.jetstream.memoryStore.enabled":   false,
		"nats.config.monitor.enabled":                 true,
		"nats.podTemplate.topologySpreadConstraints.kubernetes\\.io/hostname.whenUnsatisfiable": "DoNotSchedule",
		"nats.podTemplate.merge.spec.securityContext.runAsNonRoot":                              true,
		"nats.container.merge.securityContext.readOnlyRootFilesystem":                           true,
		"nats.container.merge.securityContext.allowPrivilegeEscalation":                         false,
		"nats.reloader.merge.securityContext.readOnlyRootFilesystem":                            true,
	} {
		if got := lookup(values, path); got != want {
			t.Errorf("values %s = %v, want %v", path, got, want)
		}
	}
	if got := fmt.Sprint(lookup(values, "nats.container.merge.securityContext.capabilities.drop")); got != "[ALL]" {
		t.Errorf("nats container drops capabilities %s, want [ALL]", got)
	}
}

// TestReadmeDocumentsValues: every top-level key of values.yaml, and every
// key under config and secrets, is named in the chart's README.
func TestReadmeDocumentsValues(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join(chartDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	values := readValues(t)
	var keys []string
	for k, v := range values {
		keys = append(keys, k)
		if k == "config" || k == "secrets" || k == "components" {
			for sub := range v.(map[string]any) {
				keys = append(keys, k+"."+sub)
			}
		}
	}
	for _, k := range keys {
		if !strings.Contains(string(readme), "`"+k) {
			t.Errorf("README.md does not document the value %s", k)
		}
	}
}

func readValues(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := sigsyaml.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// lookup follows a dotted path ("\." for a dot inside a key) into nested maps.
func lookup(v any, path string) any {
	for _, key := range strings.Split(strings.ReplaceAll(path, `\.`, "\x00"), ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[strings.ReplaceAll(key, "\x00", ".")]
	}
	return v
}

func unstructuredString(obj map[string]any, path ...string) (string, bool, error) {
	var v any = obj
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			var i int
			if _, err := fmt.Sscan(p, &i); err != nil || i >= len(x) {
				return "", false, nil
			}
			v = x[i]
		default:
			return "", false, nil
		}
	}
	s, ok := v.(string)
	return s, ok, nil
}

// checkDeployments asserts what every Deployment must have: one per
// component, one image, non-root, a read-only root file system, no
// privilege escalation, every capability dropped, the runtime's seccomp
// profile, all three probes on the HTTP port, requests and a memory limit,
// and a writable /tmp.
func checkDeployments(t *testing.T, m manifests) {
	t.Helper()
	seen := map[string]bool{}
	images := map[string]bool{}
	for _, d := range m.deployments() {
		spec := d.Spec.Template.Spec
		component := d.Spec.Template.Labels["app.kubernetes.io/component"]
		seen[component] = true
		name := d.Name
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("%s: selector %v does not match its pods (%v)", name, d.Spec.Selector, err)
		}
		psc := spec.SecurityContext
		if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
			t.Errorf("%s: pod may run as root", name)
		}
		if psc == nil || psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
			t.Errorf("%s: pod seccomp profile not RuntimeDefault", name)
		}
		if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
			t.Errorf("%s: mounts a service account token it has no use for", name)
		}
		tmp := map[string]bool{}
		for _, v := range spec.Volumes {
			if v.EmptyDir != nil {
				tmp[v.Name] = true
			}
		}
		if len(spec.Containers) != 1 || len(spec.InitContainers) != 0 {
			t.Errorf("%s: %d containers, %d init containers, want one container", name, len(spec.Containers), len(spec.InitContainers))
		}
		for _, c := range spec.Containers {
			images[c.Image] = true
			where := name + "/" + c.Name
			if !hasArg(c, "-target="+component) {
				t.Errorf("%s: args %v lack -target=%s", where, c.Args, component)
			}
			sc := c.SecurityContext
			if sc == nil {
				t.Errorf("%s: no securityContext", where)
				continue
			}
			nonRoot := (sc.RunAsNonRoot != nil && *sc.RunAsNonRoot) || (sc.RunAsNonRoot == nil && psc != nil && psc.RunAsNonRoot != nil && *psc.RunAsNonRoot)
			if !nonRoot || (sc.RunAsUser != nil && *sc.RunAsUser == 0) {
				t.Errorf("%s: may run as root", where)
			}
			if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
				t.Errorf("%s: root file system writable", where)
			}
			if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
				t.Errorf("%s: privilege escalation allowed", where)
			}
			if sc.Privileged != nil && *sc.Privileged {
				t.Errorf("%s: privileged", where)
			}
			if sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") || len(sc.Capabilities.Add) > 0 {
				t.Errorf("%s: capabilities %+v, want ALL dropped and none added", where, sc.Capabilities)
			}
			if !slices.ContainsFunc(c.Ports, func(p corev1.ContainerPort) bool { return p.Name == "http" }) {
				t.Errorf("%s: no port named http", where)
			}
			for probe, want := range map[string]struct {
				p    *corev1.Probe
				path string
			}{"startup": {c.StartupProbe, "/healthz"}, "readiness": {c.ReadinessProbe, "/readyz"}, "liveness": {c.LivenessProbe, "/healthz"}} {
				if want.p == nil || want.p.HTTPGet == nil {
					t.Errorf("%s: no HTTP %s probe", where, probe)
					continue
				}
				if g := want.p.HTTPGet; g.Path != want.path || g.Port != intstr.FromString("http") {
					t.Errorf("%s: %s probe %s on %s, want %s on http", where, probe, g.Path, g.Port.String(), want.path)
				}
			}
			r := c.Resources
			if r.Requests.Cpu().IsZero() || r.Requests.Memory().IsZero() || r.Limits.Memory().IsZero() {
				t.Errorf("%s: resources %+v, want cpu and memory requests and a memory limit", where, r)
			}
			if !slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.MountPath == "/tmp" && tmp[m.Name] }) {
				t.Errorf("%s: no emptyDir at /tmp", where)
			}
		}
	}
	for _, c := range components {
		if !seen[c] {
			t.Errorf("no Deployment for %s", c)
		}
	}
	if len(seen) != len(components) {
		t.Errorf("Deployments for %v, want %v", seen, components)
	}
	if len(images) != 1 {
		t.Errorf("images %v, want one image for every component", images)
	}
}

// checkSecretsByReference: the chart makes no Secret, and every variable
// that holds a key, password or the database URL comes from a Secret.
// checkSpreading: the gateway reaches each service through a headless
// Service, whose name resolves to every ready replica, so that its calls
// spread over them (internal/rpc dials round robin).
func checkSpreading(t *testing.T, m manifests) {
	t.Helper()
	headless := map[string]*corev1.Service{}
	for _, o := range m.objects {
		if s, ok := o.(*corev1.Service); ok && s.Spec.ClusterIP == corev1.ClusterIPNone {
			headless[s.Name] = s
		}
	}
	for _, d := range m.deployments() {
		if d.Spec.Template.Labels["app.kubernetes.io/component"] != "gateway" {
			continue
		}
		for _, svc := range []string{"councils", "focusgroups", "surveys", "results"} {
			found := false
			for _, a := range d.Spec.Template.Spec.Containers[0].Args {
				rest, ok := strings.CutPrefix(a, "-"+svc+"-addr=dns:///")
				if !ok {
					continue
				}
				found = true
				host, _, _ := strings.Cut(rest, ":")
				s := headless[host]
				if s == nil {
					t.Errorf("the gateway reaches %s at %s, which is no headless Service", svc, host)
				} else if s.Spec.Selector["app.kubernetes.io/component"] != svc {
					t.Errorf("headless Service %s selects %v, not the %s pods", host, s.Spec.Selector, svc)
				}
			}
			if !found {
				t.Errorf("the gateway has no -%s-addr=dns:/// argument", svc)
			}
		}
	}
}

func checkSecretsByReference(t *testing.T, m manifests) {
	t.Helper()
	if n := m.kinds()["Secret"]; n != 0 {
		t.Errorf("the chart made %d Secrets; secrets are referenced, never made", n)
	}
	secret := regexp.MustCompile(`KEY|SECRET|PASSWORD|DATABASE_URL`)
	want := map[string][]string{
		"gateway":     {"DATABASE_URL", "MEEDOEN_INTERNAL_SIGNING_KEY", "MEEDOEN_SESSION_KEY", "MEEDOEN_RESPONDENT_KEY", "OIDC_CLIENT_SECRET"},
		"surveys":     {"DATABASE_URL", "MEEDOEN_INTERNAL_VERIFY_KEYS", "MEEDOEN_SMTP_PASSWORD"},
		"councils":    {"DATABASE_URL", "MEEDOEN_INTERNAL_VERIFY_KEYS"},
		"focusgroups": {"DATABASE_URL", "MEEDOEN_INTERNAL_VERIFY_KEYS"},
		"results":     {"DATABASE_URL", "MEEDOEN_INTERNAL_VERIFY_KEYS"},
	}
	for _, d := range m.deployments() {
		c := d.Spec.Template.Spec.Containers[0]
		for _, e := range c.Env {
			if secret.MatchString(e.Name) && (e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil) {
				t.Errorf("%s: %s is not taken from a Secret", d.Name, e.Name)
			}
		}
		for _, name := range want[d.Spec.Template.Labels["app.kubernetes.io/component"]] {
			if e := env(c, name); e == nil || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
				t.Errorf("%s: %s missing or not from a Secret", d.Name, name)
			}
		}
		if e := env(c, "MEEDOEN_INTERNAL_SIGNING_KEY"); e != nil && d.Name != "r-meedoen-gateway" {
			t.Errorf("%s: only the gateway may hold the signing key", d.Name)
		}
	}
}

func policies(m manifests) []*networkingv1.NetworkPolicy {
	var out []*networkingv1.NetworkPolicy
	for _, o := range m.objects {
		if p, ok := o.(*networkingv1.NetworkPolicy); ok {
			out = append(out, p)
		}
	}
	return out
}

func allowsEgressPort(p *networkingv1.NetworkPolicy, port int) bool {
	for _, r := range p.Spec.Egress {
		for _, pp := range r.Ports {
			if pp.Port != nil && pp.Port.IntValue() == port {
				return true
			}
		}
	}
	return false
}

// peerKind classifies who an ingress peer lets in: the release's gateway
// pods, Prometheus, or anyone else ("outside").
func peerKind(peer networkingv1.NetworkPolicyPeer, gatewayLabels labels.Set) string {
	if peer.IPBlock != nil {
		return "outside"
	}
	if peer.NamespaceSelector == nil && peer.PodSelector != nil {
		sel, err := metav1.LabelSelectorAsSelector(peer.PodSelector)
		if err == nil && !sel.Empty() && sel.Matches(gatewayLabels) {
			return "gateway"
		}
		return "outside"
	}
	if peer.NamespaceSelector != nil && peer.PodSelector != nil && peer.PodSelector.MatchLabels["app.kubernetes.io/name"] == "prometheus" {
		return "prometheus"
	}
	return "outside"
}

// checkNetworkPolicies: every component's pods are selected by a policy
// that restricts both ways; only the gateway takes traffic from outside
// (on its HTTP port); the services take gRPC from the gateway and
// scrapes (HTTP) from Prometheus, nothing else; every component may reach
// DNS, NATS and PostgreSQL, and the gateway the services' gRPC.
func checkNetworkPolicies(t *testing.T, m manifests) {
	t.Helper()
	pods := map[string]labels.Set{}
	for _, d := range m.deployments() {
		pods[d.Spec.Template.Labels["app.kubernetes.io/component"]] = labels.Set(d.Spec.Template.Labels)
	}
	gateway := pods["gateway"]
	for component, podLabels := range pods {
		var selecting []*networkingv1.NetworkPolicy
		for _, p := range policies(m) {
			sel, err := metav1.LabelSelectorAsSelector(&p.Spec.PodSelector)
			if err != nil {
				t.Fatal(err)
			}
			if sel.Matches(podLabels) {
				selecting = append(selecting, p)
			}
		}
		if len(selecting) != 1 {
			t.Errorf("%s: %d NetworkPolicies select its pods, want 1", component, len(selecting))
			continue
		}
		p := selecting[0]
		if !slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeIngress) || !slices.Contains(p.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) {
			t.Errorf("%s: policy types %v, want Ingress and Egress", component, p.Spec.PolicyTypes)
		}
		fromOutside, fromGateway := false, false
		for _, rule := range p.Spec.Ingress {
			kinds := map[string]bool{}
			if len(rule.From) == 0 {
				kinds["outside"] = true
			}
			for _, peer := range rule.From {
				kinds[peerKind(peer, gateway)] = true
			}
			var ports []string
			for _, pp := range rule.Ports {
				if pp.Port != nil {
					ports = append(ports, pp.Port.String())
				}
			}
			if len(ports) == 0 {
				t.Errorf("%s: an ingress rule open on every port (%v)", component, kinds)
			}
			for kind := range kinds {
				wantPort := map[string]string{"outside": "http", "prometheus": "http", "gateway": "grpc"}[kind]
				for _, port := range ports {
					if port != wantPort {
						t.Errorf("%s: %s may reach port %s, want only %s", component, kind, port, wantPort)
					}
				}
			}
			fromOutside = fromOutside || kinds["outside"]
			fromGateway = fromGateway || kinds["gateway"]
		}
		if component == "gateway" && !fromOutside {
			t.Errorf("gateway: takes no traffic from outside")
		}
		if component != "gateway" && fromOutside {
			t.Errorf("%s: takes traffic from outside the gateway and Prometheus", component)
		}
		if component != "gateway" && !fromGateway {
			t.Errorf("%s: the gateway cannot reach its gRPC port", component)
		}

		for _, port := range []int{53, 4222, 5432} {
			if !allowsEgressPort(p, port) {
				t.Errorf("%s: no egress on port %d", component, port)
			}
		}
		if allowsEgressPort(p, 9090) != (component == "gateway") {
			t.Errorf("%s: egress to gRPC %v, want it for the gateway only", component, allowsEgressPort(p, 9090))
		}
	}
}

// TestSchemaRefusesMistakes: values.schema.json stops a misspelt key or a
// value of the wrong kind before anything is rendered, naming it.
func TestSchemaRefusesMistakes(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, nil)
	for set, want := range map[string]string{
		"components.gateway.replicas=two":    "/components/gateway/replicas",
		"components.gatway.replicas=1":       "gatway",
		"config.smtp.tls=ssl":                "/config/smtp/tls",
		"config.logLevel=verbose":            "/config/logLevel",
		"image.digest=latest":                "/image/digest",
		"secrets.sessionKey.key=":            "/secrets/sessionKey/key",
		"networkPolicy.egress.nats.ports={}": "/networkPolicy/egress/nats/ports",
		"externalNats.url=nats-a:4222":       "/externalNats/url",
		"replicas=3":                         "replicas",
	} {
		_, err := runHelm(t, "template", "r", dir, "--set", set)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--set %s: want an error naming %s, got %v", set, want, err)
		}
	}
}
