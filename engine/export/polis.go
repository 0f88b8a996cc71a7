package export

import (
	"strconv"
)

// Paths of the Polis-compatible view.
const (
	PathPolisComments     = "polis/comments.csv"
	PathPolisVotes        = "polis/votes.csv"
	PathPolisParticipants = "polis/participants-votes.csv"
)

// WithheldText stands in the Polis view for a comment whose text is
// withheld: Polis tools need a body.
const WithheldText = "[text withheld]"

// polisView is the latest Polis vote of each consented member on each
// proposal, one byte per cell: 0 not seen, else vote + 2.
type polisView struct {
	s      Scale
	nProp  int
	cells  []int8
	author map[int]int // proposal → author's polis participant
}

func newPolisView(p *Package) *polisView {
	v := &polisView{s: p.Meta.Scale, nProp: len(p.Proposals), author: map[int]int{}}
	v.cells = make([]int8, len(p.Members)*v.nProp)
	byID := make(map[string]int, len(p.Members))
	for _, m := range p.Members {
		byID[m.ID] = m.PolisID
	}
	for _, pr := range p.Proposals {
		if pr.AuthorStatus == AuthorExported {
			v.author[pr.Number] = byID[pr.AuthorID]
		}
	}
	return v
}

// PolisVote maps a rating to Polis's convention: agree = 1 for a value in
// the agree zone, disagree = −1 in the disagree zone, and 0 (Polis's
// pass) for a pass or a value in neither zone.
func PolisVote(s Scale, value *int, pass bool) int {
	switch {
	case pass || value == nil:
		return 0
	case s.InAgree(*value):
		return 1
	case s.InDisagree(*value):
		return -1
	}
	return 0
}

// vote records e as its member's latest vote on its proposal; events
// arrive in order of creation, so the last one wins, as in Polis.
func (v *polisView) vote(e *RatingEvent) {
	if e.PolisID < 1 || e.Proposal < 1 || e.Proposal > v.nProp {
		return
	}
	i := (e.PolisID-1)*v.nProp + e.Proposal - 1
	if i < len(v.cells) {
		v.cells[i] = int8(PolisVote(v.s, e.Value, e.Pass) + 2)
	}
}

// cell returns member m's (1-based) latest vote on proposal p and whether
// there is one.
func (v *polisView) cell(m, p int) (int, bool) {
	c := v.cells[(m-1)*v.nProp+p-1]
	return int(c) - 2, c != 0
}

// moderated maps a proposal state to Polis's moderation code.
func moderated(state string) int {
	if state == "hidden" {
		return -1
	}
	return 1
}

