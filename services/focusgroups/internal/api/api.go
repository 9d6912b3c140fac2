// Package api is the focus groups service's gRPC application layer.
package api
