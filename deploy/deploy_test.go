// Package deploy holds no code: its tests check the deployment files in this
// directory (compose.yaml and what it mounts, the Dockerfile) statically, in
// `make test`, since no container engine runs on the development machines.
package deploy

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/oasdiff/yaml"
)

// targets are the binary's components (cmd/meedoen/modules.go), each of
// which runs in a container of its own.
var targets = []string{"councils", "focusgroups", "surveys", "results", "gateway"}

// noHealthcheck are the services whose images hold a single binary with no
// way to probe it (no shell, wget or health subcommand); compose.yaml says
// so, and nothing may wait for them to be healthy.
var noHealthcheck = []string{"otel-collector", "jaeger"}

type composeFile struct {
	Name     string             `json:"name"`
	Services map[string]service `json:"services"`
	Secrets  map[string]struct {
		File        string `json:"file"`
		Environment string `json:"environment"`
	} `json:"secrets"`
	Volumes map[string]any `json:"volumes"`
}

type service struct {
	Image       string            `json:"image"`
	Build       *build            `json:"build"`
	Command     []string          `json:"command"`
	Environment map[string]string `json:"environment"`
	Healthcheck *struct {
		Test    []string `json:"test"`
		Disable bool     `json:"disable"`
	} `json:"healthcheck"`
	DependsOn map[string]struct {
		Condition string `json:"condition"`
	} `json:"depends_on"`
	Secrets  []string `json:"secrets"`
	Volumes  []string `json:"volumes"`
	Ports    []string `json:"ports"`
	ReadOnly bool     `json:"read_only"`
	CapDrop  []string `json:"cap_drop"`
}

type build struct {
	Context    string `json:"context"`
	Dockerfile string `json:"dockerfile"`
}

// readYAML decodes a YAML file (anchors and merge keys resolved, duplicate
// keys refused) into v through JSON, which ignores fields v lacks.
func readYAML(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	j, err := yaml.YAMLToJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := json.Unmarshal(j, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	var c composeFile
	readYAML(t, "compose.yaml", &c)
	if c.Name == "" || len(c.Services) == 0 {
		t.Fatalf("compose.yaml: no project name or no services")
	}
	return c
}

// meedoenServices are the services that run the Meedoen image, by target.
func meedoenServices(t *testing.T, c composeFile) map[string]string {
	t.Helper()
	byTarget := map[string]string{}
	for name, s := range c.Services {
		if s.Build == nil && !strings.Contains(s.Image, "meedoen") {
			continue
		}
		var ts []string
		for _, arg := range s.Command {
			if v, ok := strings.CutPrefix(arg, "-target="); ok {
				ts = append(ts, v)
			}
		}
		if len(ts) != 1 {
			t.Errorf("service %s runs the Meedoen image with %d -target arguments in %q, want one", name, len(ts), s.Command)
			continue
		}
		if prev, ok := byTarget[ts[0]]; ok {
			t.Errorf("-target=%s appears in services %s and %s, want once", ts[0], prev, name)
		}
		byTarget[ts[0]] = name
	}
	return byTarget
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	byTarget := meedoenServices(t, c)
	var got []string
	for target := range byTarget {
		got = append(got, target)
	}
	sort.Strings(got)
	want := slices.Clone(targets)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("targets in compose.yaml: %q, want each of %q once", got, want)
	}

	for name, s := range c.Services {
		if s.Image == "" && s.Build == nil {
			t.Errorf("service %s has neither image nor build", name)
		}
		if s.Image != "" && !strings.Contains(s.Image, ":") {
			t.Errorf("service %s: image %q has no tag", name, s.Image)
		}
		hasCheck := s.Healthcheck != nil && !s.Healthcheck.Disable && len(s.Healthcheck.Test) > 1
		if slices.Contains(noHealthcheck, name) {
			if hasCheck {
				t.Errorf("service %s has a health check: take it off the noHealthcheck list", name)
			}
		} else if !hasCheck {
			t.Errorf("service %s has no health check", name)
		}
		for dep, d := range s.DependsOn {
			ds, ok := c.Services[dep]
			if !ok {
				t.Errorf("service %s depends on %s, which is not a service", name, dep)
				continue
			}
			switch d.Condition {
			case "service_healthy":
				if ds.Healthcheck == nil {
					t.Errorf("service %s waits for %s to be healthy, which has no health check", name, dep)
				}
			case "service_started", "service_completed_successfully":
			default:
				t.Errorf("service %s depends on %s with condition %q", name, dep, d.Condition)
			}
		}
	}

	for target, name := range byTarget {
		s := c.Services[name]
		if s.Build == nil || s.Build.Context != ".." || s.Build.Dockerfile != "deploy/Dockerfile" {
			t.Errorf("service %s: build %+v, want deploy/Dockerfile from the repository root", name, s.Build)
		}
		if !slices.Contains(s.Command, "-stream-replicas=3") {
			t.Errorf("service %s: command %q lacks -stream-replicas=3 (the cluster has three nodes)", name, s.Command)
		}
		if !s.ReadOnly || !slices.Contains(s.CapDrop, "ALL") {
			t.Errorf("service %s: want a read-only root filesystem and every capability dropped", name)
		}
		if hc := s.Healthcheck; hc == nil || !slices.Contains(hc.Test, "-probe") || !slices.Contains(hc.Test, "/readyz") {
			t.Errorf("service %s: health check %+v, want the binary's -probe of /readyz", name, hc)
		}
		for _, dep := range []string{"postgres", "nats-1", "nats-2", "nats-3"} {
			if s.DependsOn[dep].Condition != "service_healthy" {
				t.Errorf("service %s does not wait for %s to be healthy", name, dep)
			}
		}
		if target == "gateway" {
			for _, svc := range targets {
				if svc == "gateway" {
					continue
				}
				if s.DependsOn[byTarget[svc]].Condition != "service_healthy" {
					t.Errorf("the gateway does not wait for %s to be healthy", svc)
				}
				// dns:/// so that the gateway resolves every replica and
				// spreads its calls over them.
				if addr := s.Environment[strings.ToUpper(svc)+"_ADDR"]; addr != "dns:///"+byTarget[svc]+":9090" {
					t.Errorf("the gateway's %s_ADDR is %q, want dns:///%s:9090", strings.ToUpper(svc), addr, byTarget[svc])
				}
			}
		} else if s.Environment["MEEDOEN_INTERNAL_VERIFY_KEYS"] == "" {
			t.Errorf("service %s has no MEEDOEN_INTERNAL_VERIFY_KEYS", name)
		}
	}
}

