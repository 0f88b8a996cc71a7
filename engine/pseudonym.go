package engine

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// Pseudonym returns the stable pseudonymous id of a member within a group:
// an HMAC of the member id under the group's secret key. It is the same in
// every export and analysis of the group, differs between groups, and
// cannot be turned back into the internal id without the key.
func Pseudonym(g *Group, memberID string) string {
	mac := hmac.New(sha256.New, []byte(g.PseudonymKey))
	mac.Write([]byte(memberID))
	return "m_" + hex.EncodeToString(mac.Sum(nil)[:8])
}

// newPseudonymKey returns a fresh 256-bit key for a group's pseudonyms.
func newPseudonymKey() string {
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		panic("engine: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(key[:])
}
