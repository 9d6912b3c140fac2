package store

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestTheReplyDecoderReadsWhatPostgreSQLGivesBackAsEncodingJSONDoes(t *testing.T) {
	t.Parallel()
	intern := func(b []byte) string { return string(b) }
	tests := []struct {
		name string
		in   string
		fast bool // whether the shortcut, not encoding/json, should read it
	}{
		{"none", `[]`, true},
		{"jsonb's spacing and key order", `[{"text": "wijk 3", "type": "short_text", "question": "short"}, {"type": "likert", "point": 4, "question": "likert"}]`, true},
		{"every field", `[{"type":"multiple_choice","other":"fietsen","choices":["a","other"],"question":"multi"},{"type":"ranking","ranking":["z","x"],"question":"rank"},{"rows":{"r1":"c2","r2":"c1"},"type":"matrix","question":"matrix"},{"type":"number","number":"-2.5","question":"number"},{"type":"scale","point":0,"question":"scale"}]`, true},
		{"escapes", `[{"text": "een \"citaat\"\nen \\ \u00e9", "type": "long_text", "question": "long"}]`, true},
		{"an unknown key", `[{"question": "q", "type": "short_text", "extra": 1}]`, false},
		{"a fractional point", `[{"question": "q", "type": "likert", "point": 4.5}]`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := decodeReplies([]byte(tc.in))
			var d replyDecoder
			// Decode twice into the same replies: reuse must not leak.
			got, err := d.decode([]byte(`[{"question":"x","type":"matrix","rows":{"old":"c9"},"choices":["z"]}]`), nil, intern)
			if err != nil {
				t.Fatal(err)
			}
			got, err = d.decode([]byte(tc.in), got, intern)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, want %v", err, wantErr)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("replies (-want +got):\n%s", diff)
			}
			if _, ok := d.fast([]byte(tc.in), nil, intern); ok != tc.fast {
				t.Errorf("shortcut took it: %v, want %v", ok, tc.fast)
			}
		})
	}
}
