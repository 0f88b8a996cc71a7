package analysis

import "testing"

var vdeV = []float64{30, 40, 210, 130, 530, 50, 10}

// van der Eijk's A: agrmt documentation and vignette (§1.5 / §7).
func TestVanDerEijkA(t *testing.T) {
	tests := []struct {
		name string
		v    []float64
		want float64
		tol  float64
	}{
		{"agrmt man/agreement.Rd", vdeV, 0.6113333, 1e-7},
		{"PvdA %", []float64{2.4, 2.8, 3.2, 6.2, 13.5, 30.4, 41.6}, 0.6097236, 1e-7},
		{"D66 %", []float64{1.6, 2.6, 8.2, 21, 29.3, 27, 10.3}, 0.4823333, 1e-7},
		{"(2,0,1,1)", []float64{2, 0, 1, 1}, 0.0833333, 1e-7},
		{"extremes", []float64{1, 0, 0, 0, 1}, -1, 1e-12},
		{"uniform", []float64{1, 1, 1, 1, 1}, 0, 1e-12},
		{"unanimity", []float64{0, 0, 5, 0, 0}, 1, 1e-12},
		{"one rating", []float64{0, 1, 0}, 1, 1e-12},
	}
	for _, tc := range tests {
		got, err := VanDerEijkA(tc.v)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		near(t, tc.name, got, tc.want, tc.tol)
	}
	p, _ := Polarisation(vdeV)
	near(t, "polarisation", p, 0.1943333, 1e-7)
	_, err := VanDerEijkA([]float64{1, 2})
	mustUndefined(t, "K=2", err)
	_, err = VanDerEijkA([]float64{0, 0, 0})
	mustUndefined(t, "empty", err)
}

// The layer trace of §1.5 checks the pattern agreement of each layer.
func TestPatternAgreementTrace(t *testing.T) {
	pat := func(s string) ([]bool, int) {
		p := make([]bool, len(s))
		n := 0
		for i, c := range s {
			p[i] = c == '1'
			if p[i] {
				n++
			}
		}
		return p, n
	}
	for _, tc := range []struct {
		p    string
		want float64
	}{
		{"1111111", 0}, {"1111110", 0.166667}, {"0111110", 0.333333}, {"0011110", 0.5},
		{"0011100", 0.666667}, {"0010100", 0.466667}, {"0000100", 1},
	} {
		p, s := pat(tc.p)
		near(t, tc.p, patternAgreement(p, s), tc.want, 1e-6)
	}
}

func TestTastleWiermanLeik(t *testing.T) {
	tests := []struct {
		name     string
		v        []float64
		cns, lei float64
	}{
		{"agrmt", vdeV, 0.7256876, 0.2866667},
		{"uniform5", []float64{1, 1, 1, 1, 1}, 0.4339850, 0.6},
		{"extremes", []float64{1, 0, 0, 0, 1}, 0, 1},
		{"(2,0,1,1)", []float64{2, 0, 1, 1}, 0.1916782, 0.8333333},
		{"(0,2,3,10,5)", []float64{0, 2, 3, 10, 5}, 0.7176295, 0.3},
		{"unanimity", []float64{0, 0, 4, 0, 0}, 1, 0},
	}
	for _, tc := range tests {
		c, err := TastleWierman(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		near(t, tc.name+" Cns", c, tc.cns, 1e-7)
		d, err := LeikD(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		near(t, tc.name+" Leik", d, tc.lei, 1e-7)
	}
	_, err := TastleWierman([]float64{0, 0, 0})
	mustUndefined(t, "TW empty", err)
	_, err = LeikD([]float64{3})
	mustUndefined(t, "Leik K=1", err)
}

func TestRWG(t *testing.T) {
	r, err := RWG([]float64{4, 4, 5, 4, 3}, 5)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "rwg", r, 0.75, 1e-12)
	r, _ = RWG([]float64{1, 5, 1, 5, 3}, 5)
	near(t, "rwg truncated", r, 0, 0)
	j, _ := RWGJ([]float64{0.5, 0.3, 0.3}, 5)
	near(t, "rwgJ", j, 0.9303797, 1e-7)
	a, _ := AWG([]float64{4, 4, 5, 4, 3}, 1, 5)
	near(t, "awg", a, 0.7333333, 1e-7)
	a, _ = AWG([]float64{1, 5, 1, 5, 3}, 1, 5)
	near(t, "awg bimodal", a, -0.6, 1e-12)
	a, _ = AWG([]float64{5, 5, 5}, 1, 5)
	near(t, "awg at bound", a, 1, 0)
	_, err = RWG([]float64{3}, 5)
	mustUndefined(t, "rwg n=1", err)
	_, err = AWG([]float64{5, 5, 5, 5, 4}, 1, 5)
	mustUndefined(t, "awg near bound", err)
}

func TestBimodalityEstebanRay(t *testing.T) {
	bc, err := BimodalityCoefficient([]float64{1, 1, 1, 1, 1, 2, 5, 5, 5, 5})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "BC", bc, 0.5596859, 1e-7)
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{1, 1, 1, 1, 5, 5, 5, 5}, 0.4761905},
		{[]float64{1, 2, 3, 4, 5, 1, 2, 3, 4, 5}, 0.3327392},
		{[]float64{3, 3, 3, 4, 2, 3, 4, 2, 3, 3}, 0.2262626},
	} {
		got, _ := BimodalityCoefficient(tc.x)
		near(t, "BC", got, tc.want, 1e-7)
	}
	_, err = BimodalityCoefficient([]float64{3, 3, 3, 3})
	mustUndefined(t, "BC constant", err)
	for _, tc := range []struct {
		v           []float64
		a1, a16, a0 float64
	}{
		{[]float64{1, 0, 0, 0, 1}, 1, 0.6597540, 2},
		{[]float64{1, 1, 1, 1, 1}, 0.32, 0.1218339, 1.6},
		{[]float64{0, 0, 1, 0, 0}, 0, 0, 0},
		{vdeV, 0.335736, 0.1974462, 1.208},
	} {
		for _, c := range []struct{ alpha, want float64 }{{1, tc.a1}, {1.6, tc.a16}, {0, tc.a0}} {
			got, err := EstebanRay(tc.v, c.alpha)
			if err != nil {
				t.Fatal(err)
			}
			near(t, "ER", got, c.want, 1e-6)
		}
	}
}

// RAND/UCLA worked example (BMJ Open 2012;2:e001431, Table 1).
func TestRandUCLA(t *testing.T) {
	r, err := RandUCLAIndex([]float64{4, 5, 6, 7, 7, 7, 7, 7, 8, 8, 8, 8, 8, 9, 9})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "median", r.Median, 7, 0)
	near(t, "IPR", r.IPR, 1, 1e-12)
	near(t, "IPRCP", r.IPRCP, 7.5, 1e-12)
	near(t, "AI", r.AI, 2.5, 1e-12)
	near(t, "IPRAS", r.IPRAS, 6.1, 1e-12)
	if r.Disagreement {
		t.Error("worked example has no disagreement")
	}
	r, _ = RandUCLAIndex([]float64{1, 1, 1, 1, 1, 9, 9, 9, 9, 9})
	if !r.Disagreement {
		t.Errorf("extreme split should disagree: %+v", r)
	}
}
