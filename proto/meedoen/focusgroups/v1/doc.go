// Package focusgroupsv1 holds the generated messages and gRPC stubs of the
// focus groups service API (focusgroups.proto for staff, links.proto for
// residents' mail links). Edit the .proto files and run "make gen"; never
// edit the generated files.
package focusgroupsv1
