package auth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const mdAuthorization = "authorization"

// InternalTokenTTL is how long an internal token lives: one request's worth.
const InternalTokenTTL = time.Minute

// ClientInterceptor attaches an internal token for the identity in the
// call's context, so the service can verify who asks. It replaces any
// authorization metadata already on the call (grpc-gateway forwards the
// HTTP Authorization header, which services must never see). Calls without
// an identity go out without a token and reach only public methods.
func ClientInterceptor(s *Signer) grpc.UnaryClientInterceptor {
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		md, _ := metadata.FromOutgoingContext(ctx)
		md = md.Copy()
		md.Delete(mdAuthorization)
		if id, ok := FromContext(ctx); ok {
			tok, err := s.Sign(id, InternalTokenTTL)
			if err != nil {
				return status.Error(codes.Internal, "signing internal token")
			}
			md.Set(mdAuthorization, "Bearer "+tok)
		}
		return invoker(metadata.NewOutgoingContext(ctx, md), method, req, reply, cc, opts...)
	}
}

// Guard enforces a policy in a service: it verifies the internal token and
// checks the method's rule before the method runs.
type Guard struct {
	verifier *Verifier
	policy   Policy
	log      *slog.Logger
}

// NewGuard returns a guard.
func NewGuard(v *Verifier, p Policy, log *slog.Logger) *Guard {
	return &Guard{verifier: v, policy: p, log: log}
}

// exempt methods are infrastructure, not API: health checks and reflection.
func exempt(method string) bool {
	return strings.HasPrefix(method, "/grpc.health.v1.") || strings.HasPrefix(method, "/grpc.reflection.")
}

// check authenticates and authorises one call and returns ctx carrying the
// caller's identity.
func (g *Guard) check(ctx context.Context, method string) (context.Context, error) {
	if exempt(method) {
		return ctx, nil
	}
	rule, ok := g.policy.Lookup(method)
	if !ok {
		g.log.ErrorContext(ctx, "no authorisation rule for method; refused", "method", method)
		return nil, status.Error(codes.PermissionDenied, "no authorisation rule for this method")
	}
	id, authenticated, err := g.identify(ctx)
	if err != nil {
		return nil, status.Error(codes.Unauthenticated, "invalid credentials")
	}
	if !authenticated && rule.Access != Public {
		return nil, status.Error(codes.Unauthenticated, "authentication required")
	}
	if !rule.Allows(id, authenticated) {
		return nil, status.Error(codes.PermissionDenied, "your roles do not allow this")
	}
	if authenticated {
		ctx = WithIdentity(ctx, id)
	}
	return ctx, nil
}

func (g *Guard) identify(ctx context.Context) (Identity, bool, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	vals := md.Get(mdAuthorization)
	if len(vals) == 0 {
		return Identity{}, false, nil
	}
	tok, ok := strings.CutPrefix(vals[0], "Bearer ")
	if !ok {
		return Identity{}, false, errors.New("authorization metadata is not a bearer token")
	}
	id, err := g.verifier.Verify(tok)
	if err != nil {
		return Identity{}, false, err
	}
	return id, true, nil
}

// UnaryInterceptor enforces the policy on unary calls.
func (g *Guard) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, err := g.check(ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// StreamInterceptor enforces the policy on streaming calls.
func (g *Guard) StreamInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, err := g.check(ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		return handler(srv, &identityStream{ServerStream: ss, ctx: ctx})
	}
}

type identityStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *identityStream) Context() context.Context { return s.ctx }
