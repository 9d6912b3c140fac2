// Package councilsv1 holds the generated messages, gRPC stubs and REST
// gateway handlers of the councils service API (councils.proto). Edit the
// .proto and councils_http.yaml files and run "make gen"; never edit the
// generated files.
package councilsv1
