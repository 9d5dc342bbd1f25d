package httpapi

import (
	"strings"
	"time"

	// The IANA time zone database, compiled in: the service knows every zone a client may
	// name, whatever the host (or container image) has installed.
	_ "time/tzdata"
)

// callerZone is the time zone a request names in ?tz= (an IANA name), UTC without one. Names
// Go's zone database does not know are a 400 naming query.tz, and so are "Local" (this
// server's zone, which means nothing to a client) and paths.
func callerZone(tz *string) (*time.Location, error) {
	if tz == nil {
		return time.UTC, nil
	}
	name := *tz
	if name != "" && name != "Local" && !strings.ContainsAny(name, "\\\x00") && !strings.HasPrefix(name, "/") && !strings.Contains(name, "..") {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc, nil
		}
	}
	return nil, badQuery("query.tz", "not a time zone: use an IANA name such as Europe/Berlin or UTC")
}
