// Package surveysv1 holds the generated messages and gRPC stubs of the
// surveys service API (surveys.proto). Edit the .proto files and run
// "make gen"; never edit the generated files.
package surveysv1