func (x *writer) polisComments() error {
	return x.table(polisCommentsTable(), func(row func(...string) error) error {
		v := x.polis
		nm := len(x.p.Members)
		for _, pr := range x.p.Proposals {
			agrees, disagrees := 0, 0
			for m := 1; m <= nm; m++ {
				if vote, ok := v.cell(m, pr.Number); ok {
					switch vote {
					case 1:
						agrees++
					case -1:
						disagrees++
					}
				}
			}
			body := pr.Text
			if pr.TextStatus != TextExported || body == "" {
				body = WithheldText
			}
			if err := row(strconv.FormatInt(pr.CreatedAt.Unix(), 10), datetime(pr.CreatedAt), itoa(pr.Number), itoa(v.author[pr.Number]),
				itoa(agrees), itoa(disagrees), itoa(moderated(pr.State)), text(body)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (x *writer) polisVotes() error {
	return x.table(polisVotesTable(), func(row func(...string) error) error {
		if x.p.Events == nil {
			return nil
		}
		return x.p.Events(func(e *RatingEvent) error {
			x.streamed()
			return row(strconv.FormatInt(e.CreatedAt.Unix(), 10), datetime(e.CreatedAt), itoa(e.Proposal), itoa(e.PolisID),
				itoa(PolisVote(x.p.Meta.Scale, e.Value, e.Pass)))
		})
	})
}

// shownProposals are the proposals that get a column in
// participants-votes.csv: every one not hidden by moderation.
func (x *writer) shownProposals() []int {
	var out []int
	for _, p := range x.p.Proposals {
		if moderated(p.State) != -1 {
			out = append(out, p.Number)
		}
	}
	return out
}

func (x *writer) polisParticipants() error {
	shown := x.shownProposals()
	authored := map[int]int{}
	for _, p := range x.p.Proposals {
		if a := x.polis.author[p.Number]; a > 0 && moderated(p.State) != -1 {
			authored[a]++
		}
	}
	return x.table(polisParticipantsTable(shown), func(row func(...string) error) error {
		v := x.polis
		vals := make([]string, 6+len(shown))
		for _, m := range x.p.Members {
			n, agree, disagree := 0, 0, 0
			for i, p := range shown {
				vote, ok := v.cell(m.PolisID, p)
				vals[6+i] = ""
				if !ok {
					continue
				}
				vals[6+i] = itoa(vote)
				n++
				switch vote {
				case 1:
					agree++
				case -1:
					disagree++
				}
			}
			if n == 0 {
				continue // Polis lists participants who voted
			}
			vals[0] = itoa(m.PolisID)
			vals[1] = ""
			if g, ok := x.p.OpinionGroups[m.ID]; ok && g > 0 {
				vals[1] = itoa(g - 1) // Polis numbers groups from 0
			}
			vals[2], vals[3], vals[4], vals[5] = itoa(authored[m.PolisID]), itoa(n), itoa(agree), itoa(disagree)
			if err := row(vals...); err != nil {
				return err
			}
		}
		return nil
	})
}

var polisVoteCategories = intCategories(-1, "disagree", 0, "pass (or a rating in neither zone)", 1, "agree")

func polisCommentsTable() Table {
	return Table{Name: "polis-comments", Path: PathPolisComments, Title: "Polis view: comments",
		Description: "Proposals as Polis comments, in the format of a Polis open-data export's comments.csv.",
		PrimaryKey:  []string{"comment-id"},
		Fields: []Field{
			{Name: "timestamp", Type: TypeInteger, Title: "Created (Unix seconds)", Required: true, Level: LevelScale, Description: "When the proposal was created, in seconds since 1970 (UTC)."},
			{Name: "datetime", Type: TypeDatetime, Title: "Created at (UTC)", Required: true, Level: LevelScale, Description: "The same time in ISO 8601."},
			{Name: "comment-id", Type: TypeInteger, Title: "Comment id", Required: true, Unique: true, Level: LevelNominal, Description: "The proposal number (proposals.csv)."},
			{Name: "author-id", Type: TypeInteger, Title: "Author participant", Required: true, Level: LevelNominal,
				Description: "The author's participant number (members.csv polis_participant); 0 when the author is not exported or there is none."},
			{Name: "agrees", Type: TypeInteger, Title: "Agree votes", Required: true, Level: LevelScale, Description: "Participants whose latest vote on it is agree (1)."},
			{Name: "disagrees", Type: TypeInteger, Title: "Disagree votes", Required: true, Level: LevelScale, Description: "Participants whose latest vote on it is disagree (−1)."},
			{Name: "moderated", Type: TypeInteger, Title: "Moderation", Required: true, Level: LevelNominal,
				Categories:  intCategories(-1, "rejected (hidden as harmful)", 0, "unmoderated", 1, "accepted"),
				Description: "Polis moderation: −1 for a proposal hidden as harmful, else 1."},
			{Name: "comment-body", Type: TypeString, Title: "Comment text", Required: true, Level: LevelNominal,
				Description: "The proposal text, or \"" + WithheldText + "\" when it is withheld (proposals.csv text_status). Line breaks are written as \\n."},
		}}
}

func polisVotesTable() Table {
	return Table{Name: "polis-votes", Path: PathPolisVotes, Title: "Polis view: votes",
		Description: "Every exported rating event as a Polis vote, in order (the vote history, changes included), in the format of votes.csv.",
		Fields: []Field{
			{Name: "timestamp", Type: TypeInteger, Title: "Voted (Unix seconds)", Required: true, Level: LevelScale, Description: "When the rating was submitted, in seconds since 1970 (UTC)."},
			{Name: "datetime", Type: TypeDatetime, Title: "Voted at (UTC)", Required: true, Level: LevelScale, Description: "The same time in ISO 8601 with microseconds."},
			{Name: "comment-id", Type: TypeInteger, Title: "Comment id", Required: true, Level: LevelNominal, Description: "The proposal number."},
			{Name: "voter-id", Type: TypeInteger, Title: "Voter participant", Required: true, Level: LevelNominal, Description: "The member's participant number (members.csv polis_participant)."},
			{Name: "vote", Type: TypeInteger, Title: "Vote", Required: true, Level: LevelNominal, Categories: polisVoteCategories,
				Description: "1 agree (a value in the agree zone), −1 disagree (disagree zone), 0 a pass or a value in neither zone."},
		}}
}

func polisParticipantsTable(shown []int) Table {
	t := Table{Name: "polis-participants-votes", Path: PathPolisParticipants, Title: "Polis view: participants × comments",
		Description: "Each voting participant's latest vote on each comment not hidden, in the format of participants-votes.csv.",
		PrimaryKey:  []string{"participant"},
		Fields: []Field{
			{Name: "participant", Type: TypeInteger, Title: "Participant", Required: true, Unique: true, Level: LevelNominal, Description: "The member's participant number (members.csv polis_participant)."},
			{Name: "group-id", Type: TypeInteger, Title: "Opinion group", Level: LevelNominal, Missing: "Empty when the member was not placed in an opinion group or no clear groups were found.",
				Description: "The member's opinion group in the latest analysed round, numbered from 0 as Polis does (Allvoice's group 1 is 0)."},
			{Name: "n-comments", Type: TypeInteger, Title: "Comments written", Required: true, Level: LevelScale, Description: "Comments (not hidden) the participant authored."},
			{Name: "n-votes", Type: TypeInteger, Title: "Votes", Required: true, Level: LevelScale, Description: "Comments the participant voted on (latest vote)."},
			{Name: "n-agree", Type: TypeInteger, Title: "Agree votes", Required: true, Level: LevelScale, Description: "Latest votes that are agree."},
			{Name: "n-disagree", Type: TypeInteger, Title: "Disagree votes", Required: true, Level: LevelScale, Description: "Latest votes that are disagree."},
		}}
	for _, p := range shown {
		t.Fields = append(t.Fields, Field{Name: itoa(p), Type: TypeInteger, Title: "Vote on comment " + itoa(p), Level: LevelNominal,
			Categories: polisVoteCategories, Missing: "Empty when the participant did not vote on it.",
			Description: "The participant's latest vote on comment " + itoa(p) + "."})
	}
	return t
}
