package analysis

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// polisDir is the real Polis open data shipped beside the repository
// (shared/data/polis-open-data, CC BY 4.0, The Computational Democracy
// Project).
const polisDir = "../../../shared/data/polis-open-data"

// polisComment holds a comment's vote counts from two independent sources:
// comments.csv and the last vote per voter in the votes.csv event log.
type polisComment struct{ agrees, disagrees, logAgrees, logDisagrees, logPasses int }

// polisSnapshot reads a Polis export as a one-round group on the
// agree/disagree scale: participants are members, accepted or unmoderated
// comments are proposals (agree = +1, disagree = −1, pass = 0, blank = not
// seen), authors come from comments.csv. It also returns comments.csv's
// agree and disagree counts per proposal index.
func polisSnapshot(t testing.TB, name string) (Snapshot, []polisComment) {
	t.Helper()
	dir := filepath.Join(polisDir, name)
	read := func(file string) [][]string {
		f, err := os.Open(filepath.Join(dir, file))
		if err != nil {
			t.Skipf("Polis data not available: %v", err)
		}
		defer f.Close()
		r := csv.NewReader(f)
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return rows
	}
	comments := read("comments.csv")
	type meta struct {
		author            string
		agrees, disagrees int
	}
	accepted := map[string]meta{}
	for _, row := range comments[1:] {
		if row[6] == "-1" {
			continue
		}
		a, _ := strconv.Atoi(row[4])
		d, _ := strconv.Atoi(row[5])
		accepted[row[2]] = meta{author: row[3], agrees: a, disagrees: d}
	}
	pv := read("participants-votes.csv")
	head := pv[0]
	s := Snapshot{Scale: AgreeDisagreeScale(), Seed: 1}
	s.Rule = DefaultConsensusRule(s.Scale)
	var cols []int
	var counts []polisComment
	colProposal := map[int]int{}
	for c, h := range head {
		if _, err := strconv.Atoi(h); err != nil {
			continue
		}
		m, ok := accepted[h]
		if !ok {
			continue
		}
		colProposal[c] = len(s.Proposals)
		cols = append(cols, c)
		s.Proposals = append(s.Proposals, Proposal{ID: "c" + h, Author: -1})
		counts = append(counts, polisComment{agrees: m.agrees, disagrees: m.disagrees})
	}
	memberOf := map[string]int{}
	rd := Round{ID: "polis"}
	for _, row := range pv[1:] {
		m := len(s.Members)
		memberOf[row[0]] = m
		s.Members = append(s.Members, Member{ID: "p" + row[0], Perspective: -1})
		rd.Invited = append(rd.Invited, m)
		for _, c := range cols {
			if c >= len(row) || row[c] == "" {
				continue
			}
			v, err := strconv.Atoi(row[c])
			if err != nil {
				t.Fatalf("vote %q", row[c])
			}
			rd.Ratings.Member = append(rd.Ratings.Member, int32(m))
			rd.Ratings.Proposal = append(rd.Ratings.Proposal, int32(colProposal[c]))
			rd.Ratings.Value = append(rd.Ratings.Value, int8(v))
			rd.Ratings.Pass = append(rd.Ratings.Pass, v == 0)
		}
	}
	for i, p := range s.Proposals {
		if m, ok := memberOf[accepted[p.ID[1:]].author]; ok {
			s.Proposals[i].Author = m
		}
		rd.Agenda = append(rd.Agenda, i)
	}
	// The event log, last vote by timestamp per (comment, voter), restricted
	// to the exported participants.
	type key struct{ comment, voter string }
	type ev struct {
		ts   int64
		vote string
	}
	last := map[key]ev{}
	for _, row := range read("votes.csv")[1:] {
		ts, _ := strconv.ParseInt(row[0], 10, 64)
		k := key{row[2], row[3]}
		if e, ok := last[k]; !ok || ts >= e.ts {
			last[k] = ev{ts, row[4]}
		}
	}
	index := map[string]int{}
	for i, p := range s.Proposals {
		index[p.ID[1:]] = i
	}
	for k, e := range last {
		i, ok := index[k.comment]
		if _, voter := memberOf[k.voter]; !ok || !voter {
			continue
		}
		switch e.vote {
		case "1":
			counts[i].logAgrees++
		case "-1":
			counts[i].logDisagrees++
		default:
			counts[i].logPasses++
		}
	}
	s.Rounds = []Round{rd}
	return s, counts
}

// TestPolisOpenData analyses real Polis conversations: every proposal's
// distribution and pass count match the last vote per voter in Polis's
// votes.csv event log, an independent source (comments.csv's counts also
// include votes of participants the export leaves out, so they are only
// logged); the whole result encodes without NaN.
func TestPolisOpenData(t *testing.T) {
	for _, tc := range []struct {
		name string
	}{
		{"london.youth.policing"},
		{"brexit-consensus"},
		{"15-per-hour-seattle"},
		{"vtaiwan.uberx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if testing.Short() && tc.name == "vtaiwan.uberx" {
				t.Skip("large conversation")
			}
			s, counts := polisSnapshot(t, tc.name)
			res := mustAnalyse(t, s)
			marshal(t, res)
			mismatch := 0
			for i, pr := range res.Proposals {
				// Scale values are [-1, +1]: Distribution[0] disagrees, [1] agrees.
				c := counts[i]
				if pr.Distribution[1] != c.logAgrees || pr.Distribution[0] != c.logDisagrees || pr.NPassed != c.logPasses {
					t.Errorf("%s: distribution %v passes %d, votes.csv %d/%d/%d", pr.ID, pr.Distribution, pr.NPassed, c.logDisagrees, c.logAgrees, c.logPasses)
				}
				if pr.Distribution[1] != c.agrees || pr.Distribution[0] != c.disagrees {
					mismatch++
				}
				if pr.NRated > 0 && (pr.Agree == nil || pr.Agree.Count != pr.Distribution[1]) {
					t.Errorf("%s: agree %+v", pr.ID, pr.Agree)
				}
			}
			v := res.Round.Verdicts
			t.Logf("%d members × %d proposals, %d ratings: %d proposals differ from comments.csv; verdicts for %d against %d none %d split %d too few %d; opinion groups clear=%v k=%d (%s); alpha %v (%s); W %v (%s)",
				len(s.Members), len(s.Proposals), s.Rounds[0].Ratings.Len(), mismatch, v.ConsensusFor, v.ConsensusAgainst, v.NoConsensus, v.Split, v.TooFew,
				res.OpinionGroups.Clear, res.OpinionGroups.K, res.OpinionGroups.Reason, alphaOf(res), res.Round.KrippendorffReason, wOf(res), res.Round.KendallReason)
			if v.ConsensusFor+v.ConsensusAgainst+v.NoConsensus+v.Split+v.TooFew != len(s.Proposals) {
				t.Error("verdicts do not cover the agenda")
			}
		})
	}
}

func alphaOf(r *Result) any {
	if r.Round.Krippendorff == nil {
		return nil
	}
	return r.Round.Krippendorff.Alpha
}

func wOf(r *Result) any {
	if r.Round.Kendall == nil {
		return nil
	}
	return r.Round.Kendall.W
}
