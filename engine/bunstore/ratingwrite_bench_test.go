package bunstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
)

// BenchmarkWriteRating measures Store.WriteRating, the whole write of a
// rating submission (event, current pointer, audit event, checked against
// the round's revision), from 64 concurrent clients. Besides ratings/s and
// p99 it reports the CPU time per rating of this process and of the
// PostgreSQL servers it started (db-cpu-ms/op), which, unlike throughput,
// does not depend on what else the machine is running.
func BenchmarkWriteRating(b *testing.B) {
	eachDB(b, func(b *testing.B, db *bunstore.DB) {
		s := bunstore.NewStore(db)
		w := seedBenchRound(b, s, 64, 60)
		ctx := context.Background()
		rev, err := s.RoundRevision(ctx, w.round.ID)
		if err != nil {
			b.Fatal(err)
		}
		cpu0, db0 := ownCPU(), childrenCPU()
		rateConcurrently(b, w, func(m *engine.Member, p *engine.Proposal, n int64) error {
			at := benchTime.Add(2*time.Hour + time.Duration(n)*time.Microsecond)
			v := 1 + int(n)%5
			ev := &engine.RatingEvent{ID: engine.NewID(at), GroupID: w.group.ID, RoundID: w.round.ID, ProposalID: p.ID,
				MemberID: m.ID, Value: &v, Mode: engine.ModeSelf, EnteredBy: m.ID,
				IdempotencyKey: fmt.Sprintf("w%d", n), BodyHash: "h", CreatedAt: at}
			res, err := s.WriteRating(ctx, &engine.RatingWrite{Event: ev, Revision: rev,
				Audit: &engine.AuditEvent{ID: engine.NewID(at), GroupID: w.group.ID, ActorID: m.ID, Action: "rating.submitted",
					SubjectType: "rating_event", SubjectID: ev.ID, CreatedAt: at}})
			if err == nil && !res.Written {
				err = fmt.Errorf("not written: %+v", res)
			}
			return err
		})
		cpu, dbCPU := ownCPU()-cpu0, childrenCPU()-db0
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(dbCPU.Microseconds())/1000/float64(b.N), "db-cpu-ms/op")
	})
}

// ownCPU returns the user and system CPU time this process has used.
func ownCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// childrenCPU returns the CPU time used so far by the processes descended
// from this one (a PostgreSQL cluster it started, with its backends),
// read from /proc; 0 where there is no /proc.
func childrenCPU() time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := map[int]int{}
	ticks := map[int]int64{}
	for _, p := range stats {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime(14) stime(15); comm may hold spaces.
		s := string(raw)
		close := strings.LastIndexByte(s, ')')
		if close < 0 {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(s[:strings.IndexByte(s, '(')]))
		f := strings.Fields(s[close+1:])
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		parent[pid], ticks[pid] = ppid, ut+st
	}
	self := os.Getpid()
	var total int64
	for pid := range parent {
		for p, hops := parent[pid], 0; p != 0 && hops < 8; p, hops = parent[p], hops+1 {
			if p == self {
				total += ticks[pid]
				break
			}
		}
	}
	return time.Duration(total) * (time.Second / 100) // USER_HZ is 100 on Linux
}
