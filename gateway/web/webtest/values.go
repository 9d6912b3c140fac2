package webtest

import (
	"crypto/sha256"
	"encoding/base64"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Token makes a token of the form invitation and panel tokens have from
// a name that says what it is for.
func Token(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// At is the time s, written in RFC 3339.
func At(s string) *timestamppb.Timestamp {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return timestamppb.New(t)
}

// Text is a text of the surveys service in Dutch and English.
func Text(nl, en string) *surveysv1.Text { return &surveysv1.Text{Nl: nl, En: en} }

// Option is a choice of a poll's question.
func Option(id, nl, en string) *surveysv1.Option {
	return &surveysv1.Option{Id: id, Label: Text(nl, en)}
}
