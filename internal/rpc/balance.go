package rpc

import (
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
)

// roundRobin spreads calls over every address a target resolves to: over
// the pods behind a headless Kubernetes service ("dns:///surveys:9090"),
// or over the addresses of a list. gRPC's default, pick_first, would send
// every call of a gateway to one replica for as long as its connection
// lives.
const roundRobin = `{"loadBalancingConfig":[{"round_robin":{}}]}`

// balance returns what Dial dials for target: target itself, or, for a
// comma-separated list of addresses ("10.0.0.5:9090,10.0.0.6:9090"), a
// target of a resolver that knows exactly those.
func balance(target string) (string, []grpc.DialOption) {
	opts := []grpc.DialOption{grpc.WithDefaultServiceConfig(roundRobin)}
	if !strings.Contains(target, ",") {
		return target, opts
	}
	var addrs []resolver.Address
	for _, a := range strings.Split(target, ",") {
		if a = strings.TrimSpace(a); a != "" {
			addrs = append(addrs, resolver.Address{Addr: a})
		}
	}
	r := manual.NewBuilderWithScheme("meedoen-list")
	r.InitialState(resolver.State{Addresses: addrs})
	return r.Scheme() + ":///" + strings.ReplaceAll(target, ",", "_"), append(opts, grpc.WithResolvers(r))
}
