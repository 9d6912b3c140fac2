package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/fullstorydev/grpchan"
	"github.com/fullstorydev/grpchan/inprocgrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// lateSender sends its messages a moment late.
type lateSender struct{ grpc.ClientStream }

func (s lateSender) SendMsg(m any) error {
	time.Sleep(2 * time.Millisecond)
	return s.ClientStream.SendMsg(m)
}

// refusingExport is an export service behind a guard that refuses every
// call before the handler reads its request.
type refusingExport struct {
	surveysv1.UnimplementedExportServiceServer
}

// A download the service refuses before reading the request reaches the
// gateway as the service's status every time, never as a bare io.EOF from
// sending the request (which the gateway answered with 500, at random).
// The generated client fails this within a few calls.
func TestARefusedDownloadAlwaysCarriesTheServicesStatus(t *testing.T) {
	t.Parallel()
	ch := &inprocgrpc.Channel{}
	ch.WithServerStreamInterceptor(func(any, grpc.ServerStream, *grpc.StreamServerInfo, grpc.StreamHandler) error {
		return status.Error(codes.Unauthenticated, "no token")
	})
	surveysv1.RegisterExportServiceServer(ch, refusingExport{})
	// The request goes out only once the service has ended the call, as it
	// can when the machine is busy.
	late := grpchan.InterceptClientConn(ch, nil, func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		cs, err := streamer(ctx, desc, cc, method, opts...)
		return lateSender{cs}, err
	})
	client := exportClient{late}
	for i := range 50 {
		stream, err := client.ExportResponses(context.Background(), &surveysv1.ExportResponsesRequest{PollId: "p"})
		if err == nil {
			_, err = stream.Recv()
		}
		if status.Code(err) != codes.Unauthenticated {
			t.Fatalf("call %d: %v, want the service's Unauthenticated", i, err)
		}
	}
}
