package api

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	"github.com/meedoen/meedoen/services/councils/internal/process"
)

// A process's polls reach the API with their form and status as enums and
// their answers per municipality in code order, the unknown municipality
// ("") first; an open poll has none yet.
func TestProcessPollsInTheAPI(t *testing.T) {
	t.Parallel()
	closes := time.Date(2026, 12, 21, 23, 0, 0, 0, time.UTC)
	got := []*councilsv1.ProcessPoll{
		processPollMsg(process.Poll{ID: "b", Form: process.Questionnaire, Status: process.PollClosed, ClosesAt: closes, Responses: 39,
			PerMunicipality: map[string]int{"GM0453": 20, "": 2, "GM0375": 17}}),
		processPollMsg(process.Poll{ID: "a", Form: process.FlashPoll, Status: process.PollOpen}),
	}
	want := []*councilsv1.ProcessPoll{
		{PollId: "b", Form: councilsv1.FormKind_FORM_KIND_QUESTIONNAIRE, Status: councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_CLOSED,
			CloseTime: timestamppb.New(closes), Responses: 39, ResponsesPerMunicipality: []*councilsv1.MunicipalityCount{
				{MunicipalityCode: "", Count: 2}, {MunicipalityCode: "GM0375", Count: 17}, {MunicipalityCode: "GM0453", Count: 20}}},
		{PollId: "a", Form: councilsv1.FormKind_FORM_KIND_FLASH_POLL, Status: councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_OPEN,
			ResponsesPerMunicipality: []*councilsv1.MunicipalityCount{}},
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("polls (-want +got):\n%s", diff)
	}
}
