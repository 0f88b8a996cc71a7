package opinion

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// maxChunks bounds how many pieces a parallel pass is cut into. The cut
// depends only on the data, never on the number of CPUs, and partial results
// are combined in chunk order, so floating-point sums are identical on every
// machine.
const maxChunks = 16

// minChunkWork is the least work (ratings or points) worth a chunk of its own.
const minChunkWork = 1 << 15

// chunkBounds cuts [0, n) into contiguous chunks of roughly equal weight,
// where weight(lo, hi) is the work of items lo..hi-1 and total the work of
// all. It returns the chunk boundaries b[0] = 0 < … < b[len-1] = n.
func chunkBounds(n int, total int, weight func(i int) int) []int {
	chunks := total / minChunkWork
	if chunks > maxChunks {
		chunks = maxChunks
	}
	if chunks < 1 || n == 0 {
		return []int{0, n}
	}
	bounds := make([]int, 1, chunks+1)
	target := (total + chunks - 1) / chunks
	acc := 0
	for i := 0; i < n; i++ {
		acc += weight(i)
		if acc >= target && len(bounds) < chunks {
			bounds = append(bounds, i+1)
			acc = 0
		}
	}
	if bounds[len(bounds)-1] != n {
		bounds = append(bounds, n)
	}
	return bounds
}

// forEachChunk runs fn(c) for every chunk c in [0, chunks) on up to
// GOMAXPROCS goroutines and waits for all of them.
func forEachChunk(chunks int, fn func(c int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > chunks {
		workers = chunks
	}
	if workers <= 1 {
		for c := 0; c < chunks; c++ {
			fn(c)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1)) - 1
				if c >= chunks {
					return
				}
				fn(c)
			}
		}()
	}
	wg.Wait()
}
