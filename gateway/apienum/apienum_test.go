package apienum

import (
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	_ "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	_ "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, enum, value, want string
	}{
		{name: "one word", enum: "Origin", value: "ORIGIN_SOLICITED", want: "solicited"},
		{name: "two words in the value", enum: "FormKind", value: "FORM_KIND_FLASH_POLL", want: "flash_poll"},
		{name: "three words in the name", enum: "PanelMemberStatus", value: "PANEL_MEMBER_STATUS_ACTIVE", want: "active"},
		{name: "an acronym", enum: "HTTPStatus", value: "HTTP_STATUS_NOT_FOUND", want: "not_found"},
		{name: "a digit", enum: "Level2Kind", value: "LEVEL2_KIND_A", want: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Name(tt.enum, tt.value)
			if err != nil || got != tt.want {
				t.Errorf("Name(%q, %q) = %q, %v; want %q", tt.enum, tt.value, got, err, tt.want)
			}
		})
	}
}

func TestNameRefusesValuesWithoutThePrefix(t *testing.T) {
	t.Parallel()
	for _, value := range []string{"SOLICITED", "ORIGIN_", "ORIGINAL"} {
		if got, err := Name("Origin", value); err == nil {
			t.Errorf("Name(Origin, %q) = %q, want an error", value, got)
		}
	}
}

// Every enum of Meedoen's protos can be spelled: a new one that breaks the
// rule fails here before the gateway or the document meets it.
func TestEveryEnumOfTheProtosHasItsPrefix(t *testing.T) {
	t.Parallel()
	n := 0
	protoregistry.GlobalFiles.RangeFiles(func(f protoreflect.FileDescriptor) bool {
		if f.Package().Parent() == "" || f.Package().Parent().Parent() != "meedoen" {
			return true
		}
		var check func(enums protoreflect.EnumDescriptors, msgs protoreflect.MessageDescriptors)
		check = func(enums protoreflect.EnumDescriptors, msgs protoreflect.MessageDescriptors) {
			for i := range enums.Len() {
				e := enums.Get(i)
				seen := map[string]string{}
				for j := range e.Values().Len() {
					v := e.Values().Get(j)
					name, err := Name(string(e.Name()), string(v.Name()))
					if err != nil {
						t.Error(err)
						continue
					}
					if other, ok := seen[name]; ok {
						t.Errorf("%s: %s and %s are both spelled %q", e.FullName(), other, v.Name(), name)
					}
					seen[name] = string(v.Name())
					n++
				}
			}
			for i := range msgs.Len() {
				check(msgs.Get(i).Enums(), msgs.Get(i).Messages())
			}
		}
		check(f.Enums(), f.Messages())
		return true
	})
	if n == 0 {
		t.Fatal("found no enum values: the proto packages are not registered")
	}
}