// Environment variables the binary reads: its flags' defaults, the _FILE
// twins of its secrets, and the OpenTelemetry SDK's own.
func knownVariables(t *testing.T) map[string]bool {
	t.Helper()
	known := map[string]bool{}
	envCall := regexp.MustCompile(`config\.Env\w*\("([A-Z][A-Z0-9_]*)"`)
	quoted := regexp.MustCompile(`"([A-Z][A-Z0-9_]*)"`)
	files, err := filepath.Glob("../cmd/meedoen/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range envCall.FindAllStringSubmatch(string(b), -1) {
			known[m[1]] = true
		}
		if filepath.Base(f) == "secretfiles.go" {
			for _, m := range quoted.FindAllStringSubmatch(string(b), -1) {
				known[m[1]+"_FILE"] = true
			}
		}
	}
	if !known["DATABASE_URL"] || !known["DATABASE_URL_FILE"] {
		t.Fatalf("found no flag variables or secret files in cmd/meedoen: %v", known)
	}
	return known
}

func TestComposeEnvironmentIsWhatTheBinaryReads(t *testing.T) {
	c := loadCompose(t)
	known := knownVariables(t)
	for _, name := range meedoenServices(t, c) {
		for v := range c.Services[name].Environment {
			if !known[v] && !strings.HasPrefix(v, "OTEL_") {
				t.Errorf("service %s sets %s, which the binary does not read", name, v)
			}
		}
	}
}

// secretVariable matches environment variables that hold a secret value.
var secretVariable = regexp.MustCompile(`(PASSWORD|SECRET|_KEY|DATABASE_URL)$`)

// urlWithPassword matches a URL with a password in it.
var urlWithPassword = regexp.MustCompile(`[a-z]+://[^/\s:@]+:[^/\s@]+@`)

