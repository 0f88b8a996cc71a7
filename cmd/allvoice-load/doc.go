// Command allvoice-load drives realistic members against a running
// Allvoice server through its JSON API, for a bounded time, and reports
// throughput, latency percentiles (p50, p95, p99) per operation and errors
// by status.
//
// A facilitator (signed up afresh, or signed in with --email and
// --password) creates a group, a reusable invite and a round; --members
// members join with the invite and propose ideas; the facilitator opens
// the round for rating; then --concurrency workers act as the members for
// --duration: rating every idea, changing ratings with reasons, reading
// the results and their own ratings, while the facilitator reads the
// analysis and the consensus report. With --sse, the facilitator also
// holds live event streams open and counts what arrives.
//
// It refuses targets that are not on this machine (loopback addresses)
// unless --allow-remote is given: a load test is only to be run against a
// server one owns. The server's sign-up, sign-in and join rate limit
// counts every member joining from one address; run the server with
// --rate-limit 0 for load tests (the program otherwise waits out 429
// answers while members join).
//
// Usage:
//
//	allvoice-load --url http://127.0.0.1:8080 --duration 30s --members 64 --concurrency 64
package main
