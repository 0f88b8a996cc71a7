// Package polis parses the CSV files of a Polis open-data export
// (github.com/compdemocracy/openData): comments.csv, votes.csv and
// participants-votes.csv.
//
// It does pure parsing from an io.Reader: no files, no engine types. The export
// convention is used throughout: a vote is agree = 1, disagree = −1, pass = 0.
// votes.csv is an event log in which a voter may vote on the same comment more
// than once; LatestVotes and ReadConversation keep the latest vote per
// (voter, comment) by timestamp, and ReadConversation drops rejected comments
// (moderated = −1) together with their votes.
//
// Input is treated as hostile: Options bounds the bytes read, the rows kept and
// the length of a comment body, and every malformed field is reported as a
// *ParseError naming the file, line and column.
package polis
