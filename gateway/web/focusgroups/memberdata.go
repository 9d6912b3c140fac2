package focusgroups

import (
	"net/http"
	"net/url"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// A member for those who manage the group: what the service holds on
// them, their data as a file for an access request, and erasing it, which
// keeps what they counted for.

// memberDetailPage is the data of /focusgroepen/{id}/leden/{mid}.
type memberDetailPage struct {
	Group     groupHead
	Name      string
	Role      string
	KindKey   string
	Email     string
	Subject   string
	StatusKey string
	Joined    string
	Left      string
	Consent   string
	ConsentBy string
	ExportURL string
	RemoveURL string
	EraseURL  string
	Active    bool
	Erasable  bool
}

// staffMemberURL is a member's page for staff.
func staffMemberURL(groupID, memberID string) string {
	return groupURL(groupID) + "/leden/" + url.PathEscape(memberID)
}

// memberDetail serves GET /focusgroepen/{id}/leden/{mid}.
func (s *Pages) memberDetail(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	m, err := wk.api.GetFocusGroupMember(wk.Context(), &focusgroupsv1.GetFocusGroupMemberRequest{FocusGroupId: ld.g.GetId(), Id: wk.R.PathValue("mid")})
	if err != nil {
		return err
	}
	w := wk.Words
	name := m.GetName()
	if name == "" {
		name = w.Text("fg.member.unnamed")
	}
	wk.View.Title = w.Say("fg.memberpage.title", "name", name, "group", ld.head.Name)
	base := staffMemberURL(ld.g.GetId(), m.GetId())
	p := &memberDetailPage{
		Group: ld.head, Name: name, Role: ld.roles.label(m.GetRole()),
		KindKey:   enumKey("fg.kind.", m.GetKind().String(), "MEMBER_KIND_"),
		Email:     m.GetEmail(),
		Subject:   m.GetSubject(),
		StatusKey: enumKey("fg.memberStatus.", m.GetStatus().String(), "MEMBER_STATUS_"),
		Joined:    w.Moment(m.GetJoinTime()),
		Left:      w.Moment(m.GetLeaveTime()),
		ExportURL: base + "/gegevens",
		RemoveURL: base + "/verwijderen",
		EraseURL:  base + "/wissen",
		Active:    m.GetStatus() == focusgroupsv1.MemberStatus_MEMBER_STATUS_ACTIVE,
		Erasable:  m.GetStatus() != focusgroupsv1.MemberStatus_MEMBER_STATUS_ERASED,
	}
	if c := m.GetConsent(); c.GetMethod() != focusgroupsv1.ConsentMethod_CONSENT_METHOD_UNSPECIFIED {
		p.Consent = w.Say("fg.memberpage.consentGiven", "how", w.Text(enumKey("fg.consentHow.", c.GetMethod().String(), "CONSENT_METHOD_")), "when", w.Moment(c.GetTime()))
		p.ConsentBy = c.GetRecordedBy()
	}
	wk.Done("fg.done.", "gewist")
	wk.View.Page = p
	return nil
}

// exportMember serves GET /focusgroepen/{id}/leden/{mid}/gegevens: all the
// service holds on the member as a JSON file, for an access request.
func (s *Pages) exportMember(wk *work) error {
	ex, err := wk.api.ExportFocusGroupMember(wk.Context(), &focusgroupsv1.ExportFocusGroupMemberRequest{FocusGroupId: wk.R.PathValue("id"), Id: wk.R.PathValue("mid")})
	if err != nil {
		return err
	}
	b, err := protojson.MarshalOptions{Multiline: true, EmitUnpopulated: true}.Marshal(ex)
	if err != nil {
		return err
	}
	name := "focusgroeplid-" + ex.GetMember().GetId() + ".json"
	if !fileName.MatchString(name) {
		name = "focusgroeplid.json"
	}
	h := wk.W.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	// Personal data: no cache may keep a copy.
	h.Set("Cache-Control", "no-store")
	wk.W.WriteHeader(http.StatusOK)
	if wk.R.Method != http.MethodHead {
		_, _ = wk.W.Write(append(b, '\n'))
	}
	wk.Written = true
	return nil
}

// eraseForm serves GET /focusgroepen/{id}/leden/{mid}/wissen.
func (s *Pages) eraseForm(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	m, err := wk.api.GetFocusGroupMember(wk.Context(), &focusgroupsv1.GetFocusGroupMemberRequest{FocusGroupId: ld.g.GetId(), Id: wk.R.PathValue("mid")})
	if err != nil {
		return err
	}
	s.showConfirm(wk, ld, "fg.erase", m.GetName(), staffMemberURL(ld.g.GetId(), m.GetId())+"/wissen", nil, &kit.FormErrors{})
	wk.View.Page.(*confirmPage).BackURL = staffMemberURL(ld.g.GetId(), m.GetId())
	return nil
}

// erase serves POST /focusgroepen/{id}/leden/{mid}/wissen.
func (s *Pages) erase(wk *work) error {
	gid, mid := wk.R.PathValue("id"), wk.R.PathValue("mid")
	_, err := wk.api.EraseFocusGroupMember(wk.Context(), &focusgroupsv1.EraseFocusGroupMemberRequest{FocusGroupId: gid, Id: mid})
	if err != nil {
		return err
	}
	wk.Redirect = kit.WithDone(staffMemberURL(gid, mid), "gewist")
	return nil
}
