// Package charttest lints and renders the Helm chart charts/meedoen with the
// helm binary and checks what comes out: every document strict-decodes into
// Kubernetes' own types (an unknown field or a wrong type fails), every
// Deployment runs non-root on a read-only root file system with every
// capability dropped, probes and resources, and the NetworkPolicies let only
// the gateway take traffic from outside.
//
// The official nats chart is a dependency the chart declares but this
// repository does not carry (it cannot be fetched here, and is not to be
// copied in). The tests render a copy of the chart with an empty stand-in
// named nats in its charts/ directory: helm then finds the dependency it
// declares, and the stand-in renders nothing.
package charttest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
	sigsyaml "sigs.k8s.io/yaml"
)

// chartDir is the chart under test, relative to this package.
const chartDir = "../meedoen"

// natsVersion must match the nats dependency's version in Chart.yaml; the
// stand-in chart carries it so helm sees the dependency satisfied.
func natsVersion(t *testing.T) string {
	t.Helper()
	for _, d := range chartYAML(t).Dependencies {
		if d.Name == "nats" {
			return d.Version
		}
	}
	t.Fatal("Chart.yaml declares no nats dependency")
	return ""
}

// helmBin is the helm binary: $HELM (the Makefile sets it), else helm on
// the PATH. Missing helm fails the tests: it must never pass unseen.
func helmBin(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("HELM"); h != "" {
		if _, err := os.Stat(h); err != nil {
			t.Fatalf("HELM=%s: %v (run `make test-chart`, which installs it)", h, err)
		}
		return h
	}
	h, err := exec.LookPath("helm")
	if err != nil {
		t.Fatal("no helm: run `make test-chart`, which installs it into var/tools, or set HELM")
	}
	return h
}

// chartCopy copies the chart into a temporary directory with the nats
// stand-in, then applies edit: a file name (relative to the chart) maps to
// its new content, or to nil to remove it (a directory with all it holds).
func chartCopy(t *testing.T, edit map[string][]byte) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "meedoen")
	if err := os.CopyFS(dst, os.DirFS(chartDir)); err != nil {
		t.Fatal(err)
	}
	// Whatever `helm dependency build` left in charts/ gives way to the
	// stand-in.
	if err := os.RemoveAll(filepath.Join(dst, "charts")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dst, "Chart.lock")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	stub := "apiVersion: v2\nname: nats\nversion: " + natsVersion(t) + "\ndescription: an empty stand-in for the official nats chart, for tests\n"
	files := map[string][]byte{"charts/nats/Chart.yaml": []byte(stub)}
	for name, content := range edit {
		files[name] = content
	}
	for name, content := range files {
		path := filepath.Join(dst, filepath.FromSlash(name))
		if content == nil {
			if err := os.RemoveAll(path); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// runHelm runs helm with args and returns its standard output, or the
// error with standard error in it.
func runHelm(t *testing.T, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(helmBin(t), args...)
	// A private home, so no user repository or cache configuration leaks in.
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home+"/cache", "HELM_CONFIG_HOME="+home+"/config", "HELM_DATA_HOME="+home+"/data")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, errors.New(err.Error() + ": " + stderr.String() + stdout.String())
	}
	return stdout.Bytes(), nil
}

