package update

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/internal/errs"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

func TestRead(t *testing.T) {
	t.Parallel()
	process := (&councilsv1.Process{}).ProtoReflect().Descriptor()
	changeable := []string{"precise_question", "approach", "target_group", "forms"}
	invalid := func(fields ...errs.Field) error {
		return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: fields}
	}
	const canChange = "cannot be changed; an update may change preciseQuestion, approach, targetGroup, forms"
	tests := []struct {
		name    string
		mask    *fieldmaskpb.FieldMask
		want    Fields
		wantErr error
	}{
		{"no mask names every changeable field", nil,
			Fields{"precise_question": true, "approach": true, "target_group": true, "forms": true}, nil},
		{"an empty mask changes nothing", &fieldmaskpb.FieldMask{}, Fields{}, nil},
		{"an empty path, as updateMask= arrives, changes nothing", &fieldmaskpb.FieldMask{Paths: []string{""}}, Fields{}, nil},
		{"proto names", &fieldmaskpb.FieldMask{Paths: []string{"target_group", "forms"}},
			Fields{"target_group": true, "forms": true}, nil},
		{"JSON names", &fieldmaskpb.FieldMask{Paths: []string{"targetGroup", "preciseQuestion"}},
			Fields{"target_group": true, "precise_question": true}, nil},
		{"an output-only field is named as in the body", &fieldmaskpb.FieldMask{Paths: []string{"approach", "title", "phase"}}, nil,
			invalid(errs.Field{Path: "/title", Reason: canChange}, errs.Field{Path: "/phase", Reason: canChange})},
		{"an unknown field and a nested path name the path", &fieldmaskpb.FieldMask{Paths: []string{"colour", "title.nl"}}, nil,
			invalid(
				errs.Field{Path: "/updateMask/paths/0", Reason: `"colour" is not a field of Process`},
				errs.Field{Path: "/updateMask/paths/1", Reason: `"title.nl" names part of a field; name top-level fields, which change whole`})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Read(tt.mask, process, changeable...)
			if diff := cmp.Diff(tt.wantErr, err); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}
