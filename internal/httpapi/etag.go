package httpapi

import (
	"strconv"
	"strings"

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
// RFC 9110 §13.1.2).
func noneMatch(header *string, current string) bool {
	if header == nil {
		return false
	}
	if strings.TrimSpace(*header) == "*" {
		return true
	}
	for _, tag := range splitTags(*header) {
		if strings.TrimPrefix(tag, "W/") == current {
			return true
		}
	}
	return false
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

func tagVersion(tag string) (int64, bool) {
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	v, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
	return v, err == nil && v > 0
}
