package gateway

import (
	"net/http"
	"slices"
	"strings"
)

// ifMatch is a request's If-Match condition (RFC 9110, 13.1.1).
type ifMatch struct {
	present bool
	// any is "*": any current version will do.
	any bool
	// tags are the strong entity tags named, without quotes. Weak tags
	// are left out: If-Match compares strongly, so they never match.
	tags []string
}

// pins reports whether the condition names versions, so that a change
// meanwhile must fail rather than be merged into.
func (c ifMatch) pins() bool { return c.present && !c.any }

// choose returns the version a change under the condition is based on:
// current if the condition names it, else a version it names, which the
// service will find stale. A condition of weak tags only names none, so
// it gets one that no resource has.
func (c ifMatch) choose(current string) string {
	switch {
	case current != "" && slices.Contains(c.tags, current):
		return current
	case len(c.tags) > 0:
		return c.tags[0]
	}
	return `W/""`
}

// parseIfMatch reads the If-Match header fields, each "*" or a list of
// entity tags ("a", W/"b"); malformed ones are a 400 naming the header.
func parseIfMatch(values []string) (ifMatch, *problem) {
	var c ifMatch
	weakTags := 0
	bad := &problem{Status: http.StatusBadRequest, Detail: "invalid header", InvalidParams: []invalidParam{{
		Name: "If-Match", Reason: `must be * or a list of entity tags in double quotes, such as the ETag of a GET: "hxp3ksq4ws"`}}}
	for _, v := range values {
		c.present = true
		s := v
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			if s[0] == '*' {
				c.any = true
				s = s[1:]
				continue
			}
			weak := strings.HasPrefix(s, "W/")
			s = strings.TrimPrefix(s, "W/")
			if !strings.HasPrefix(s, `"`) {
				return ifMatch{}, bad
			}
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return ifMatch{}, bad
			}
			if tag := s[1 : 1+end]; weak {
				weakTags++
			} else {
				c.tags = append(c.tags, tag)
			}
			s = s[end+2:]
			if s != "" && s[0] != ',' && s[0] != ' ' && s[0] != '\t' {
				return ifMatch{}, bad
			}
		}
	}
	named := len(c.tags) + weakTags
	if c.present && (c.any == (named > 0)) {
		// Both "*" and tags, or neither: an empty field.
		return ifMatch{}, bad
	}
	return c, nil
}
