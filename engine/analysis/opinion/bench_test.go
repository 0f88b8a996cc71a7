package opinion_test

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/analysis/opinion"
)

// peakHeap samples the live heap while the benchmark runs and reports its
// maximum (input matrix included) as peak-heap-MB.
type peakHeap struct {
	stop chan struct{}
	done sync.WaitGroup
	peak atomic.Uint64
}

func startPeakHeap() *peakHeap {
	runtime.GC()
	p := &peakHeap{stop: make(chan struct{})}
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond) // ReadMemStats stops the world: not too often
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > p.peak.Load() {
				p.peak.Store(ms.HeapAlloc)
			}
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

func (p *peakHeap) report(b *testing.B) {
	select {
	case <-p.stop:
	default:
		close(p.stop)
	}
	p.done.Wait()
	b.ReportMetric(float64(p.peak.Load())/(1<<20), "peak-heap-MB")
}

// BenchmarkAnalyse runs the whole opinion-group analysis on synthetic
// conversations with 3 latent opinion groups (the two large ones only with
// ALLVOICE_BENCH_LARGE=1) and on vtaiwan.uberx. Targets for the whole round
// analysis (ARCHITECTURE.md §7): < 5 ms at 30 × 60, < 2 s and < 1 GB at
// 33,000 × 800 (2 M ratings), < 10 s and < 2 GB at 100,000 × 2,000
// (10 M ratings); opinion groups should take at most half of each.
func BenchmarkAnalyse(b *testing.B) {
	sizes := []struct {
		members, proposals, ratings int
		large                       bool
	}{
		{30, 60, 540, false}, // 30 % density
		{33_000, 800, 2_000_000, true},
		{100_000, 2_000, 10_000_000, true},
	}
	large := os.Getenv("ALLVOICE_BENCH_LARGE") == "1"
	for _, sz := range sizes {
		name := fmt.Sprintf("%dx%d", sz.members, sz.proposals)
		if sz.large && !large {
			b.Run(name, func(b *testing.B) { b.Skip("set ALLVOICE_BENCH_LARGE=1") })
			continue
		}
		density := float64(sz.ratings) / float64(sz.members*sz.proposals)
		m, _ := opinion.Synthetic(sz.members, sz.proposals, 3, density, 0.8, 1)
		b.Run(name, func(b *testing.B) { benchAnalyse(b, m) })
	}
	b.Run("vtaiwan.uberx", func(b *testing.B) {
		c := loadConversation(b, "vtaiwan.uberx")
		benchAnalyse(b, c.matrix)
	})
}

// cpuTime is the CPU time (user + system) the process has used so far; on a
// shared machine it says more than wall time about what the code costs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchAnalyse(b *testing.B, m opinion.Matrix) {
	b.ReportAllocs()
	peak := startPeakHeap()
	if os.Getenv("NOPEAK") == "1" {
		close(peak.stop)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		res := opinion.Analyse(m, opinion.Options{Seed: 1})
		if res.Components == nil {
			b.Fatal(res.Reason)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	peak.report(b)
	b.ReportMetric(float64(len(m.Value)), "ratings")
}
