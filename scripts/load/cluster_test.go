package main

import (
	"strings"
	"testing"
)

func TestClusterFlagsGoTogether(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the error; empty: accepted
	}{
		{[]string{"-nats-servers=3", "-surveys-replicas=2"}, ""},
		{[]string{"-nats-servers=1", "-nats-sync-always"}, ""},
		{[]string{"-surveys-replicas=2"}, "-surveys-replicas needs -nats-servers"},
		{[]string{"-nats-sync-always"}, "-nats-sync-always needs -nats-servers"},
		{[]string{"-nats-servers=3", "-url=http://127.0.0.1:8080", "-database-url=postgres://x"}, "do not go with -url"},
		{[]string{"-nats-servers=-1"}, "must not be negative"},
	} {
		_, err := parseFlags(tc.args)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v, want accepted", tc.args, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: %v, want an error saying %q", tc.args, err, tc.want)
		}
	}
	c, err := parseFlags([]string{"-nats-servers=3", "-surveys-replicas=2", "-nats-sync-always"})
	if err != nil {
		t.Fatal(err)
	}
	if got := setup(c); !strings.Contains(got, "2 surveys processes") || !strings.Contains(got, "R3 streams") || !strings.Contains(got, "sync always") {
		t.Errorf("setup(%+v) = %q", c, got)
	}
}
