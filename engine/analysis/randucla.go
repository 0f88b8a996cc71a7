package analysis

import "math"

// RandUCLA holds the RAND/UCLA appropriateness disagreement index of one
// proposal rated on the 1..9 scale.
type RandUCLA struct {
	Median       float64 `json:"median"`
	P30          float64 `json:"p30"`
	P70          float64 `json:"p70"`
	IPR          float64 `json:"ipr"`
	IPRCP        float64 `json:"iprcp"`
	AI           float64 `json:"asymmetry_index"`
	IPRAS        float64 `json:"ipras"`
	Disagreement bool    `json:"disagreement"`
}

// RandUCLAIndex computes the RAND/UCLA disagreement index (Fitch et al.
// 2001, RAND MR-1269) from ascending 1..9 ratings, percentiles by
// Hyndman–Fan type 7:
//
//	IPR = P70 − P30,  IPRCP = (P30 + P70)/2,  AI = |5 − IPRCP|,
//	IPRAS = 2.35 + 1.5·AI,  disagreement iff IPR > IPRAS
//
// It returns an Undefined error for no ratings.
func RandUCLAIndex(sorted []float64) (RandUCLA, error) {
	if len(sorted) == 0 {
		return RandUCLA{}, reasonNoRatings
	}
	med, _ := Quantile(sorted, 0.5, QuantileType7)
	p30, _ := Quantile(sorted, 0.3, QuantileType7)
	p70, _ := Quantile(sorted, 0.7, QuantileType7)
	return randUCLAFrom(med, p30, p70), nil
}

func randUCLAFrom(med, p30, p70 float64) RandUCLA {
	r := RandUCLA{Median: med, P30: p30, P70: p70, IPR: p70 - p30, IPRCP: (p30 + p70) / 2}
	r.AI = math.Abs(5 - r.IPRCP)
	r.IPRAS = 2.35 + 1.5*r.AI
	r.Disagreement = r.IPR > r.IPRAS
	return r
}
