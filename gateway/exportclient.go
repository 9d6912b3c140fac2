package gateway

import (
	"context"
	"errors"
	"io"

	"google.golang.org/grpc"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// exportClient calls ExportResponses the way gRPC documents a stream must
// be called. A service that ends the call before it reads the request (the
// guard refusing an anonymous caller does) leaves the client's SendMsg
// saying only io.EOF, and the generated client returns that io.EOF as the
// call's error, which the gateway could only answer with 500. Whether
// SendMsg sees the end depends on timing (on the in-process channel, on
// which of two ready channels Go's select picks), so the same anonymous
// download answered 401 or 500 at random. The status the service ended
// with is what the stream's first Recv returns, so the request's io.EOF is
// left to it.
type exportClient struct{ cc grpc.ClientConnInterface }

// ExportResponses implements surveysv1.ExportServiceClient.
func (c exportClient) ExportResponses(ctx context.Context, in *surveysv1.ExportResponsesRequest, opts ...grpc.CallOption) (grpc.ServerStreamingClient[surveysv1.ExportChunk], error) {
	stream, err := c.cc.NewStream(ctx, &surveysv1.ExportService_ServiceDesc.Streams[0], surveysv1.ExportService_ExportResponses_FullMethodName, opts...)
	if err != nil {
		return nil, err
	}
	x := &grpc.GenericClientStream[surveysv1.ExportResponsesRequest, surveysv1.ExportChunk]{ClientStream: stream}
	if err := x.ClientStream.SendMsg(in); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if err := x.ClientStream.CloseSend(); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return x, nil
}
