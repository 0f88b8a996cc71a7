package analysis

import (
	"encoding/json"
	"testing"
)

func TestAnalyseSmoke(t *testing.T) {
	b := newBuilder(likert5(), "lived experience", "practitioner")
	a := b.members(6, 0)
	p := b.members(6, 1)
	all := append(append([]int{}, a...), p...)
	b.round()
	x := b.propose(a[0])
	y := b.propose(p[0])
	b.rateAll(x, all, 5, 5, 4, 4, 5, 4, 4, 5, 4, 2, 5, 4)
	b.rateAll(y, all, 1, 2, 1, 5, 5, 1, 5, 4, 5, 5, 1, 2)
	b.decide(x, OutcomeAdopted)
	b.round()
	b.carry(y)
	z := b.propose(a[1], x)
	b.rateAll(y, all, 2, 2, 1, 4, 5, 2, 5, 5, 5, 5, 2, 2)
	b.rateAll(z, all, 5, 5, 5, 4, 5, 4, 4, 5, 4, 3, 5, 4)
	res := mustAnalyse(t, b.s)
	out, _ := json.MarshalIndent(res, "", " ")
	t.Logf("%s", out)
}