func TestComposeSecretsComeFromFiles(t *testing.T) {
	c := loadCompose(t)
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if m := urlWithPassword.Find(raw); m != nil {
		t.Errorf("compose.yaml holds a URL with a password: %s", m)
	}
	for name, s := range c.Services {
		for k, v := range s.Environment {
			if secretVariable.MatchString(k) {
				t.Errorf("service %s sets the secret %s in its environment; want %s_FILE and a secret", name, k, k)
			}
			secret, ok := strings.CutPrefix(v, "/run/secrets/")
			if strings.HasSuffix(k, "_FILE") != ok {
				t.Errorf("service %s: %s=%s, want every *_FILE to name a file under /run/secrets/ and nothing else to", name, k, v)
				continue
			}
			if ok && !slices.Contains(s.Secrets, secret) {
				t.Errorf("service %s: %s names the secret %s, which the service does not mount", name, k, secret)
			}
		}
		for _, secret := range s.Secrets {
			def, ok := c.Secrets[secret]
			if !ok {
				t.Errorf("service %s mounts the secret %s, which secrets: does not define", name, secret)
				continue
			}
			if def.File == "" || def.Environment != "" {
				t.Errorf("secret %s: want it from a file, got %+v", secret, def)
			}
		}
	}
	for secret, def := range c.Secrets {
		if !strings.HasPrefix(def.File, "${MEEDOEN_SECRETS_DIR:-./secrets}/") {
			t.Errorf("secret %s comes from %q, want a file under MEEDOEN_SECRETS_DIR", secret, def.File)
		}
	}
	// The directory the secrets default to is kept out of git.
	ignore, err := os.ReadFile(".gitignore")
	if err != nil || !slices.Contains(strings.Fields(string(ignore)), "/secrets/") {
		t.Errorf("deploy/.gitignore does not keep /secrets/ out of git (%v)", err)
	}
}

