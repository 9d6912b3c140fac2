// Package resultsv1 holds the generated messages, gRPC stubs and REST
// gateway handlers of the results service API (results.proto). Edit the
// .proto and results_http.yaml files and run "make gen"; never edit the
// generated files.
package resultsv1
