package gateway

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// jsonOf decodes a JSON document for comparison.
func jsonOf(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func TestAPIJSONWritesTheAPIsSpelling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		msg  proto.Message
		want string
	}{
		{
			name: "enum values lower case without their prefix, in lists too",
			msg: &councilsv1.Process{Id: "p1", Origin: councilsv1.Origin_ORIGIN_SOLICITED, Phase: councilsv1.Phase_PHASE_CHOOSE_FORMS,
				Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_FLASH_POLL, councilsv1.FormKind_FORM_KIND_VISIT},
				Scope: &councilsv1.Scope{Tenant: "GM0453"}, CreateTime: timestamppb.New(timestamppb.Now().AsTime().Truncate(1e9).UTC()),
				Polls: []*councilsv1.ProcessPoll{{PollId: "q1", Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, Status: councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_OPEN}}},
			want: `{"id": "p1", "questionId": "", "title": "", "theme": "", "origin": "solicited",
				"scope": {"tenant": "GM0453", "participatingMunicipalities": []}, "phase": "choose_forms",
				"preciseQuestion": "", "approach": "", "targetGroup": "", "forms": ["flash_poll", "visit"], "executedForms": [],
				"residentsReached": 0, "adviceSentTime": null, "reportPublishedTime": null, "nextGateUnmet": [],
				"createTime": "CREATED", "etag": "",
				"polls": [{"pollId": "q1", "form": "flash_poll", "status": "open", "closeTime": null, "responses": 0, "responsesPerMunicipality": []}]}`,
		},
		{
			name: "an enum that is not set is null, as an object that is not set",
			msg:  &surveysv1.Audience{},
			want: `{"kind": null, "municipalities": [], "neighbourhoods": [], "ageBands": [], "postcodeCheck": false}`,
		},
		{
			name: "64-bit counts are numbers",
			msg: &surveysv1.Breakdown{Attribute: "age_band", Value: "27-40", Responses: 38,
				Cells: []*surveysv1.BreakdownCell{{QuestionId: "q1", Cell: "a", Count: 9007199254740991}}},
			want: `{"attribute": "age_band", "value": "27-40", "responses": 38,
				"cells": [{"questionId": "q1", "row": "", "cell": "a", "count": 9007199254740991}]}`,
		},
		{
			name: "text is copied as it is",
			msg:  &councilsv1.Region{Id: "a\"b\\c\n<&>\u00e9\u2028", Name: "\x01"},
			want: `{"id": "a\"b\\c\n<&>\u00e9\u2028", "name": "\u0001", "createTime": null}`,
		},
	}
	m := newAPIJSON()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := m.Marshal(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			want := jsonOf(t, []byte(tt.want))
			if p, ok := tt.msg.(*councilsv1.Process); ok {
				want.(map[string]any)["createTime"] = p.GetCreateTime().AsTime().Format("2006-01-02T15:04:05Z")
			}
			if diff := cmp.Diff(want, jsonOf(t, b)); diff != "" {
				t.Errorf("Marshal (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPIJSONReadsTheAPIsSpelling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		into proto.Message
		want proto.Message
	}{
		{
			name: "enum values, in lists and nested messages",
			body: `{"origin": "unsolicited", "phase": "intake", "forms": ["opinion_bus", "other"], "scope": {"tenant": "ijmond"}}`,
			into: &councilsv1.Process{},
			want: &councilsv1.Process{Origin: councilsv1.Origin_ORIGIN_UNSOLICITED, Phase: councilsv1.Phase_PHASE_INTAKE,
				Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_OPINION_BUS, councilsv1.FormKind_FORM_KIND_OTHER},
				Scope: &councilsv1.Scope{Tenant: "ijmond"}},
		},
		{
			name: "null is not set",
			body: `{"kind": null, "title": null}`,
			into: &surveysv1.Poll{},
			want: &surveysv1.Poll{},
		},
		{
			name: "counts as numbers and as strings",
			body: `{"responses": 7, "cells": [{"count": "8"}]}`,
			into: &surveysv1.Breakdown{},
			want: &surveysv1.Breakdown{Responses: 7, Cells: []*surveysv1.BreakdownCell{{Count: 8}}},
		},
		{
			// A map's keys are not fields of its values' message.
			name: "maps of messages",
			body: `{"answers": {"value": {"choice": "a"}, "q2": {"ranks": {"x": 1}, "rows": {"r": "c"}}}}`,
			into: &surveysv1.SubmitResponseRequest{},
			want: &surveysv1.SubmitResponseRequest{Answers: map[string]*surveysv1.Answer{
				"value": {Choice: "a"}, "q2": {Ranks: map[string]int32{"x": 1}, Rows: map[string]string{"r": "c"}}}},
		},
		{
			name: "proto names of members, as protojson reads them",
			body: `{"to_phase": "analyse"}`,
			into: &councilsv1.TransitionProcessRequest{},
			want: &councilsv1.TransitionProcessRequest{ToPhase: councilsv1.Phase_PHASE_ANALYSE},
		},
	}
	m := newAPIJSON()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := m.NewDecoder(strings.NewReader(tt.body)).Decode(tt.into); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.into, protocmp.Transform()); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPIJSONDecodesIntoAFieldOfTheRequest(t *testing.T) {
	t.Parallel()
	// grpc-gateway decodes a body bound to a field into a pointer to it.
	var req councilsv1.UpdateProcessRequest
	if err := newAPIJSON().NewDecoder(strings.NewReader(`{"forms": ["visit"]}`)).Decode(&req.Process); err != nil {
		t.Fatal(err)
	}
	want := &councilsv1.Process{Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_VISIT}}
	if diff := cmp.Diff(want, req.GetProcess(), protocmp.Transform()); diff != "" {
		t.Errorf("Decode (-want +got):\n%s", diff)
	}
}

