// Package update reads the update mask of an Update method the same way
// in every service (proto/README.md has the convention): the mask names
// top-level fields of the resource, each changed whole, and the fields it
// leaves out stay as they are.
//
// The gateway turns a REST PATCH, a JSON merge patch, into the merged
// resource and a mask of the fields the patch changed; gRPC callers that
// send whole forms may leave the mask out.
package update

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/internal/errs"
)

// Fields are the fields of a resource an update changes, by their proto
// names (precise_question).
type Fields map[string]bool

// Has reports whether the update changes the field with proto name name.
func (f Fields) Has(name string) bool { return f[name] }

// None reports whether the update changes nothing.
func (f Fields) None() bool { return len(f) == 0 }

// Read returns the fields mask names among changeable, the proto names of
// the fields of resource that an update may change.
//
//   - No mask (nil) names every changeable field: what a full form sends.
//   - A path is a proto name (target_group) or a JSON name (targetGroup).
//     Empty paths are skipped, so a mask of no paths, or of only an empty
//     one (which is how "updateMask=" reaches a service over REST),
//     changes nothing: the method still checks the caller and the
//     expected version, and answers the resource as it is.
//   - A path to a field that exists but cannot change (output only, or
//     fixed at creation) is Invalid naming the field ("/status"); a nested
//     path or one that names no field is Invalid naming the path. Every
//     problem is reported at once.
func Read(mask *fieldmaskpb.FieldMask, resource protoreflect.MessageDescriptor, changeable ...string) (Fields, error) {
	fields := Fields{}
	if mask == nil {
		for _, name := range changeable {
			fields[name] = true
		}
		return fields, nil
	}
	allowed := map[string]bool{}
	var jsonNames []string
	for _, name := range changeable {
		allowed[name] = true
		if f := resource.Fields().ByName(protoreflect.Name(name)); f != nil {
			jsonNames = append(jsonNames, f.JSONName())
		}
	}
	var v errs.Violations
	for i, path := range mask.GetPaths() {
		path = strings.TrimSpace(path)
		at := fmt.Sprintf("/updateMask/paths/%d", i)
		switch {
		case path == "":
			continue
		case strings.Contains(path, "."):
			v.Add(at, fmt.Sprintf("%q names part of a field; name top-level fields, which change whole", path))
			continue
		}
		f := resource.Fields().ByName(protoreflect.Name(path))
		if f == nil {
			f = resource.Fields().ByJSONName(path)
		}
		switch {
		case f == nil:
			v.Add(at, fmt.Sprintf("%q is not a field of %s", path, resource.Name()))
		case !allowed[string(f.Name())]:
			v.Add("/"+f.JSONName(), "cannot be changed; an update may change "+strings.Join(jsonNames, ", "))
		default:
			fields[string(f.Name())] = true
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return fields, nil
}
