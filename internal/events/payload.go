package events

import (
	"strconv"
	"strings"
	"time"
)

// Channel is the PostgreSQL notification channel the database announces changes on
// (db/migrations/0019_live_events.sql).
const Channel = "todo_events"

// notice is one parsed notification.
type notice struct {
	kind  byte      // 'c': owner's clock moved to at; 'm': user's memberships changed
	id    string    // the owner ('c') or the user ('m')
	at    time.Time // 'c' only
	valid bool
}

// parseNotice reads a payload of Channel: "c:<micros>:<owner>" or "m:<user>". Anything else
// is invalid (and ignored by the hub).
func parseNotice(payload string) notice {
	kind, rest, ok := strings.Cut(payload, ":")
	if !ok || rest == "" {
		return notice{}
	}
	switch kind {
	case "c":
		micros, owner, ok := strings.Cut(rest, ":")
		n, err := strconv.ParseInt(micros, 10, 64)
		if !ok || err != nil || owner == "" {
			return notice{}
		}
		return notice{kind: 'c', id: owner, at: time.UnixMicro(n).UTC(), valid: true}
	case "m":
		return notice{kind: 'm', id: rest, valid: true}
	}
	return notice{}
}
