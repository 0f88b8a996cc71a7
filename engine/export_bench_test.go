package engine_test

import (
	"context"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// countWriter counts the bytes of an export.
type countWriter struct{ n int64 }

func (c *countWriter) Write(b []byte) (int, error) { c.n += int64(len(b)); return len(b), nil }

// BenchmarkExportPolis exports the largest conversation in shared/data
// (vtaiwan.uberx: 1,921 participants, 197 comments, 49,443 latest votes)
// from SQLite, analysis included (the first export fills the analysis
// cache, as a report would have). It reports rating events written per
// second, the zip's size and the live heap after the export.
//
//	go test -run '^$' -bench BenchmarkExportPolis -benchtime 5x ./engine/
func BenchmarkExportPolis(b *testing.B) {
	if _, err := os.Stat(polisData); err != nil {
		b.Skipf("no Polis open data beside the project: %v", err)
	}
	ctx := context.Background()
	db := bunstoretest.SQLite(b)
	e := engine.New(engine.Config{Store: bunstore.NewStore(db)})
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "bench@example.org", Name: "Bench", Password: "bench password"})
	if err != nil {
		b.Fatal(err)
	}
	fac := engine.Actor{AccountID: acct.ID}
	comments, _ := os.Open(polisData + "/vtaiwan.uberx/comments.csv")
	votes, _ := os.Open(polisData + "/vtaiwan.uberx/votes.csv")
	res, err := e.ImportPolis(ctx, fac, engine.PolisImport{Name: "vtaiwan", Comments: comments, Votes: votes})
	comments.Close()
	votes.Close()
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := &countWriter{}
		if err := e.ExportGroup(ctx, fac, res.Group.ID, w, nil); err != nil {
			b.Fatal(err)
		}
		size = w.n
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(res.Ratings)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(size)/1e6, "zipMB")
	b.ReportMetric(float64(ms.HeapInuse)/1e6, "heapMB")
	_ = io.Discard
}
