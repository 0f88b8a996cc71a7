package opinion

// GroupInformedConsensus is Polis's group-aware consensus of one proposal,
// Π_g (agree_g + 1)/(seen_g + 2) over the opinion groups g, where seen counts
// every rating including passes (polis-and-bridging.md §1.10). It is high only
// if every group tends to agree. For no groups it is 1 (the empty product);
// groups (8 of 10, 6 of 9) give (9/12)(7/11) = 0.477273. It panics if agree
// and seen differ in length.
func GroupInformedConsensus(agree, seen []int) float64 {
	if len(agree) != len(seen) {
		panic("opinion: GroupInformedConsensus: agree and seen differ in length")
	}
	g := 1.0
	for i := range agree {
		g *= float64(agree[i]+1) / float64(seen[i]+2)
	}
	return g
}
