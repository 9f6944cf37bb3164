package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// FloodLimit bounds how fast one user may ask: a token bucket of Burst
// questions that refills one question every Every. A user who asks
// faster is told once to slow down, and the questions after that are
// dropped until the bucket has a question again. Other users are not
// affected.
type FloodLimit struct {
	// Burst is how many questions a user may ask in a row; 0 means 10.
	Burst int
	// Every is how long it takes to earn one more question; 0 means 4
	// seconds.
	Every time.Duration
}

// Defaults for FloodLimit.
const (
	defaultFloodBurst = 10
	defaultFloodEvery = 4 * time.Second
)

// minFloodSweep is how many users the flood gate holds before it first
// forgets the idle ones.
const minFloodSweep = 1024

// A verdict is what the flood gate decides about one question.
type verdict uint8

const (
	admit   verdict = iota // answer it
	warn                   // say "slow down" instead, once
	silence                // drop it without a word
)

// A floodGate keeps one token bucket per user. It forgets users whose
// bucket is full again, which a new bucket would be too, so its memory
// is bounded by the users active within Burst*Every.
type floodGate struct {
	limit rate.Limit
	burst int

	mu    sync.Mutex
	users map[int64]*floodUser
	// sweepAt is the number of users at which the gate next forgets
	// the idle ones.
	sweepAt int
}

type floodUser struct {
	bucket *rate.Limiter
	warned bool // told to slow down since the last question admitted
}

func newFloodGate(l FloodLimit) *floodGate {
	return &floodGate{
		limit:   rate.Every(l.Every),
		burst:   l.Burst,
		users:   make(map[int64]*floodUser),
		sweepAt: minFloodSweep,
	}
}

// check takes one question of user's at now from the user's bucket.
func (g *floodGate) check(user int64, now time.Time) verdict {
	g.mu.Lock()
	defer g.mu.Unlock()
	u := g.users[user]
	if u == nil {
		if len(g.users) >= g.sweepAt {
			g.sweep(now)
		}
		u = &floodUser{bucket: rate.NewLimiter(g.limit, g.burst)}
		g.users[user] = u
	}
	if u.bucket.AllowN(now, 1) {
		u.warned = false
		return admit
	}
	if u.warned {
		return silence
	}
	u.warned = true
	return warn
}

// sweep forgets the users whose bucket is full at now, and sets the size
// for the next sweep to twice what is left, so that sweeping costs O(1)
// per user added. g.mu is held.
func (g *floodGate) sweep(now time.Time) {
	for id, u := range g.users {
		if u.bucket.TokensAt(now) >= float64(g.burst) {
			delete(g.users, id)
		}
	}
	g.sweepAt = max(2*len(g.users), minFloodSweep)
}
