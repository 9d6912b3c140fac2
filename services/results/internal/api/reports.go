package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/report"
	"github.com/meedoen/meedoen/services/results/internal/response"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// CreateReport publishes the final report of a process whose advice was
// sent, as its council's chair or secretary (or the region's coordinator
// for shared work) sees fit: the advice as sent, the responses as they
// stand and the evidence now, sealed with a content hash.
func (s *ResultsServer) CreateReport(ctx context.Context, req *pb.CreateReportRequest) (*pb.Report, error) {
	in := req.GetReport()
	if in == nil {
		return nil, (errs.Violations{{Path: "", Reason: "a report is required"}}).Err()
	}
	if _, err := s.knownProcess(ctx, in.GetProcessId()); err != nil {
		return nil, err
	}
	id := caller(ctx)
	r, err := s.store.CreateReport(ctx, in.GetProcessId(), func(a advice.Advice, responses []response.Response, raw evidence.Raw) (report.Report, []events.Event, error) {
		if !id.CanDecide(scopeOf(a.Process())) {
			return report.Report{}, nil, forbidden("publish the report of this process")
		}
		now := s.now()
		r, err := report.Publish(a, responses, evidence.Build(raw, s.cfg.Cells, now), in.GetSummary(), id.Subject, now)
		if err != nil {
			return report.Report{}, nil, err
		}
		ev, err := events.New(ctx, r.Tenant, r.ID, &eventsv1.ReportPublished{ReportId: r.ID, ProcessId: r.ProcessID,
			AdviceId: r.AdviceID, ContentHash: r.ContentHash})
		if err != nil {
			return report.Report{}, nil, err
		}
		return r, []events.Event{ev}, nil
	})
	if err != nil {
		return nil, err
	}
	return reportMsg(r, store.Feedback{}), nil
}

// GetReport returns a published report with how many participants were
// told of it. Reports are public.
func (s *ResultsServer) GetReport(ctx context.Context, req *pb.GetReportRequest) (*pb.Report, error) {
	r, err := s.store.Report(ctx, req.GetId())
	if err != nil {
		return nil, err
	}
	f, err := s.store.FeedbackOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	return reportMsg(r, f), nil
}

// ListReports lists published reports, newest first.
func (s *ResultsServer) ListReports(ctx context.Context, req *pb.ListReportsRequest) (*pb.ListReportsResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.store.Reports(ctx, store.ReportFilter{Tenant: req.GetTenant(), ProcessID: req.GetProcessId()}, page)
	if err != nil {
		return nil, err
	}
	out := &pb.ListReportsResponse{NextCursor: next, Reports: make([]*pb.Report, 0, len(list))}
	for _, r := range list {
		out.Reports = append(out.Reports, reportMsg(r, store.Feedback{}))
	}
	return out, nil
}

// GetProcessResults returns what is public of a process whose advice was
// sent: the advice as sent last with its frozen evidence, the responses
// as they stand, and the report once published. A process without a sent
// advice has no public results: not found, as for one that does not exist.
func (s *ResultsServer) GetProcessResults(ctx context.Context, req *pb.GetProcessResultsRequest) (*pb.ProcessResults, error) {
	a, err := s.store.AdviceOfProcess(ctx, req.GetProcessId())
	if err != nil {
		return nil, err
	}
	if a.SentVersion() == 0 {
		return nil, errs.New(errs.NotFound, "results of process %q not found", req.GetProcessId())
	}
	v, err := s.store.Version(ctx, a.ID(), a.SentVersion())
	if err != nil {
		return nil, err
	}
	responses, err := s.store.ResponsesOf(ctx, a.ID())
	if err != nil {
		return nil, err
	}
	corrections, err := s.store.SentCorrections(ctx, a.ID(), a.SentVersion())
	if err != nil {
		return nil, err
	}
	p := a.Process()
	out := &pb.ProcessResults{ProcessId: p.ID, Tenant: p.Tenant, Municipalities: a.Addressees(), Theme: p.Theme,
		Origin: originMsg(p.Origin), Closed: p.Closed,
		Advice: &pb.PublishedAdvice{Id: a.ID(), Reference: a.Reference(), Version: int32(v.Number), SentTime: ts(v.SentAt),
			ContentHash: v.ContentHash, Content: contentMsg(v.Content), Corrections: corrections}}
	if v.Evidence != nil {
		out.Advice.Evidence = evidenceMsg(*v.Evidence)
	}
	now := s.now()
	for _, r := range responses {
		out.Responses = append(out.Responses, summaryMsg(report.SummaryOf(r, now)))
	}
	rep, ok, err := s.store.ReportOfProcess(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if ok {
		f, err := s.store.FeedbackOf(ctx, rep.ID)
		if err != nil {
			return nil, err
		}
		out.Report = reportMsg(rep, f)
	}
	return out, nil
}

// reportMsg is r with the deliveries f reported.
func reportMsg(r report.Report, f store.Feedback) *pb.Report {
	out := &pb.Report{Id: r.ID, ProcessId: r.ProcessID, Tenant: r.Tenant, Summary: r.Summary, AdviceId: r.AdviceID,
		AdviceVersion: int32(r.AdviceVersion), Evidence: evidenceMsg(r.Evidence), ContentHash: r.ContentHash, PublishTime: ts(r.PublishedAt),
		Feedback: &pb.FeedbackCount{Delivered: int32(f.Delivered), Failed: int32(f.Failed), ReportedBy: f.ReportedBy}}
	for _, s := range r.Responses {
		out.Responses = append(out.Responses, summaryMsg(s))
	}
	return out
}

// ListProcessResults lists the processes whose advice was sent, the
// advice first sent most recently first, then by process id (advice sent
// at the same moment keep one order from page to page), each with how
// many addressed municipalities answered and whether a report was
// published.
func (s *ResultsServer) ListProcessResults(ctx context.Context, req *pb.ListProcessResultsRequest) (*pb.ListProcessResultsResponse, error) {
	var v errs.Violations
	page := pageIn(&v, req.GetLimit(), req.GetCursor())
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.store.SentAdvices(ctx, req.GetTenant(), page)
	if err != nil {
		return nil, err
	}
	out := &pb.ListProcessResultsResponse{NextCursor: next, Results: make([]*pb.ProcessResultsSummary, 0, len(list))}
	for _, m := range list {
		out.Results = append(out.Results, &pb.ProcessResultsSummary{ProcessId: m.ProcessID, Tenant: m.Tenant, Municipalities: m.Addressees,
			Theme: m.Theme, Title: m.Title, Reference: m.Reference, SentTime: ts(m.FirstSentAt), Reported: m.Reported, Responded: int32(m.Responded)})
	}
	return out, nil
}