// Every variable compose.yaml reads is documented in .env.example, and
// .env.example lists nothing compose.yaml ignores.
func TestEnvExampleDocumentsEveryVariable(t *testing.T) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\$\{([A-Z][A-Z0-9_]*)`).FindAllStringSubmatch(string(raw), -1) {
		used[m[1]] = true
	}
	example, err := os.ReadFile(".env.example")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, line := range strings.Split(string(example), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf(".env.example: %q is not NAME=value", line)
			continue
		}
		if secretVariable.MatchString(k) || urlWithPassword.MatchString(v) {
			t.Errorf(".env.example holds the secret %s: secrets are files", k)
		}
		documented[k] = true
	}
	for v := range used {
		if !documented[v] {
			t.Errorf("compose.yaml reads %s, which .env.example does not document", v)
		}
	}
	for v := range documented {
		if !used[v] {
			t.Errorf(".env.example documents %s, which compose.yaml does not read", v)
		}
	}
}

// The three NATS nodes form one JetStream cluster whose routes name each
// other, and every component knows all three.
func TestComposeNATSCluster(t *testing.T) {
	c := loadCompose(t)
	nodes := map[string]*server.Options{}
	for name, s := range c.Services {
		if !strings.HasPrefix(s.Image, "nats:") {
			continue
		}
		var conf string
		for _, v := range s.Volumes {
			if src, dst, _ := strings.Cut(v, ":"); strings.HasPrefix(dst, "/etc/nats/nats-server.conf") {
				conf = src
			}
		}
		if conf == "" || !slices.Contains(s.Command, "/etc/nats/nats-server.conf") {
			t.Errorf("service %s: no configuration file mounted and used (%q, %q)", name, s.Volumes, s.Command)
			continue
		}
		opts, err := server.ProcessConfigFile(filepath.FromSlash(conf))
		if err != nil {
			t.Errorf("service %s: %v", name, err)
			continue
		}
		nodes[name] = opts
		if opts.ServerName != name {
			t.Errorf("%s: server_name %q, want the service's name %q", conf, opts.ServerName, name)
		}
		if !opts.JetStream || !strings.HasPrefix(opts.StoreDir, "/data/") {
			t.Errorf("%s: JetStream %v with store %q, want JetStream on the volume at /data", conf, opts.JetStream, opts.StoreDir)
		}
		if !slices.ContainsFunc(s.Volumes, func(v string) bool { return strings.HasSuffix(v, ":/data") && !strings.HasPrefix(v, ".") }) {
			t.Errorf("service %s: no named volume at /data", name)
		}
		if opts.HTTPPort != 8222 || s.Healthcheck == nil || !slices.Contains(s.Healthcheck.Test, "http://127.0.0.1:8222/healthz") {
			t.Errorf("service %s: monitor port %d, health check %+v; want /healthz on 8222", name, opts.HTTPPort, s.Healthcheck)
		}
	}
	if len(nodes) != 3 {
		t.Fatalf("%d NATS nodes in compose.yaml, want 3", len(nodes))
	}
	var clients []string
	for name, opts := range nodes {
		if opts.Cluster.Name != "meedoen" || opts.Cluster.Port != 6222 {
			t.Errorf("%s: cluster %q on port %d, want meedoen on 6222", name, opts.Cluster.Name, opts.Cluster.Port)
		}
		var routes []string
		for _, r := range opts.Routes {
			routes = append(routes, r.Host)
		}
		var want []string
		for other := range nodes {
			if other != name {
				want = append(want, net.JoinHostPort(other, "6222"))
			}
		}
		sort.Strings(routes)
		sort.Strings(want)
		if !slices.Equal(routes, want) {
			t.Errorf("%s: routes %q, want the two other nodes %q", name, routes, want)
		}
		clients = append(clients, fmt.Sprintf("nats://%s:%d", name, opts.Port))
	}
	sort.Strings(clients)
	for _, name := range meedoenServices(t, c) {
		got := strings.Split(c.Services[name].Environment["NATS_URL"], ",")
		sort.Strings(got)
		if !slices.Equal(got, clients) {
			t.Errorf("service %s: NATS_URL lists %q, want every node %q", name, got, clients)
		}
	}
}

func TestPrometheusScrapesEveryComponent(t *testing.T) {
	var cfg struct {
		ScrapeConfigs []struct {
			JobName       string `json:"job_name"`
			MetricsPath   string `json:"metrics_path"`
			StaticConfigs []struct {
				Targets []string `json:"targets"`
			} `json:"static_configs"`
			DNSSDConfigs []struct {
				Names []string `json:"names"`
				Type  string   `json:"type"`
				Port  int      `json:"port"`
			} `json:"dns_sd_configs"`
		} `json:"scrape_configs"`
	}
	readYAML(t, "prometheus.yml", &cfg)
	scraped := map[string]bool{}
	for _, sc := range cfg.ScrapeConfigs {
		if sc.MetricsPath != "" && sc.MetricsPath != "/metrics" {
			continue
		}
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				scraped[target] = true
			}
		}
		for _, d := range sc.DNSSDConfigs {
			for _, n := range d.Names {
				scraped[net.JoinHostPort(n, fmt.Sprint(d.Port))] = true
			}
		}
	}
	c := loadCompose(t)
	for target, name := range meedoenServices(t, c) {
		if !scraped[name+":8080"] {
			t.Errorf("prometheus.yml does not scrape %s:8080/metrics (-target=%s)", name, target)
		}
	}
	if len(scraped) == 0 {
		t.Fatal("prometheus.yml scrapes nothing")
	}
}

func TestOTelCollectorConfig(t *testing.T) {
	var cfg struct {
		Receivers  map[string]map[string]any `json:"receivers"`
		Processors map[string]any            `json:"processors"`
		Exporters  map[string]struct {
			Endpoint string `json:"endpoint"`
		} `json:"exporters"`
		Service struct {
			Pipelines map[string]struct {
				Receivers  []string `json:"receivers"`
				Processors []string `json:"processors"`
				Exporters  []string `json:"exporters"`
			} `json:"pipelines"`
		} `json:"service"`
	}
	readYAML(t, "otel-collector.yaml", &cfg)
	traces, ok := cfg.Service.Pipelines["traces"]
	if !ok {
		t.Fatal("otel-collector.yaml: no traces pipeline")
	}
	for _, r := range traces.Receivers {
		if _, ok := cfg.Receivers[r]; !ok {
			t.Errorf("the traces pipeline receives from %s, which is not defined", r)
		}
	}
	for _, p := range traces.Processors {
		if _, ok := cfg.Processors[p]; !ok {
			t.Errorf("the traces pipeline processes with %s, which is not defined", p)
		}
	}
	for _, e := range traces.Exporters {
		if _, ok := cfg.Exporters[e]; !ok {
			t.Errorf("the traces pipeline exports to %s, which is not defined", e)
		}
	}
	if !slices.Contains(traces.Exporters, "debug") {
		t.Error("the traces pipeline has no debug exporter")
	}

	// The components send to the OTLP gRPC receiver, and the collector
	// passes traces on to Jaeger.
	c := loadCompose(t)
	var grpcPort string
	if otlp, ok := cfg.Receivers["otlp"]; ok {
		protocols, _ := otlp["protocols"].(map[string]any)
		grpc, _ := protocols["grpc"].(map[string]any)
		endpoint, _ := grpc["endpoint"].(string)
		_, grpcPort, _ = net.SplitHostPort(endpoint)
	}
	if grpcPort == "" || !slices.Contains(traces.Receivers, "otlp") {
		t.Fatal("otel-collector.yaml: the traces pipeline has no OTLP gRPC receiver with an endpoint")
	}
	for _, name := range meedoenServices(t, c) {
		u, err := url.Parse(c.Services[name].Environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
		if err != nil || u.Port() != grpcPort || c.Services[u.Hostname()].Image == "" || !strings.Contains(c.Services[u.Hostname()].Image, "opentelemetry-collector:") {
			t.Errorf("service %s sends traces to %v, want the collector's OTLP gRPC port %s", name, u, grpcPort)
		}
	}
	toJaeger := false
	for _, e := range traces.Exporters {
		host, _, err := net.SplitHostPort(cfg.Exporters[e].Endpoint)
		if err == nil && strings.HasPrefix(e, "otlp") && strings.Contains(c.Services[host].Image, "jaeger") {
			toJaeger = true
		}
	}
	if !toJaeger {
		t.Error("the traces pipeline exports nothing to the Jaeger service over OTLP")
	}
}

// dockerfileStages splits a Dockerfile into its stages: the FROM line and
// the instructions that follow, with continuation lines joined and comments
// left out.
func dockerfileStages(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]string
	var cur string
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur == "" && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if next, ok := strings.CutSuffix(trimmed, `\`); ok {
			cur += next + " "
			continue
		}
		cur += trimmed
		if strings.HasPrefix(strings.ToUpper(cur), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], cur)
		}
		cur = ""
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a build stage and a final one", len(stages))
	}
	return stages
}

// instruction returns the arguments of the last instruction kw in stage.
func instruction(stage []string, kw string) (string, bool) {
	var got string
	var ok bool
	for _, in := range stage {
		if k, rest, _ := strings.Cut(in, " "); strings.EqualFold(k, kw) {
			got, ok = strings.TrimSpace(rest), true
		}
	}
	return got, ok
}

func TestDockerfile(t *testing.T) {
	stages := dockerfileStages(t)
	final := stages[len(stages)-1]
	if !strings.Contains(final[0], "distroless/static") || !strings.Contains(final[0], ":nonroot") {
		t.Errorf("final stage %q, want the distroless static nonroot image", final[0])
	}
	user, ok := instruction(final, "USER")
	if name, _, _ := strings.Cut(user, ":"); !ok || (name != "65532" && name != "nonroot") {
		t.Errorf("final stage runs as %q, want distroless's nonroot user (65532)", user)
	}
	hc, ok := instruction(final, "HEALTHCHECK")
	if !ok || !strings.Contains(hc, `CMD ["/meedoen", "-probe",`) {
		t.Errorf("final stage health check %q, want the binary's own -probe", hc)
	}
	if ep, _ := instruction(final, "ENTRYPOINT"); ep != `["/meedoen"]` {
		t.Errorf("entrypoint %q, want the binary, with the target as the command", ep)
	}
	if expose, _ := instruction(final, "EXPOSE"); !slices.Contains(strings.Fields(expose), "8080") || !slices.Contains(strings.Fields(expose), "9090") {
		t.Errorf("EXPOSE %q, want 8080 (HTTP) and 9090 (gRPC)", expose)
	}
	labels := strings.Join(final, "\n")
	for _, l := range []string{"version", "revision", "created", "source", "licenses", "title"} {
		if !strings.Contains(labels, "org.opencontainers.image."+l+"=") {
			t.Errorf("final stage has no org.opencontainers.image.%s label", l)
		}
	}
	if strings.Contains(labels, "/run/secrets") || regexp.MustCompile(`(?i)ENV [^\n]*(PASSWORD|SECRET|_KEY)=`).MatchString(labels) {
		t.Error("the final stage sets a secret")
	}

	buildStage := strings.Join(stages[0], "\n")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X main.version=${VERSION}", "--mount=type=cache,target=/go/pkg/mod", "./cmd/meedoen"} {
		if !strings.Contains(buildStage, want) {
			t.Errorf("build stage lacks %q", want)
		}
	}
	if !strings.Contains(final[0]+strings.Join(final, "\n"), "COPY --from=") {
		t.Error("final stage copies nothing from the build stage")
	}
}

// The build context leaves out what the image does not need, and keeps
// what go build needs.
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile("../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, strings.TrimPrefix(line, "/"))
		}
	}
	for _, out := range []string{".git", "var", "bin"} {
		if !slices.Contains(patterns, out) {
			t.Errorf(".dockerignore does not leave out %s", out)
		}
	}
	for _, in := range []string{"go.mod", "go.sum", "cmd", "internal", "services", "gateway", "proto"} {
		for _, p := range patterns {
			if ok, _ := filepath.Match(p, in); ok {
				t.Errorf(".dockerignore pattern %q leaves out %s, which the build needs", p, in)
			}
		}
	}
}
