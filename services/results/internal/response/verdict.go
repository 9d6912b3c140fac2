package response

// Verdict is the executive's decision on one recommendation.
type Verdict string

// The verdicts.
const (
	Adopted          Verdict = "adopted"
	PartlyAdopted    Verdict = "partly_adopted"
	NotAdopted       Verdict = "not_adopted"
	ToBeInvestigated Verdict = "to_be_investigated"
)

// Verdicts lists the verdicts in the order they are shown.
var Verdicts = []Verdict{Adopted, PartlyAdopted, NotAdopted, ToBeInvestigated}

// Valid reports whether v is a verdict.
func (v Verdict) Valid() bool {
	switch v {
	case Adopted, PartlyAdopted, NotAdopted, ToBeInvestigated:
		return true
	}
	return false
}

// Answer is the decision on one recommendation.
type Answer struct {
	Recommendation int     `json:"recommendation"`
	Verdict        Verdict `json:"verdict"`
	Motivation     string  `json:"motivation"`
}

// Status is where a municipality's response is.
type Status string

// The statuses of a response.
const (
	Received          Status = "received"
	Acknowledged      Status = "acknowledged"
	Answered          Status = "answered"
	RevisionRequested Status = "revision_requested"
)