// valuesFile writes values into a temporary file for helm's -f.
func valuesFile(t *testing.T, values string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(path, []byte(values), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// lint runs helm lint --strict on dir with the values files.
func lint(t *testing.T, dir string, values ...string) {
	t.Helper()
	args := []string{"lint", "--strict", dir}
	for _, v := range values {
		args = append(args, "-f", v)
	}
	if out, err := runHelm(t, args...); err != nil {
		t.Fatalf("helm lint --strict: %v\n%s", err, out)
	}
}

// manifests is a rendered chart: every document, decoded.
type manifests struct {
	objects []runtime.Object
}

// render runs helm template on dir as release "r" with args and decodes
// every document strictly.
func render(t *testing.T, dir string, args ...string) manifests {
	t.Helper()
	out, err := runHelm(t, append([]string{"template", "r", dir, "--namespace", "meedoen"}, args...)...)
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	var m manifests
	for _, doc := range documents(t, out) {
		obj, err := strictDecode(doc)
		if err != nil {
			t.Errorf("%v in:\n%s", err, doc)
			continue
		}
		m.objects = append(m.objects, obj)
	}
	if t.Failed() {
		t.FailNow()
	}
	return m
}

// documents splits a multi-document YAML stream, dropping empty documents
// (helm leaves those where a template renders nothing).
func documents(t *testing.T, stream []byte) [][]byte {
	t.Helper()
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	var docs [][]byte
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatal(err)
		}
		var probe map[string]any
		if err := sigsyaml.Unmarshal(doc, &probe); err != nil {
			t.Fatalf("not YAML: %v\n%s", err, doc)
		}
		if len(probe) > 0 {
			docs = append(docs, doc)
		}
	}
}

// customKinds are the kinds of CRDs the chart may render; client-go's
// scheme does not know them, so they are decoded as unstructured and only
// their apiVersion and kind are checked.
var customKinds = map[schema.GroupVersionKind]bool{
	{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor"}: true,
	{Group: "monitoring.coreos.com", Version: "v1", Kind: "PrometheusRule"}: true,
}

var strictSerializer = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme,
	json.SerializerOptions{Yaml: true, Strict: true})

// strictDecode decodes doc into its Kubernetes type: an unknown or
// duplicate field, or a value of the wrong type, is an error.
func strictDecode(doc []byte) (runtime.Object, error) {
	obj, _, err := strictSerializer.Decode(doc, nil, nil)
	if err == nil {
		return obj, nil
	}
	if !runtime.IsNotRegisteredError(err) {
		return nil, err
	}
	var u unstructured.Unstructured
	if err := sigsyaml.Unmarshal(doc, &u.Object); err != nil {
		return nil, err
	}
	if !customKinds[u.GroupVersionKind()] {
		return nil, errors.New("unknown kind " + u.GroupVersionKind().String())
	}
	return &u, nil
}

// kinds counts the objects by kind.
func (m manifests) kinds() map[string]int {
	n := map[string]int{}
	for _, o := range m.objects {
		n[o.GetObjectKind().GroupVersionKind().Kind]++
	}
	return n
}

func (m manifests) deployments() []*appsv1.Deployment {
	var out []*appsv1.Deployment
	for _, o := range m.objects {
		if d, ok := o.(*appsv1.Deployment); ok {
			out = append(out, d)
		}
	}
	return out
}

func (m manifests) unstructured(kind string) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range m.objects {
		if u, ok := o.(*unstructured.Unstructured); ok && u.GetKind() == kind {
			out = append(out, u)
		}
	}
	return out
}

func (m manifests) configMaps() []*corev1.ConfigMap {
	var out []*corev1.ConfigMap
	for _, o := range m.objects {
		if c, ok := o.(*corev1.ConfigMap); ok {
			out = append(out, c)
		}
	}
	return out
}

// env returns the container's variable name, or nil.
func env(c corev1.Container, name string) *corev1.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

// hasArg says whether the container's arguments include arg.
func hasArg(c corev1.Container, arg string) bool {
	for _, a := range c.Args {
		if a == arg {
			return true
		}
	}
	return false
}

// argValue returns the value of -name=value among the container's
// arguments, or "".
func argValue(c corev1.Container, name string) string {
	for _, a := range c.Args {
		if v, ok := strings.CutPrefix(a, "-"+name+"="); ok {
			return v
		}
	}
	return ""
}

// chartMeta is the part of Chart.yaml the tests read.
type chartMeta struct {
	APIVersion   string `json:"apiVersion"`
	AppVersion   string `json:"appVersion"`
	Dependencies []struct {
		Name       string `json:"name"`
		Version    string `json:"version"`
		Repository string `json:"repository"`
		Condition  string `json:"condition"`
	} `json:"dependencies"`
}

func chartYAML(t *testing.T) chartMeta {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c chartMeta
	if err := sigsyaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
