package eventsv1_test

import (
	"slices"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// textFields are the event payloads' text fields, each with why what it
// holds can never be text a person typed: events are stored in the stream
// and the outboxes and read by every service, and personal data must not
// travel in them (design: "an event carries pseudonymous ids, not names,
// e-mail addresses or postcodes"). A new text field fails
// TestEventsCarryNoTypedText until it is listed here, with its reason.
var textFields = map[protoreflect.FullName]string{
	"meedoen.events.v1.RegionCreated.region_id":                     "an id",
	"meedoen.events.v1.RegionCreated.name":                          "a region's public name, set by a platform administrator",
	"meedoen.events.v1.MunicipalityCreated.code":                    "a CBS code",
	"meedoen.events.v1.MunicipalityCreated.name":                    "a municipality's public name, set by a platform administrator",
	"meedoen.events.v1.MunicipalityCreated.region_id":               "an id",
	"meedoen.events.v1.CouncilSettingsChanged.municipality_code":    "a CBS code",
	"meedoen.events.v1.MemberJoined.member_id":                      "an id; the member's name and address stay in councils",
	"meedoen.events.v1.MemberJoined.municipality_code":              "a CBS code",
	"meedoen.events.v1.MemberJoined.role":                           "an enum's name",
	"meedoen.events.v1.MemberJoined.term_start":                     "a date",
	"meedoen.events.v1.MemberJoined.term_end":                       "a date",
	"meedoen.events.v1.MemberLeft.member_id":                        "an id",
	"meedoen.events.v1.MemberLeft.municipality_code":                "a CBS code",
	"meedoen.events.v1.MemberLeft.term_end":                         "a date",
	"meedoen.events.v1.MemberJoined.subject_sha256":                 "a SHA-256 hash of a staff login's subject, never the subject",
	"meedoen.events.v1.MemberLeft.subject_sha256":                   "a SHA-256 hash of a staff login's subject, never the subject",
	"meedoen.events.v1.QuestionRaised.question_id":                  "an id; the question's title and description stay in councils",
	"meedoen.events.v1.QuestionRaised.theme":                        "a key of the fixed list of themes",
	"meedoen.events.v1.QuestionRaised.origin":                       "an enum's name",
	"meedoen.events.v1.QuestionRaised.participating_municipalities": "CBS codes",
	"meedoen.events.v1.QuestionAccepted.question_id":                "an id",
	"meedoen.events.v1.QuestionRejected.question_id":                "an id; the reason stays in councils",
	"meedoen.events.v1.ProcessCreated.process_id":                   "an id",
	"meedoen.events.v1.ProcessCreated.question_id":                  "an id",
	"meedoen.events.v1.ProcessCreated.theme":                        "a key of the fixed list of themes",
	"meedoen.events.v1.ProcessCreated.origin":                       "an enum's name",
	"meedoen.events.v1.ProcessCreated.participating_municipalities": "CBS codes",
	"meedoen.events.v1.ProcessPhaseChanged.process_id":              "an id",
	"meedoen.events.v1.ProcessPhaseChanged.from_phase":              "an enum's name",
	"meedoen.events.v1.ProcessPhaseChanged.to_phase":                "an enum's name",
	"meedoen.events.v1.ProcessClosed.process_id":                    "an id",
	"meedoen.events.v1.FieldActivityRecorded.field_activity_id":     "an id; the place and notes stay in councils",
	"meedoen.events.v1.FieldActivityRecorded.process_id":            "an id",
	"meedoen.events.v1.FieldActivityRecorded.form":                  "an enum's name",
	"meedoen.events.v1.FieldActivityRecorded.municipality_code":     "a CBS code",
	"meedoen.events.v1.FieldActivityRecorded.date":                  "a date",
	"meedoen.events.v1.SessionHeld.session_id":                      "an id",
	"meedoen.events.v1.SessionHeld.focus_group_id":                  "an id",
	"meedoen.events.v1.SessionHeld.process_id":                      "an id",
	"meedoen.events.v1.FocusGroupSeats.roles":                       "role keys of the closed list of focus-group roles; the service refuses any other",
	"meedoen.events.v1.FocusGroupFormed.focus_group_id":             "an id; the group's name and purpose stay in focusgroups",
	"meedoen.events.v1.FocusGroupFormed.process_id":                 "an id",
	"meedoen.events.v1.FocusGroupConcluded.focus_group_id":          "an id; a dissolution's reason stays in focusgroups",
	"meedoen.events.v1.FocusGroupConcluded.process_id":              "an id",
	"meedoen.events.v1.FocusGroupMemberJoined.focus_group_id":       "an id",
	"meedoen.events.v1.FocusGroupMemberJoined.member_id":            "a pseudonymous id; the member's name and address stay in focusgroups",
	"meedoen.events.v1.FocusGroupMemberJoined.role":                 "a role key of the closed list",
	"meedoen.events.v1.FocusGroupMemberLeft.focus_group_id":         "an id",
	"meedoen.events.v1.FocusGroupMemberLeft.member_id":              "a pseudonymous id",
	"meedoen.events.v1.FocusGroupMemberLeft.role":                   "a role key of the closed list",
	"meedoen.events.v1.SessionScheduled.session_id":                 "an id; the place, link and agenda stay in focusgroups",
	"meedoen.events.v1.SessionScheduled.focus_group_id":             "an id",
	"meedoen.events.v1.SessionScheduled.process_id":                 "an id",
	"meedoen.events.v1.SessionRescheduled.session_id":               "an id",
	"meedoen.events.v1.SessionRescheduled.focus_group_id":           "an id",
	"meedoen.events.v1.SessionRescheduled.process_id":               "an id",
	"meedoen.events.v1.SessionCancelled.session_id":                 "an id; the reason stays in focusgroups",
	"meedoen.events.v1.SessionCancelled.focus_group_id":             "an id",
	"meedoen.events.v1.SessionCancelled.process_id":                 "an id",
	"meedoen.events.v1.RoleAttendance.role":                         "a role key of the closed list; walk-ins are counted without any detail",
	"meedoen.events.v1.RecordedFinding.finding_id":                  "an id; the statement and quotes are served by focusgroups with their speakers' consent as it stands when read, never carried",
	"meedoen.events.v1.RecordedFinding.session_id":                  "an id",
	"meedoen.events.v1.RecordedFinding.breadth":                     "an enum's name",
	"meedoen.events.v1.FindingsRecorded.focus_group_id":             "an id",
	"meedoen.events.v1.FindingsRecorded.process_id":                 "an id",
	"meedoen.events.v1.FindingsRecorded.question_id":                "an id",
	"meedoen.events.v1.AdviceSent.advice_id":                        "an id",
	"meedoen.events.v1.AdviceSent.process_id":                       "an id",
	"meedoen.events.v1.ReportPublished.report_id":                   "an id",
	"meedoen.events.v1.ReportPublished.process_id":                  "an id",
	"meedoen.events.v1.ReportPublished.advice_id":                   "an id",
	"meedoen.events.v1.ReportPublished.content_hash":                "a SHA-256 hash in hex, computed by the service",
	"meedoen.events.v1.AdviceSent.addressees":                       "CBS codes",
	"meedoen.events.v1.AdviceSent.content_hash":                     "a SHA-256 hash in hex, computed by the service",
	"meedoen.events.v1.AdviceDrafted.advice_id":                     "an id; the advice's text stays in results",
	"meedoen.events.v1.AdviceDrafted.process_id":                    "an id",
	"meedoen.events.v1.AdviceAdopted.advice_id":                     "an id",
	"meedoen.events.v1.AdviceAdopted.process_id":                    "an id",
	"meedoen.events.v1.AdviceAcknowledged.advice_id":                "an id",
	"meedoen.events.v1.AdviceAcknowledged.process_id":               "an id",
	"meedoen.events.v1.AdviceAcknowledged.municipality_code":        "a CBS code",
	"meedoen.events.v1.ResponseRecorded.advice_id":                  "an id",
	"meedoen.events.v1.ResponseRecorded.process_id":                 "an id",
	"meedoen.events.v1.ResponseRecorded.municipality_code":          "a CBS code",
	"meedoen.events.v1.ResponseRecorded.verdict":                    "an enum's name; the motivation stays in results",
	"meedoen.events.v1.ResponseRecorded.decided_on":                 "a date",
	"meedoen.events.v1.ResponseRevisionRequested.advice_id":         "an id; the council's reason stays in results",
	"meedoen.events.v1.ResponseRevisionRequested.process_id":        "an id",
	"meedoen.events.v1.ResponseRevisionRequested.municipality_code": "a CBS code",
	"meedoen.events.v1.AdviceOverdue.advice_id":                     "an id",
	"meedoen.events.v1.AdviceOverdue.process_id":                    "an id",
	"meedoen.events.v1.AdviceOverdue.municipality_code":             "a CBS code",
	"meedoen.events.v1.AdviceOverdue.deadline":                      "a date",
	"meedoen.events.v1.PollOpened.poll_id":                          "an id",
	"meedoen.events.v1.PollOpened.process_id":                       "an id",
	"meedoen.events.v1.PollOpened.kind":                             "an enum's name",
	"meedoen.events.v1.PollOpened.participating_municipalities":     "CBS codes",
	"meedoen.events.v1.PollOpened.closes_at":                        "a time",
	"meedoen.events.v1.MunicipalityResponses.municipality_code":     "a CBS code",
	"meedoen.events.v1.PollClosed.poll_id":                          "an id",
	"meedoen.events.v1.PollClosed.process_id":                       "an id",
	"meedoen.events.v1.PollClosed.kind":                             "an enum's name",
	"meedoen.events.v1.PollCancelled.poll_id":                       "an id; the reason stays in surveys",
	"meedoen.events.v1.PollCancelled.process_id":                    "an id",
	"meedoen.events.v1.AnswerValue.question":                        "a question's key from the poll's definition",
	"meedoen.events.v1.AnswerValue.options":                         "option keys of the poll's definition; a submit with others is refused",
	"meedoen.events.v1.AnswerValue.matrix":                          "row and column keys of the poll's definition; a submit with others is refused",
	"meedoen.events.v1.AnswerValue.number":                          "a decimal, checked against the question's bounds",
	"meedoen.events.v1.ResponsesAccepted.poll_id":                   "an id",
	"meedoen.events.v1.ResponseAccepted.response_id":                "a random id that links to no invitation, cookie or person",
	"meedoen.events.v1.ResponseAccepted.poll_id":                    "an id",
	"meedoen.events.v1.ResponseAccepted.municipality_code":          "a CBS code; the postcode it was found from is dropped",
	"meedoen.events.v1.ResponseAccepted.attributes":                 "an age band and a neighbourhood code, both from closed lists (the submit and the tally keep no other value)",
	"meedoen.events.v1.PanelSizeChanged.municipality_code":          "a CBS code",
	"meedoen.events.v1.FeedbackDelivered.process_id":                "an id",
	"meedoen.events.v1.FeedbackDelivered.report_id":                 "an id",
	"meedoen.events.v1.FocusGroupFeedbackDelivered.process_id":      "an id",
	"meedoen.events.v1.FocusGroupFeedbackDelivered.report_id":       "an id",
}

// Every text an event can carry is listed in textFields with why it is
// no text a person typed. A free-text answer travels as has_text alone.
func TestEventsCarryNoTypedText(t *testing.T) {
	t.Parallel()
	var seen []protoreflect.FullName
	protoregistry.GlobalFiles.RangeFilesByPackage("meedoen.events.v1", func(f protoreflect.FileDescriptor) bool {
		for i := range f.Messages().Len() {
			fields := f.Messages().Get(i).Fields()
			for j := range fields.Len() {
				fd := fields.Get(j)
				if !holdsText(fd) {
					continue
				}
				seen = append(seen, fd.FullName())
				if _, ok := textFields[fd.FullName()]; !ok {
					t.Errorf("%s can hold text: say in textFields why it can never hold text a person typed, or carry an id, a code or has_text instead", fd.FullName())
				}
			}
		}
		return true
	})
	for name := range textFields {
		if !slices.Contains(seen, name) {
			t.Errorf("textFields lists %s, which is no text field of an event any more", name)
		}
	}
}

// holdsText reports whether fd can carry a string or bytes, alone, in a
// list or in a map.
func holdsText(fd protoreflect.FieldDescriptor) bool {
	if fd.IsMap() {
		return holdsText(fd.MapKey()) || holdsText(fd.MapValue())
	}
	return fd.Kind() == protoreflect.StringKind || fd.Kind() == protoreflect.BytesKind
}
