package main

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/internal/auth"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

var update = flag.Bool("update", false, "rewrite docs/authorization.md from the policy")

// The policy document is generated from the binary's policy; it must be
// current.
func TestPolicyDocumentIsCurrent(t *testing.T) {
	t.Parallel()
	want := auth.PolicyMarkdown(authPolicy())
	const path = "../../docs/authorization.md"
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./cmd/meedoen -run PolicyDocument -update)", err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("docs/authorization.md is stale; run: go test ./cmd/meedoen -run PolicyDocument -update\n(-want +got):\n%s", diff)
	}
}

// Every method the services serve has exactly one rule, and every rule
// names a method that exists: a method without a rule is refused at run
// time, and a rule for a renamed method would only mislead the document.
func TestEveryServedMethodHasOneRule(t *testing.T) {
	t.Parallel()
	served := map[string]bool{}
	for _, desc := range []grpc.ServiceDesc{councilsv1.CouncilsService_ServiceDesc, surveysv1.SurveysService_ServiceDesc,
		surveysv1.PanelsService_ServiceDesc, surveysv1.ExportService_ServiceDesc, focusgroupsv1.FocusGroupsService_ServiceDesc,
		focusgroupsv1.MemberLinksService_ServiceDesc, resultsv1.AdviceService_ServiceDesc, resultsv1.ResultsService_ServiceDesc,
		resultsv1.FilesService_ServiceDesc} {
		for _, m := range desc.Methods {
			served["/"+desc.ServiceName+"/"+m.MethodName] = true
		}
		for _, s := range desc.Streams {
			served["/"+desc.ServiceName+"/"+s.StreamName] = true
		}
	}
	seen := map[string]int{}
	for _, r := range servicePolicies() {
		seen[r.Method]++
	}
	for m := range served {
		if seen[m] != 1 {
			t.Errorf("%s has %d rules, want 1", m, seen[m])
		}
	}
	for m := range seen {
		if !served[m] {
			t.Errorf("a rule names %s, which no service serves", m)
		}
	}
}
