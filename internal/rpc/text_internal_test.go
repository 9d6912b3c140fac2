package rpc

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/textcheck"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestTextViolationsNameEveryBadString(t *testing.T) {
	t.Parallel()
	const nul, utf8 = textcheck.ReasonNUL, textcheck.ReasonUTF8
	tests := []struct {
		name string
		msg  proto.Message
		want errs.Violations
	}{
		{
			name: "a clean request",
			msg: &surveysv1.SubmitResponseRequest{
				Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{Slug: "minima-ijmond", RespondentId: "r-1"}},
				Answers:    map[string]*surveysv1.Answer{"q1": {Text: "Zoë fietst 🚲"}, "q2": {Rows: map[string]string{"a": "goed"}}},
			},
		},
		{
			name: "a top-level field, by its JSON name",
			msg:  &surveysv1.SubmitResponseRequest{IdempotencyKey: "abc\x00", FeedbackEmail: "jan@velsen.example"},
			want: errs.Violations{{Path: "/idempotencyKey", Reason: nul}},
		},
		{
			name: "a field of a oneof's message",
			msg: &surveysv1.SubmitResponseRequest{
				Respondent: &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{Slug: "minima-ijmond", MunicipalityCode: "GM\xff453"}},
			},
			want: errs.Violations{{Path: "/openLink/municipalityCode", Reason: utf8}},
		},
		{
			name: "map values, their lists and their maps",
			msg: &surveysv1.SubmitResponseRequest{Answers: map[string]*surveysv1.Answer{
				"q1": {Text: "a\x00"},
				"q2": {Choices: []string{"ok", "b\xc3"}},
				"q3": {Rows: map[string]string{"row": "\x00"}},
				"q4": {Other: "fine"},
			}},
			want: errs.Violations{
				{Path: "/answers/q1/text", Reason: nul},
				{Path: "/answers/q2/choices/1", Reason: utf8},
				{Path: "/answers/q3/rows/row", Reason: nul},
			},
		},
		{
			name: "a bad map key, made printable",
			msg:  &surveysv1.SubmitResponseRequest{Answers: map[string]*surveysv1.Answer{"q\xff": {Text: "x"}, "q\x00": {}}},
			want: errs.Violations{{Path: "/answers/q\x00", Reason: nul}, {Path: "/answers/q\uFFFD", Reason: utf8}},
		},
		{
			name: "a list of messages",
			msg: &surveysv1.CreateInvitationsRequest{PollId: "p", Invitees: []*surveysv1.Invitee{
				{MunicipalityCode: "GM0453"}, {PanelMemberId: "\x00"},
			}},
			want: errs.Violations{{Path: "/invitees/1/panelMemberId", Reason: nul}},
		},
		{
			name: "deep nesting",
			msg: &surveysv1.CreatePollRequest{Poll: &surveysv1.Poll{Sections: []*surveysv1.Section{{Questions: []*surveysv1.Question{
				{Text: &surveysv1.Text{Nl: "Vraag", En: "Question\x00"}},
			}}}}},
			want: errs.Violations{{Path: "/poll/sections/0/questions/0/text/en", Reason: nul}},
		},
		{
			name: "pointer tokens are escaped",
			msg:  &surveysv1.SubmitResponseRequest{Answers: map[string]*surveysv1.Answer{"a/b~c": {Text: "\x00"}}},
			want: errs.Violations{{Path: "/answers/a~1b~0c/text", Reason: nul}},
		},
		{
			name: "bytes are not text",
			msg:  &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453", Csv: []byte("email\x00\xff\n")},
		},
		{
			name: "well-known types are walked like any message",
			// structpb.NewStruct would refuse the invalid UTF-8 itself.
			msg: &structpb.Struct{Fields: map[string]*structpb.Value{
				"list":   structpb.NewListValue(&structpb.ListValue{Values: []*structpb.Value{structpb.NewStringValue("ok"), structpb.NewStringValue("a\x00")}}),
				"nested": structpb.NewStructValue(&structpb.Struct{Fields: map[string]*structpb.Value{"k": structpb.NewStringValue("\xff")}}),
			}},
			want: errs.Violations{
				{Path: "/fields/list/listValue/values/1/stringValue", Reason: nul},
				{Path: "/fields/nested/structValue/fields/k/stringValue", Reason: utf8},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := textViolations(tt.msg.ProtoReflect())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextViolationsAreBounded(t *testing.T) {
	t.Parallel()
	req := &surveysv1.SubmitResponseRequest{Answers: map[string]*surveysv1.Answer{}}
	for i := range 3 * maxTextViolations {
		req.Answers[strings.Repeat("q", i+1)] = &surveysv1.Answer{Text: "\x00"}
	}
	if got := len(textViolations(req.ProtoReflect())); got != maxTextViolations {
		t.Errorf("%d violations, want at most %d", got, maxTextViolations)
	}
}

func TestCheckTextPassesWhatIsNoMessage(t *testing.T) {
	t.Parallel()
	if err := checkText("a\x00"); err != nil {
		t.Errorf("checkText(string) = %v, want nil", err)
	}
}

// BenchmarkCheckText measures the check on a resident's answer, the
// busiest call: a clean request must cost no allocations for paths.
func BenchmarkCheckText(b *testing.B) {
	req := &surveysv1.SubmitResponseRequest{
		Respondent:     &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{Slug: "minima-ijmond", RespondentId: "0190f0e0-0000-7000-8000-000000000000", MunicipalityCode: "GM0453"}},
		IdempotencyKey: "Zm9vYmFyYmF6cXV4cXV1eA",
		Answers: map[string]*surveysv1.Answer{
			"q1": {Choice: "bus"}, "q2": {Value: "2,5"}, "q3": {Choices: []string{"optijd", "prijs"}},
			"q6": {Ranks: map[string]int32{"tijd": 1, "prijs": 2}}, "q7": {Rows: map[string]string{"chauffeur": "goed"}},
			"q8": {Text: "Een bankje bij de halte, en graag wat meer schaduw in de zomer."},
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := checkText(req); err != nil {
			b.Fatal(err)
		}
	}
}
