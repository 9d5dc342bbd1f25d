package store

import (
	"context"
	"errors"
	"sync"
)

// ErrTooBusy: the user's requests already hold their whole share of the connection pool
// and none came free within the acquire timeout. Unlike ErrUnavailable it says nothing about
// the database, only that this user asks for more at once than one user may have.
var ErrTooBusy = errors.New("the user's share of database connections is in use")

// userShare caps how many pool connections one user's requests hold at once, so that a user
// with many slow requests in flight (each within the rate limit) cannot take the whole pool
// and make every other user wait for a connection. A request beyond its user's share waits
// for one of them to finish, as long as it would have waited for the pool.
//
// It keeps an entry only for users with a request holding or waiting for a connection:
// memory grows with the requests in flight, not with the users ever seen.
type userShare struct {
	max   int
	mu    sync.Mutex
	users map[string]*userSlots
}

// userSlots is one user's share: a token in the channel per request let through.
type userSlots struct {
	tokens chan struct{}
	// Guarded by userShare.mu: requests holding or waiting for a token, and those of the
	// token holders that have their pool connection.
	refs, connected int
}

func newUserShare(max int) *userShare {
	return &userShare{max: max, users: map[string]*userSlots{}}
}

// shareGrant is one request's place in its user's share.
type shareGrant struct {
	u         *userShare
	user      string
	s         *userSlots
	connected bool
}

// acquire waits until user has fewer than max requests let through, then lets this one
// through until its grant is released. It fails with ctx's error when ctx ends first.
func (u *userShare) acquire(ctx context.Context, user string) (*shareGrant, error) {
	u.mu.Lock()
	s := u.users[user]
	if s == nil {
		s = &userSlots{tokens: make(chan struct{}, u.max)}
		u.users[user] = s
	}
	s.refs++
	u.mu.Unlock()
	select {
	case s.tokens <- struct{}{}:
		return &shareGrant{u: u, user: user, s: s}, nil
	case <-ctx.Done():
		u.leave(user, s)
		return nil, ctx.Err()
	}
}

// connect records that the request has its pool connection now.
func (g *shareGrant) connect() {
	g.u.mu.Lock()
	defer g.u.mu.Unlock()
	g.s.connected++
	g.connected = true
}

// release gives the request's place back (and its connection's count).
func (g *shareGrant) release() {
	g.u.mu.Lock()
	if g.connected {
		g.s.connected--
	}
	g.u.mu.Unlock()
	<-g.s.tokens
	g.u.leave(g.user, g.s)
}

// leave drops one request of user's, and the user's entry with the last.
func (u *userShare) leave(user string, s *userSlots) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if s.refs--; s.refs == 0 {
		delete(u.users, user)
	}
}

// full reports whether user's requests hold max pool connections: a request that could not
// get through is then turned away for the user's own load, not for the pool's (whose
// exhaustion keeps the user's requests waiting for connections they do not have).
func (u *userShare) full(user string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	s := u.users[user]
	return s != nil && s.connected >= u.max
}

// active is the number of users with requests holding or waiting for a connection.
func (u *userShare) active() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.users)
}
