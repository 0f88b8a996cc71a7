package engine

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// NewID returns a new UUIDv7 (RFC 9562) as text. Version 7 identifiers sort
// by creation time, which keeps B-tree inserts local and lets lists be
// ordered by id without a second timestamp index.
//
// Identifiers made in one process also sort in the order they were made,
// within a millisecond too (RFC 9562 §6.2, method 1: a counter in rand_a,
// started at a random value below 2048 each millisecond): "the latest"
// of two role assignments, rating events or audit events made in the same
// millisecond is the one made last. A time more than a second before the
// last identifier's (imported history, a clock stepped back) starts from
// its own millisecond again, so such identifiers still sort by their
// time.
func NewID(now time.Time) string {
	ms, seq := idClock.next(now.UnixMilli())
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16|uint64(seq))
	if _, err := rand.Read(b[8:]); err != nil {
		panic("engine: crypto/rand failed: " + err.Error()) // the platform is broken; nothing is safe to issue
	}
	b[6] = (b[6] & 0x0f) | 0x70 // version 7
	b[8] = (b[8] & 0x3f) | 0x80 // RFC 9562 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// validID reports whether s has the textual shape of an id the engine
// issues, so malformed ids are rejected as invalid before any lookup.
func validID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// idClock is the millisecond and counter of the last identifier made.
var idClock monotonicClock

// idClockSlack is how far behind the last identifier's millisecond a time
// may be and still continue its count: the milliseconds borrowed when one
// fills up, and small steps back of the clock.
const idClockSlack = 1000

// monotonicClock hands out (millisecond, counter) pairs that only grow.
type monotonicClock struct {
	mu  sync.Mutex
	ms  int64
	seq uint16 // 12 bits: rand_a
}

// next returns the pair for an identifier made at ms.
func (c *monotonicClock) next(ms int64) (int64, uint16) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case ms > c.ms || ms < c.ms-idClockSlack:
		c.ms, c.seq = ms, randomSeq()
	case c.seq < 0xfff:
		c.seq++
	default: // 4,096 in one millisecond: borrow the next one
		c.ms, c.seq = c.ms+1, randomSeq()
	}
	return c.ms, c.seq
}

// randomSeq is a counter's random start, below 2048 so that a millisecond
// has room for at least 2,048 identifiers.
func randomSeq() uint16 {
	var r [2]byte
	if _, err := rand.Read(r[:]); err != nil {
		panic("engine: crypto/rand failed: " + err.Error())
	}
	return binary.BigEndian.Uint16(r[:]) & 0x7ff
}
