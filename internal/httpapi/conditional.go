package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/todo-api/todo-api/api/contracts"
	"github.com/todo-api/todo-api/internal/store"
)

// etag renders a task version as a strong entity tag.
func etag(version int64) string {
	return `"` + strconv.FormatInt(version, 10) + `"`
}

// ifMatch turns an If-Match header into a store precondition (RFC 9110 §13.1.1): nil for
// no header or "*"; otherwise the versions it names, compared strongly (weak tags never
// match), so a list of only foreign tags always fails.
func ifMatch(header *string) *store.Precondition {
	if header == nil || strings.TrimSpace(*header) == "*" {
		return nil
	}
	pre := &store.Precondition{Versions: []int64{}}
	for _, tag := range splitTags(*header) {
		if strings.HasPrefix(tag, "W/") {
			continue
		}
		if v, ok := tagVersion(tag); ok {
			pre.Versions = append(pre.Versions, v)
		}
	}
	return pre
}

// noneMatch reports whether an If-None-Match header matches current (weak comparison,
// RFC 9110 §13.1.2: the opaque tags are equal, whether or not either is weak).
func noneMatch(header *string, current string) bool {
	if header == nil {
		return false
	}
	if strings.TrimSpace(*header) == "*" {
		return true
	}
	current = strings.TrimPrefix(current, "W/")
	for _, tag := range splitTags(*header) {
		if strings.TrimPrefix(tag, "W/") == current {
			return true
		}
	}
	return false
}

// contractSum identifies the API's representations: a new contract (a new field, say)
// changes every collection ETag, so no client keeps a body of the old shape on a 304.
var contractSum = sha256.Sum256(contracts.OpenAPIYAML)

// collectionETag is the weak validator of a collection response (RFC 9110 §8.8.1): a hash of
// the resource, the caller, the caller's write clock (or the View of the lists a collection
// covers, shared ones included: store.MemberClock) and the canonical query, plus extra
// inputs the response depends on (the UTC date for stats). Every write of the caller's tasks
// moves the clock, so the tag changes whenever the response may have; it never reads the
// tasks themselves. Weak, because a clock tick without a change (a write that found no task)
// changes the tag of an identical body.
func collectionETag(resource, userID string, clock store.Clock, query url.Values, extra ...string) string {
	h := sha256.New()
	h.Write([]byte("todo-api collection v1\x00"))
	h.Write(contractSum[:])
	last := "0"
	switch {
	case clock.View != "":
		last = "lists " + clock.View
	case !clock.Last.IsZero():
		last = clock.Last.UTC().Format(time.RFC3339Nano)
	}
	for _, part := range append([]string{resource, userID, last, query.Encode()}, extra...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return `W/"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:15]) + `"`
}

func splitTags(h string) []string {
	var tags []string
	for _, t := range strings.Split(h, ",") {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	return tags
}

// tagVersion is the version whose ETag is exactly tag. Strong comparison is of the whole
// string (RFC 9110 §8.8.3.2), so only the canonical form matches: "5", never "05" or "+5".
func tagVersion(tag string) (int64, bool) {
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	v, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
	return v, err == nil && v > 0 && etag(v) == tag
}
