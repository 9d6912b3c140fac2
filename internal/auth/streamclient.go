package auth

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// StreamClientInterceptor is ClientInterceptor for streaming calls, such
// as the gateway's downloads of exports: the same internal token for the
// identity in the call's context, in place of any authorization metadata.
func StreamClientInterceptor(s *Signer) grpc.StreamClientInterceptor {
	return func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		md, _ := metadata.FromOutgoingContext(ctx)
		md = md.Copy()
		md.Delete(mdAuthorization)
		if id, ok := FromContext(ctx); ok {
			tok, err := s.Sign(id, InternalTokenTTL)
			if err != nil {
				return nil, status.Error(codes.Internal, "signing internal token")
			}
			md.Set(mdAuthorization, "Bearer "+tok)
		}
		return streamer(metadata.NewOutgoingContext(ctx, md), desc, cc, method, opts...)
	}
}
