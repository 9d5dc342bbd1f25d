// Package events tells a process's live event streams (GET /api/events) when lists change.
//
// The database says when: every write of a list's tasks takes its owner's write clock, whose
// function notifies the channel todo_events inside the writing transaction, and membership
// changes notify the users they touch (db/migrations/0019_live_events.sql). A rolled-back
// write rings no bell. Each process holds ONE dedicated connection that LISTENs (Listener,
// on DATABASE_DIRECT_URL when set: a transaction pooler cannot hold a LISTEN), reconnecting
// with back-off; after a reconnect every stream gets a resync event, since notifications sent
// while it was away are lost.
//
// The Hub fans each notification out to the streams it concerns: it reads which of the
// owner's lists changed at that clock value and hands an event to each stream whose user is
// a member of the list, never blocking — a stream whose small buffer is full is closed after
// a resync event (its client reconnects and syncs). A membership change reloads the user's
// lists; a stream that lost a list closes at once. The events say only which list changed
// and when, never what: the change feeds stay the one source of truth.
package events