func TestAPIJSONRefusesWhatTheAPIDoesNotSpell(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		into proto.Message
		want bodyError
	}{
		{
			name: "a proto name",
			body: `{"origin": "ORIGIN_SOLICITED"}`, into: &councilsv1.Process{},
			want: bodyError{pointer: "/origin", reason: "must be one of solicited or unsolicited"},
		},
		{
			name: "the unspecified value by its name",
			body: `{"kind": "unspecified"}`, into: &surveysv1.Poll{},
			want: bodyError{pointer: "/kind", reason: "must be one of flash_poll or questionnaire"},
		},
		{
			name: "a number",
			body: `{"forms": ["visit", 2]}`, into: &councilsv1.Process{},
			want: bodyError{pointer: "/forms/1", reason: "must be one of focus_group, flash_poll, questionnaire, mirror_conversation, opinion_bus, neighbourhood_shop, visit or other"},
		},
		{
			name: "deep in a poll",
			body: `{"sections": [{"id": "s1", "questions": [{"id": "q1", "type": "QUESTION_TYPE_LIKERT"}]}]}`, into: &surveysv1.Poll{},
			want: bodyError{pointer: "/sections/0/questions/0/type",
				reason: "must be one of single_choice, multiple_choice, likert, scale, ranking, matrix, number, short_text or long_text"},
		},
		{
			// The error protojson gives about the rewritten body still
			// names the member the client sent.
			name: "an unknown member after a rewritten value",
			body: "{\n  \"forms\": [\"neighbourhood_shop\"],\n  \"colour\": \"blue\"}", into: &councilsv1.Process{},
			want: bodyError{pointer: "/colour", reason: `unknown field "colour"`},
		},
		{
			name: "a value of the wrong type after a rewritten one",
			body: `{"phase": "advise", "residentsReached": "many"}`, into: &councilsv1.Process{},
			want: bodyError{pointer: "/residentsReached", reason: `invalid value for int32 field residentsReached: "many"`},
		},
	}
	m := newAPIJSON()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := m.NewDecoder(strings.NewReader(tt.body)).Decode(tt.into)
			var got *bodyError
			if !errors.As(err, &got) {
				t.Fatalf("Decode = %v, want a bodyError", err)
			}
			if diff := cmp.Diff(tt.want, *got, cmp.AllowUnexported(bodyError{})); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			// What grpc-gateway makes of it reads back as the same member.
			_, params := decodeProblem(err.Error(), []byte(tt.body))
			if len(params) != 1 || params[0].Name != tt.want.pointer {
				t.Errorf("decodeProblem names %v, want %s", params, tt.want.pointer)
			}
		})
	}
}

