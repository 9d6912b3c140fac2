package main

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/nlgov"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// demoFocusGroupProcess is the demo question whose process gets a focus
// group: Velsen's home-help waiting times, which a council member of
// Velsen (dev-velsen-council-member) organises.
const demoFocusGroupProcess = "Wachttijden bij huishoudelijke hulp"

// loadDemoFocusGroups gives the demo a focus group to look at: seats per
// role, four residents added with their consent recorded in person, the
// council member and the policy officer of the demo logins, two sessions
// (one at the town hall, one hybrid) and a few answers, one of them on a
// waitlist. It does nothing when focus groups exist.
//
// The focus groups service learns of processes from the councils' events,
// so a process made a moment ago may not be known to it yet: the loader
// waits for it, up to a minute.
func loadDemoFocusGroups(ctx context.Context, client focusgroupsv1.FocusGroupsServiceClient, processes map[string]string, now time.Time) (int, error) {
	existing, err := client.ListFocusGroups(ctx, &focusgroupsv1.ListFocusGroupsRequest{Limit: 1})
	if err != nil {
		return 0, fmt.Errorf("demo focus groups: %w", err)
	}
	processID := processes[demoFocusGroupProcess]
	if len(existing.GetFocusGroups()) > 0 || processID == "" {
		return 0, nil
	}
	spec := &focusgroupsv1.FocusGroup{
		ProcessId:       processID,
		Name:            "Wachten op huishoudelijke hulp",
		Purpose:         "Horen van inwoners die wachten of wachtten op huishoudelijke hulp, en van hun mantelzorgers: wat maakt het wachten zwaar, en wat helpt?",
		PlannedSessions: 2,
		Seats: []*focusgroupsv1.SeatGroup{
			{Roles: []string{"client", "experience_expert"}, Seats: 4},
			{Roles: []string{"informal_carer"}, Seats: 1},
			{Roles: []string{"key_figure"}, Seats: 2},
			{Roles: []string{"council_member"}, Seats: 1},
			{Roles: []string{"policy_officer"}, Seats: 1},
		},
		TotalSeats:    9,
		ReminderHours: 48,
		Organisers:    []string{"dev-velsen-council-member"},
	}
	var g *focusgroupsv1.FocusGroup
	deadline := time.Now().Add(time.Minute)
	for {
		g, err = client.CreateFocusGroup(ctx, &focusgroupsv1.CreateFocusGroupRequest{FocusGroup: spec})
		if err == nil {
			break
		}
		// An unknown process is refused as bad input naming processId.
		if status.Code(err) != codes.InvalidArgument || time.Now().After(deadline) {
			return 0, fmt.Errorf("demo focus group: %w", err)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	created := 1
	// The residents said yes at the information evening last week.
	consented := timestamppb.New(now.AddDate(0, 0, -7).Truncate(time.Hour))
	members := []*focusgroupsv1.GroupMember{
		{Kind: focusgroupsv1.MemberKind_MEMBER_KIND_STAFF, Role: "council_member", Name: "Anouk de Vries", Subject: "dev-velsen-council-member", Email: "anouk.devries@participatieraad-velsen.example"},
		{Kind: focusgroupsv1.MemberKind_MEMBER_KIND_STAFF, Role: "policy_officer", Name: "Joost Visser", Subject: "dev-velsen-policy-officer", Email: "joost.visser@velsen.example"},
		{Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: "client", Name: "Joke Visser", Email: "joke.visser@example.org", Language: "nl", Consent: &focusgroupsv1.Consent{Method: focusgroupsv1.ConsentMethod_CONSENT_METHOD_IN_PERSON, Time: consented}},
		{Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: "experience_expert", Name: "Bram de Wit", Email: "bram.dewit@example.org", Language: "nl", Consent: &focusgroupsv1.Consent{Method: focusgroupsv1.ConsentMethod_CONSENT_METHOD_PHONE, Time: consented}},
		{Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: "informal_carer", Name: "Samira Haddou", Email: "samira.haddou@example.org", Language: "nl", Consent: &focusgroupsv1.Consent{Method: focusgroupsv1.ConsentMethod_CONSENT_METHOD_IN_PERSON, Time: consented}},
		{Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: "informal_carer", Name: "Kees Smit", Email: "kees.smit@example.org", Language: "en", Consent: &focusgroupsv1.Consent{Method: focusgroupsv1.ConsentMethod_CONSENT_METHOD_PAPER_FORM, Time: consented}},
	}
	ids := make([]string, 0, len(members))
	for _, m := range members {
		added, err := client.AddFocusGroupMember(ctx, &focusgroupsv1.AddFocusGroupMemberRequest{FocusGroupId: g.GetId(), Member: m})
		if err != nil {
			return created, fmt.Errorf("demo focus group member %s: %w", m.GetRole(), err)
		}
		created++
		ids = append(ids, added.GetId())
	}
	// Tuesday evenings, two and five weeks from now, in Velsen's time.
	day := nextWeekday(now.In(nlgov.Amsterdam()), time.Tuesday).AddDate(0, 0, 14)
	at := func(d time.Time, hour, minute int) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, nlgov.Amsterdam()))
	}
	second := day.AddDate(0, 0, 21)
	sessions := []*focusgroupsv1.Session{
		{
			StartTime: at(day, 19, 30), EndTime: at(day, 21, 30),
			Place:  &focusgroupsv1.Place{Address: "Stadhuis Velsen, Dudokplein 1, 1971 EN IJmuiden", Accessibility: "Ingang met hellingbaan aan de voorkant; lift naar de eerste verdieping; invalidentoilet."},
			Agenda: "Kennismaken. Hoe lang wachtte je, en hoe ging dat? Wat hielp in die tijd, en wat had je gemist?",
		},
		{
			StartTime: at(second, 19, 30), EndTime: at(second, 21, 0),
			Place:     &focusgroupsv1.Place{Address: "Stadhuis Velsen, Dudokplein 1, 1971 EN IJmuiden", Accessibility: "Ingang met hellingbaan aan de voorkant; lift naar de eerste verdieping; invalidentoilet."},
			OnlineUrl: "https://meet.velsen.example/wachten-op-hulp",
			Agenda:    "De bevindingen van de eerste bijeenkomst: kloppen ze? Wat geven we de gemeente mee?",
		},
	}
	var first string
	for _, s := range sessions {
		got, err := client.ScheduleSession(ctx, &focusgroupsv1.ScheduleSessionRequest{FocusGroupId: g.GetId(), Session: s})
		if err != nil {
			return created, fmt.Errorf("demo focus group session: %w", err)
		}
		created++
		if first == "" {
			first = got.GetId()
		}
	}
	// Both informal carers say yes to the first session, which has one
	// carer's seat: the second is on the waitlist.
	for i, answer := range []focusgroupsv1.RsvpAnswer{
		focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES,
		focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_MAYBE,
		focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES, focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES,
	} {
		rsvp := &focusgroupsv1.Rsvp{MemberId: ids[i], Answer: answer}
		if i == 2 {
			rsvp.AccessNeeds = []focusgroupsv1.AccessNeed{focusgroupsv1.AccessNeed_ACCESS_NEED_WHEELCHAIR}
		}
		if _, err := client.SetRsvp(ctx, &focusgroupsv1.SetRsvpRequest{FocusGroupId: g.GetId(), SessionId: first, Rsvp: rsvp}); err != nil {
			return created, fmt.Errorf("demo focus group answer: %w", err)
		}
		created++
	}
	return created, nil
}

// nextWeekday returns the first day after t that is a wd.
func nextWeekday(t time.Time, wd time.Weekday) time.Time {
	d := t.AddDate(0, 0, 1)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
