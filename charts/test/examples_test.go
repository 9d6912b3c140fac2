package charttest

import (
	"os"
	"path/filepath"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// TestProductionExample: the example values lint, render and keep every
// guarantee, with the database URL from CloudNativePG's Secret.
func TestProductionExample(t *testing.T) {
	t.Parallel()
	dir := chartCopy(t, nil)
	values, err := filepath.Abs(filepath.Join(chartDir, "examples", "values-production.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	lint(t, dir, values)
	m := render(t, dir, "-f", values)
	checkDeployments(t, m)
	checkNetworkPolicies(t, m)
	checkSecretsByReference(t, m)
	for _, d := range m.deployments() {
		ref := env(d.Spec.Template.Spec.Containers[0], "DATABASE_URL").ValueFrom.SecretKeyRef
		if ref.Name != "meedoen-db-app" || ref.Key != "uri" {
			t.Errorf("%s: DATABASE_URL from %s/%s, want the Cluster's meedoen-db-app/uri", d.Name, ref.Name, ref.Key)
		}
	}
}

// TestCloudNativePGExample: three instances on separate hosts, synchronous
// replication, and backups through the Barman Cloud plugin, not the
// deprecated in-tree section.
func TestCloudNativePGExample(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(chartDir, "examples", "cnpg-cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	objects := map[string]map[string]any{}
	for _, doc := range documents(t, b) {
		var o map[string]any
		if err := sigsyaml.Unmarshal(doc, &o); err != nil {
			t.Fatal(err)
		}
		objects[o["apiVersion"].(string)+" "+o["kind"].(string)] = o
	}
	cluster := objects["postgresql.cnpg.io/v1 Cluster"]
	if cluster == nil {
		t.Fatalf("no postgresql.cnpg.io/v1 Cluster among %v", objects)
	}
	if got := lookup(cluster, "spec.instances"); got != float64(3) {
		t.Errorf("instances %v, want 3", got)
	}
	if n, _ := lookup(cluster, "spec.postgresql.synchronous.number").(float64); n < 1 {
		t.Errorf("synchronous replication: number %v, want at least one standby", lookup(cluster, "spec.postgresql.synchronous"))
	}
	if got := lookup(cluster, "spec.postgresql.synchronous.dataDurability"); got != "required" {
		t.Errorf("dataDurability %v, want required", got)
	}
	if got := lookup(cluster, "spec.affinity.topologyKey"); got != "kubernetes.io/hostname" {
		t.Errorf("anti-affinity topology %v, want one instance per host", got)
	}
	if lookup(cluster, "spec.backup") != nil {
		t.Error("spec.backup is the deprecated in-tree backup; use the Barman Cloud plugin")
	}
	plugins, _ := lookup(cluster, "spec.plugins").([]any)
	archiver := false
	store := ""
	for _, p := range plugins {
		p := p.(map[string]any)
		if p["name"] == "barman-cloud.cloudnative-pg.io" && p["isWALArchiver"] == true {
			archiver = true
			store, _ = lookup(p, "parameters.barmanObjectName").(string)
		}
	}
	if !archiver {
		t.Errorf("plugins %v: want barman-cloud.cloudnative-pg.io as WAL archiver", plugins)
	}
	objectStore := objects["barmancloud.cnpg.io/v1 ObjectStore"]
	if objectStore == nil || lookup(objectStore, "metadata.name") != store {
		t.Errorf("no barmancloud.cnpg.io/v1 ObjectStore named %q", store)
	}
	sb := objects["postgresql.cnpg.io/v1 ScheduledBackup"]
	if sb == nil || lookup(sb, "spec.method") != "plugin" || lookup(sb, "spec.pluginConfiguration.name") != "barman-cloud.cloudnative-pg.io" {
		t.Errorf("ScheduledBackup %v: want method plugin through barman-cloud", sb)
	}
}