func TestQueryParserReadsTheAPIsSpellingAndChecksLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		query   string
		into    proto.Message
		want    proto.Message
		wantErr string
	}{
		{
			name: "an enum filter", query: "status=draft&limit=100", into: &surveysv1.ListPollsRequest{},
			want: &surveysv1.ListPollsRequest{Status: surveysv1.PollStatus_POLL_STATUS_DRAFT, Limit: 100},
		},
		{
			name: "two enum filters", query: "origin=solicited&phase=feedback&limit=1", into: &councilsv1.ListProcessesRequest{},
			want: &councilsv1.ListProcessesRequest{Origin: councilsv1.Origin_ORIGIN_SOLICITED, Phase: councilsv1.Phase_PHASE_FEEDBACK, Limit: 1},
		},
		{
			name: "a proto name of a value", query: "status=POLL_STATUS_DRAFT", into: &surveysv1.ListPollsRequest{},
			wantErr: `parsing field "status": must be one of draft, scheduled, open, closed or cancelled`,
		},
		{
			name: "a number", query: "origin=1", into: &councilsv1.ListQuestionsRequest{},
			wantErr: `parsing field "origin": must be one of solicited or unsolicited`,
		},
		{name: "a limit of 0", query: "limit=0", into: &councilsv1.ListRegionsRequest{}, wantErr: `parsing field "limit": must be between 1 and 100`},
		{name: "a limit of 101", query: "limit=101", into: &councilsv1.ListRegionsRequest{}, wantErr: `parsing field "limit": must be between 1 and 100`},
		{name: "a negative limit", query: "limit=-5", into: &councilsv1.ListRegionsRequest{}, wantErr: `parsing field "limit": must be between 1 and 100`},
		{name: "a limit that is no number", query: "limit=ten", into: &councilsv1.ListRegionsRequest{}, wantErr: `parsing field "limit": must be between 1 and 100`},
		{name: "a limit too large for int32", query: "limit=4294967297", into: &councilsv1.ListRegionsRequest{}, wantErr: `parsing field "limit": must be between 1 and 100`},
		{
			// textLimit is not a page size: the service checks its range.
			name: "a limit of something else", query: "textLimit=0", into: &surveysv1.GetTallyRequest{},
			want: &surveysv1.GetTallyRequest{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			values, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			err = (&queryParser{}).Parse(tt.into, values, utilities.NewDoubleArray(nil))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse = %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.into, protocmp.Transform()); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzAPIJSON: whatever body the API's JSON takes, it writes back as JSON
// that it takes again as the same message, so a client can send back what
// it read; and it never fails otherwise than by refusing.
func FuzzAPIJSON(f *testing.F) {
	for _, seed := range []string{
		`{"origin": "unsolicited", "phase": "intake", "forms": ["opinion_bus", "other"], "scope": {"tenant": "ijmond"}}`,
		`{"kind": "flash_poll", "title": {"nl": "T"}, "sections": [{"id": "s1", "questions": [{"id": "q1", "type": "likert"}]}], "audience": {"kind": null}}`,
		`{"forms": ["FORM_KIND_VISIT"]}`,
		`{"phase": 3}`,
		`{"to_phase": "analyse", "residentsReached": "12"}`,
		`{"audience": {"kind": "open_link", "ageBands": ["76+"]}, "opensAt": "2026-01-02T03:04:05Z"}`,
	} {
		f.Add(uint8(0), []byte(seed))
		f.Add(uint8(1), []byte(seed))
	}
	m := newAPIJSON()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		newMsg := func() proto.Message {
			if which%2 == 0 {
				return &councilsv1.Process{}
			}
			return &surveysv1.Poll{}
		}
		if !json.Valid(body) {
			return // readBody refuses it before the marshaler sees it
		}
		msg := newMsg()
		if err := m.Unmarshal(body, msg); err != nil {
			return
		}
		out, err := m.Marshal(msg)
		if err != nil {
			t.Fatalf("writing what was read: %v", err)
		}
		again := newMsg()
		if err := m.Unmarshal(out, again); err != nil {
			t.Fatalf("the API's own JSON is refused: %v\n%s", err, out)
		}
		if !proto.Equal(msg, again) {
			t.Fatalf("read back differently:\n%s\n%v\n%v", out, msg, again)
		}
	})
}
