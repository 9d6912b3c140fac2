package api

import (
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/report"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// ts is a timestamp, or nil for the zero time (the API's null).
func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func adviceStatusMsg(s advice.Status) pb.AdviceStatus {
	switch s {
	case advice.Draft:
		return pb.AdviceStatus_ADVICE_STATUS_DRAFT
	case advice.Adopted:
		return pb.AdviceStatus_ADVICE_STATUS_ADOPTED
	case advice.Sent:
		return pb.AdviceStatus_ADVICE_STATUS_SENT
	}
	return pb.AdviceStatus_ADVICE_STATUS_UNSPECIFIED
}

func adviceStatusOf(s pb.AdviceStatus) advice.Status {
	switch s {
	case pb.AdviceStatus_ADVICE_STATUS_DRAFT:
		return advice.Draft
	case pb.AdviceStatus_ADVICE_STATUS_ADOPTED:
		return advice.Adopted
	case pb.AdviceStatus_ADVICE_STATUS_SENT:
		return advice.Sent
	}
	return ""
}

func versionStatusMsg(s advice.Status) pb.VersionStatus {
	switch s {
	case advice.Draft:
		return pb.VersionStatus_VERSION_STATUS_DRAFT
	case advice.Adopted:
		return pb.VersionStatus_VERSION_STATUS_ADOPTED
	case advice.Sent:
		return pb.VersionStatus_VERSION_STATUS_SENT
	case advice.Superseded:
		return pb.VersionStatus_VERSION_STATUS_SUPERSEDED
	}
	return pb.VersionStatus_VERSION_STATUS_UNSPECIFIED
}

func originMsg(s string) councilsv1.Origin {
	switch s {
	case "solicited":
		return councilsv1.Origin_ORIGIN_SOLICITED
	case "unsolicited":
		return councilsv1.Origin_ORIGIN_UNSOLICITED
	}
	return councilsv1.Origin_ORIGIN_UNSPECIFIED
}

// formMsg is a form as the councils service names it ("flash_poll").
func formMsg(s string) councilsv1.FormKind {
	if v, ok := councilsv1.FormKind_value["FORM_KIND_"+strings.ToUpper(s)]; ok && v != 0 {
		return councilsv1.FormKind(v)
	}
	return councilsv1.FormKind_FORM_KIND_OTHER
}

func contentMsg(c advice.Content) *pb.AdviceContent {
	out := &pb.AdviceContent{Title: c.Title, Question: c.Question, Involvement: c.Involvement, Findings: c.Findings, Conclusions: c.Conclusions}
	for i, r := range c.Recommendations {
		out.Recommendations = append(out.Recommendations, &pb.Recommendation{Number: int32(i + 1), Text: r})
	}
	return out
}

func contentOf(c *pb.AdviceContent) advice.Content {
	out := advice.Content{Title: c.GetTitle(), Question: c.GetQuestion(), Involvement: c.GetInvolvement(), Findings: c.GetFindings(),
		Conclusions: c.GetConclusions()}
	for _, r := range c.GetRecommendations() {
		out.Recommendations = append(out.Recommendations, r.GetText())
	}
	return out
}

func adviceMsg(a advice.Advice) *pb.Advice {
	p := a.Process()
	return &pb.Advice{
		Id: a.ID(), ProcessId: p.ID, Tenant: p.Tenant, Addressees: a.Addressees(), Origin: originMsg(p.Origin), Theme: p.Theme,
		Reference: a.Reference(), Status: adviceStatusMsg(a.Status()), LatestVersion: int32(a.Latest().Number),
		SentVersion: int32(a.SentVersion()), FirstSentTime: ts(a.FirstSentAt()), SentTime: ts(a.SentAt()),
		ContentHash: a.ContentHash(), Content: contentMsg(a.Latest().Content), CreateTime: ts(a.CreatedAt()), UpdateTime: ts(a.UpdatedAt()),
	}
}

// versionMsg is v of the advice with id; ev is its evidence: frozen for a
// sent version, the current figures before.
func versionMsg(id string, v advice.Version, ev evidence.Snapshot) *pb.Version {
	out := &pb.Version{
		Number: int32(v.Number), AdviceId: id, BasedOn: int32(max(v.Number-1, 0)), ChangeNote: v.ChangeNote, Correction: v.Correction,
		Content: contentMsg(v.Content), Status: versionStatusMsg(v.Status), CreatedBy: v.CreatedBy, CreateTime: ts(v.CreatedAt),
		AdoptedBy: v.AdoptedBy, AdoptTime: ts(v.AdoptedAt), SentTime: ts(v.SentAt), ContentHash: v.ContentHash,
	}
	if v.Evidence != nil {
		ev = *v.Evidence
	}
	out.Evidence = evidenceMsg(ev)
	return out
}

func countMsg(c evidence.Count) *pb.PublicCount {
	return &pb.PublicCount{Value: c.Value, Hidden: c.Hidden}
}

func evidenceMsg(s evidence.Snapshot) *pb.Evidence {
	out := &pb.Evidence{Sessions: int32(s.Sessions), Attendees: countMsg(s.Attendees), Findings: int32(s.Findings), AsOfTime: ts(s.AsOf)}
	for _, r := range s.Reach {
		out.Reach = append(out.Reach, &pb.FormReach{Form: formMsg(r.Form), MunicipalityCode: r.Municipality, Activities: int32(r.Activities),
			Residents: countMsg(r.Residents), FirstDay: r.FirstDay, LastDay: r.LastDay})
	}
	for _, p := range s.Polls {
		pr := &pb.PollReach{PollId: p.PollID, Form: formMsg(p.Form), ClosedOn: p.ClosedOn, Responses: countMsg(p.Responses)}
		for _, m := range p.PerMunicipality {
			pr.PerMunicipality = append(pr.PerMunicipality, &pb.MunicipalityCount{MunicipalityCode: m.Municipality, Count: countMsg(m.Count)})
		}
		out.Polls = append(out.Polls, pr)
	}
	return out
}

func responseStatusMsg(s response.Status) pb.ResponseStatus {
	switch s {
	case response.Received:
		return pb.ResponseStatus_RESPONSE_STATUS_RECEIVED
	case response.Acknowledged:
		return pb.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED
	case response.Answered:
		return pb.ResponseStatus_RESPONSE_STATUS_ANSWERED
	case response.RevisionRequested:
		return pb.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED
	}
	return pb.ResponseStatus_RESPONSE_STATUS_UNSPECIFIED
}

func responseStatusOf(s pb.ResponseStatus) response.Status {
	switch s {
	case pb.ResponseStatus_RESPONSE_STATUS_RECEIVED:
		return response.Received
	case pb.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED:
		return response.Acknowledged
	case pb.ResponseStatus_RESPONSE_STATUS_ANSWERED:
		return response.Answered
	case pb.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED:
		return response.RevisionRequested
	}
	return ""
}

func verdictMsg(v response.Verdict) pb.Verdict {
	switch v {
	case response.Adopted:
		return pb.Verdict_VERDICT_ADOPTED
	case response.PartlyAdopted:
		return pb.Verdict_VERDICT_PARTLY_ADOPTED
	case response.NotAdopted:
		return pb.Verdict_VERDICT_NOT_ADOPTED
	case response.ToBeInvestigated:
		return pb.Verdict_VERDICT_TO_BE_INVESTIGATED
	}
	return pb.Verdict_VERDICT_UNSPECIFIED
}

func verdictOf(v pb.Verdict) response.Verdict {
	switch v {
	case pb.Verdict_VERDICT_ADOPTED:
		return response.Adopted
	case pb.Verdict_VERDICT_PARTLY_ADOPTED:
		return response.PartlyAdopted
	case pb.Verdict_VERDICT_NOT_ADOPTED:
		return response.NotAdopted
	case pb.Verdict_VERDICT_TO_BE_INVESTIGATED:
		return response.ToBeInvestigated
	}
	return ""
}

func answersMsg(list []response.Answer) []*pb.RecommendationAnswer {
	out := make([]*pb.RecommendationAnswer, 0, len(list))
	for _, a := range list {
		out = append(out, &pb.RecommendationAnswer{Recommendation: int32(a.Recommendation), Verdict: verdictMsg(a.Verdict), Motivation: a.Motivation})
	}
	return out
}

// responseMsg is r, a response to the sent advice a, at now.
func responseMsg(a advice.Advice, r response.Response, now time.Time) *pb.MunicipalResponse {
	name, email := r.Owner()
	out := &pb.MunicipalResponse{
		AdviceId: r.AdviceID(), MunicipalityCode: r.Municipality(), ProcessId: a.Process().ID, Reference: a.Reference(),
		AdviceTitle: a.Latest().Content.Title, Status: responseStatusMsg(r.Status()), TermDays: int32(r.Term().Days),
		Deadline: r.Term().Deadline.String(), DueTime: ts(r.Term().Due()), Overdue: r.Overdue(now), ReceiveTime: ts(r.ReceivedAt()),
		AcknowledgeTime: ts(r.AcknowledgedAt()), OwnerName: name, OwnerEmail: email, Version: int32(r.Version()),
		DecidedOn: r.DecidedOn().String(), Answers: answersMsg(r.Answers()), AnswerTime: ts(r.AnsweredAt()),
		AnsweredOnTime: r.OnTime(), AdviceVersion: int32(r.AdviceVersion()),
	}
	for _, rv := range r.Revisions() {
		out.RevisionRequests = append(out.RevisionRequests, &pb.RevisionRequest{Reason: rv.Reason, ResponseVersion: int32(rv.ResponseVersion),
			RequestedBy: rv.RequestedBy, CreateTime: ts(rv.At)})
	}
	return out
}

func summaryMsg(s report.Summary) *pb.MunicipalResponseSummary {
	return &pb.MunicipalResponseSummary{MunicipalityCode: s.Municipality, Status: responseStatusMsg(s.Status), Deadline: s.Deadline,
		Overdue: s.Overdue, Version: int32(s.Version), DecidedOn: s.DecidedOn, AnsweredOnTime: s.OnTime, Answers: answersMsg(s.Answers)}
}

func settingsMsg(s response.Settings) *pb.ResponseSettings {
	return &pb.ResponseSettings{MunicipalityCode: s.Municipality, TermDays: int32(s.TermDays), OfficerEmail: s.OfficerEmail,
		SecretaryEmail: s.SecretaryEmail, UpdateTime: ts(s.UpdatedAt), Etag: revisionTag(s.UpdatedAt)}
}
