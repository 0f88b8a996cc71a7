package analysis

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// synthetic builds a seeded snapshot with real structure: members belong to
// one of three latent opinion groups (correlated with four perspectives),
// each proposal has a stance per opinion group, and a member rates a
// proposal with probability density (geometric skipping keeps generation
// O(ratings)). A tenth of responses are passes, a twentieth carry a reason.
// With rounds > 1 the earlier rounds rate the same proposals with more
// noise, so stability and trajectories have work to do.
func synthetic(seed uint64, members, proposals int, density float64, rounds int) Snapshot {
	rng := rand.New(rand.NewPCG(seed, 99))
	s := Snapshot{Scale: likert5(), Perspectives: []string{"lived experience", "carer", "practitioner", "commissioner"}, Seed: seed}
	s.Rule = DefaultConsensusRule(s.Scale)
	group := make([]int, members)
	s.Members = make([]Member, members)
	for i := range s.Members {
		g := rng.IntN(3)
		group[i] = g
		persp := g
		if rng.Float64() < 0.3 {
			persp = rng.IntN(4)
		}
		s.Members[i] = Member{ID: "m" + itoa(i), Perspective: persp}
	}
	stance := make([][3]float64, proposals)
	s.Proposals = make([]Proposal, proposals)
	for p := range s.Proposals {
		for g := 0; g < 3; g++ {
			stance[p][g] = rng.NormFloat64()
		}
		s.Proposals[p] = Proposal{ID: "p" + itoa(p), Author: rng.IntN(members), Round: 0}
	}
	invited := make([]int, members)
	for i := range invited {
		invited[i] = i
	}
	agenda := make([]int, proposals)
	for i := range agenda {
		agenda[i] = i
	}
	logq := math.Log(1 - density)
	for r := 0; r < rounds; r++ {
		noise := 0.8 + 0.4*float64(rounds-1-r)
		expected := int(float64(members) * float64(proposals) * density * 1.02)
		rt := Ratings{Member: make([]int32, 0, expected), Proposal: make([]int32, 0, expected), Value: make([]int8, 0, expected), Pass: make([]bool, 0, expected)}
		reasons := make([]string, 0, expected)
		for m := 0; m < members; m++ {
			p := -1
			for {
				u := rng.Float64()
				p += 1 + int(math.Log(1-u)/logq)
				if p >= proposals || p < 0 {
					break
				}
				rt.Member = append(rt.Member, int32(m))
				rt.Proposal = append(rt.Proposal, int32(p))
				if rng.IntN(10) == 0 {
					rt.Value = append(rt.Value, 0)
					rt.Pass = append(rt.Pass, true)
				} else {
					v := math.Round(3 + 1.5*stance[p][group[m]] + noise*rng.NormFloat64())
					rt.Value = append(rt.Value, int8(max(1, min(5, v))))
					rt.Pass = append(rt.Pass, false)
				}
				if rng.IntN(20) == 0 {
					reasons = append(reasons, "reason")
				} else {
					reasons = append(reasons, "")
				}
			}
		}
		rt.Reason = reasons
		rd := Round{ID: "r" + itoa(r), Invited: invited, Agenda: agenda, Ratings: rt}
		if r < rounds-1 {
			for p := 0; p < proposals; p += 7 {
				rd.Decisions = append(rd.Decisions, Decision{Proposal: p, Outcome: OutcomeRevisit})
			}
		}
		s.Rounds = append(s.Rounds, rd)
	}
	return s
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = digits[i%10]
		i /= 10
	}
	return string(b[n:])
}

// peakHeap samples HeapInuse every few milliseconds while f runs and
// returns the maximum in bytes.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	peak.Store(ms.HeapInuse)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > peak.Load() {
		peak.Store(ms.HeapInuse)
	}
	return peak.Load()
}

func benchAnalyse(b *testing.B, members, proposals int, density float64, rounds int, large bool) {
	if large && (testing.Short() || os.Getenv("ALLVOICE_BENCH_LARGE") != "1") {
		b.Skip("set ALLVOICE_BENCH_LARGE=1 (and not -short) to run the large-conversation benchmark")
	}
	s := synthetic(42, members, proposals, density, rounds)
	n := 0
	for _, r := range s.Rounds {
		n += r.Ratings.Len()
	}
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		run := func() {
			if _, err := Analyse(s); err != nil {
				b.Fatal(err)
			}
		}
		if !large {
			// ReadMemStats stops the world: sampling would distort a
			// millisecond benchmark, so only the large ones measure peak heap.
			run()
			continue
		}
		peak = max(peak, peakHeap(run))
	}
	b.StopTimer()
	if large {
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	}
	b.ReportMetric(float64(n), "ratings")
}

// BenchmarkAnalyse carries the performance targets of ARCHITECTURE.md §7:
// 30 × 60 (< 5 ms), 33,000 × 800 with 2 M ratings (< 2 s, < 1 GB) and
// 100,000 × 2,000 with 10 M ratings (< 10 s, < 2 GB). The large cases run
// only with ALLVOICE_BENCH_LARGE=1 and without -short.
func BenchmarkAnalyse(b *testing.B) {
	b.Run("30x60", func(b *testing.B) { benchAnalyse(b, 30, 60, 0.3, 3, false) })
	b.Run("30x60-dense", func(b *testing.B) { benchAnalyse(b, 30, 60, 0.95, 3, false) })
	b.Run("33000x800", func(b *testing.B) { benchAnalyse(b, 33000, 800, 2e6/(33000*800), 1, true) })
	b.Run("100000x2000", func(b *testing.B) { benchAnalyse(b, 100000, 2000, 1e7/(100000*2000), 1, true) })
}
