package focusgroups_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups"
)

// When the results service publishes a process's report, every member of
// its focus groups who is still a member and has an address is mailed
// once, linking the public results page; the count comes back as
// feedback.delivered on the focus groups' stream. A member who left and
// one who was erased are not mailed; the same event delivered again, and
// a second event about the same report, mail nobody.
func TestMembersHearWhatCameOfTheirInput(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	processID := s.heemskerkProcess(t)
	member := as("GM0396", auth.CouncilMember)
	var g *pb.FocusGroup
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		var err error
		g, err = s.staff.CreateFocusGroup(member, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: processID,
			Name: "Mantelzorg in Heemskerk", Seats: []*pb.SeatGroup{{Roles: []string{"client"}, Seats: 6}}}})
		return err // until the process's events have reached the service
	})
	ids := map[string]string{}
	for _, p := range []struct{ name, email, language string }{
		{"Ans de Vries", "ans@heemskerk.example", "nl"},
		{"John Smith", "john@heemskerk.example", "en"},
		{"Henk Smit", "henk@heemskerk.example", "nl"},
		{"Kees Bakker", "kees@heemskerk.example", "nl"},
	} {
		m := ok(s.staff.AddFocusGroupMember(member, &pb.AddFocusGroupMemberRequest{FocusGroupId: g.GetId(), Member: &pb.GroupMember{
			Kind: pb.MemberKind_MEMBER_KIND_RESIDENT, Role: "client", Name: p.name, Email: p.email, Language: p.language,
			Consent: &pb.Consent{Method: pb.ConsentMethod_CONSENT_METHOD_PAPER_FORM, Time: timestamppb.Now()}}}))(t)
		ids[p.name] = m.GetId()
	}
	ok(s.staff.RemoveFocusGroupMember(member, &pb.RemoveFocusGroupMemberRequest{FocusGroupId: g.GetId(), Id: ids["Henk Smit"]}))(t)
	ok(s.staff.EraseFocusGroupMember(member, &pb.EraseFocusGroupMemberRequest{FocusGroupId: g.GetId(), Id: ids["Kees Bakker"]}))(t)

	delivered := watchDelivered(t, s.js)
	const reportID = "01957a3c-2b1e-7c00-8000-0000000000e1"
	ev, err := events.New(ctx, "GM0396", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: processID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.js.PublishMsg(ctx, ev.Msg()); err != nil {
		t.Fatal(err)
	}
	var got []*eventsv1.FocusGroupFeedbackDelivered
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		if got = delivered(); len(got) == 0 {
			return errors.New("no feedback.delivered event yet")
		}
		return nil
	})
	want := []*eventsv1.FocusGroupFeedbackDelivered{{ProcessId: processID, ReportId: reportID, Delivered: 2}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("feedback.delivered (-want +got):\n%s", diff)
	}
	page := "https://meedoen.example/resultaten/" + processID
	reports := func(address string) []string {
		var out []string
		for _, m := range s.mail.to(address) {
			if strings.Contains(m.Text, "/resultaten/") {
				out = append(out, m.Text)
			}
		}
		return out
	}
	if r := reports("ans@heemskerk.example"); len(r) != 1 || !strings.Contains(r[0], page+"\n") {
		t.Errorf("Ans got %d report mails, want 1 linking %s: %q", len(r), page, r)
	}
	if r := reports("john@heemskerk.example"); len(r) != 1 || !strings.Contains(r[0], page+"?lang=en") {
		t.Errorf("John got %d report mails, want 1 linking %s?lang=en: %q", len(r), page, r)
	}
	if r := reports("henk@heemskerk.example"); len(r) != 0 {
		t.Errorf("Henk, who left, got %d report mails", len(r))
	}
	if r := reports("kees@heemskerk.example"); len(r) != 0 {
		t.Errorf("Kees, who was erased, got %d report mails", len(r))
	}

	// The same event again, past JetStream's duplicate window (another
	// message id), and a second event about the same report.
	again := ev.Msg()
	again.Header["Nats-Msg-Id"] = []string{"again-" + ev.ID}
	if _, err := s.js.PublishMsg(ctx, again); err != nil {
		t.Fatal(err)
	}
	other, err := events.New(ctx, "GM0396", reportID, &eventsv1.ReportPublished{ReportId: reportID, ProcessId: processID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.js.PublishMsg(ctx, other.Msg()); err != nil {
		t.Fatal(err)
	}
	testkit.CheckFor(t, 15*time.Second, 20*time.Millisecond, func() error {
		c, err := s.js.Consumer(ctx, events.StreamName("results"), focusgroups.Name+"-feedback")
		if err != nil {
			return err
		}
		info, err := c.Info(ctx)
		if err != nil {
			return err
		}
		if info.AckFloor.Stream < 3 {
			return fmt.Errorf("the feedback consumer acknowledged up to %d of 3", info.AckFloor.Stream)
		}
		return nil
	})
	if n := len(reports("ans@heemskerk.example")) + len(reports("john@heemskerk.example")); n != 2 {
		t.Errorf("after redelivery %d report mails were sent, want 2", n)
	}
	if got := delivered(); len(got) != 1 {
		t.Errorf("after redelivery %d feedback.delivered events, want 1", len(got))
	}
}

// watchDelivered collects the focus groups service's feedback.delivered
// events; the function it returns lists those seen so far.
func watchDelivered(t *testing.T, js jetstream.JetStream) func() []*eventsv1.FocusGroupFeedbackDelivered {
	t.Helper()
	ctx := context.Background()
	c, err := js.OrderedConsumer(ctx, events.StreamName(focusgroups.Name), jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{"meedoen.focusgroups.*.feedback.delivered"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []*eventsv1.FocusGroupFeedbackDelivered
	cc, err := c.Consume(func(m jetstream.Msg) {
		ev, err := events.FromMsg(m.Subject(), m.Headers(), m.Data())
		msg := &eventsv1.FocusGroupFeedbackDelivered{}
		if err == nil {
			err = ev.Decode(msg)
		}
		if err != nil {
			t.Errorf("feedback.delivered: %v", err)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cc.Stop)
	return func() []*eventsv1.FocusGroupFeedbackDelivered {
		mu.Lock()
		defer mu.Unlock()
		return append([]*eventsv1.FocusGroupFeedbackDelivered(nil), seen...)
	}
}
