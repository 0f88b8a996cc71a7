package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// apiPrefix is where the JSON API lives on the server.
const apiPrefix = "/api/v1"

// client calls the JSON API and records each call.
type client struct {
	base    *url.URL
	http    *http.Client
	timeout time.Duration
}

func newClient(base *url.URL, conns int, timeout time.Duration) *client {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute}
	return &client{base: base, http: &http.Client{Transport: tr}, timeout: timeout}
}

// call is one request.
type call struct {
	op     string // the operation's name in the report
	method string
	path   string // under /api/v1
	token  string
	body   any
	header map[string]string
}

// apiError is a request that did not succeed.
type apiError struct {
	op     string
	status int // 0: no answer
	detail string
	// retry is what a 429 answer's Retry-After asks to wait.
	retry time.Duration
}

func (e *apiError) Error() string {
	if e.status == 0 {
		return fmt.Sprintf("%s: %s", e.op, e.detail)
	}
	return fmt.Sprintf("%s: status %d: %s", e.op, e.status, e.detail)
}

// do performs c, records it in rec and decodes a 2xx answer into out
// (when not nil). A non-2xx answer is an *apiError.
func (cl *client) do(ctx context.Context, rec *recorder, c call, out any) (int, error) {
	var body io.Reader
	if c.body != nil {
		raw, err := json.Marshal(c.body)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(raw)
	}
	rctx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, c.method, cl.base.String()+apiPrefix+c.path, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	resp, err := cl.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err() // the run ended: not the server's failure
		}
		rec.record(c.op, 0, time.Since(start), false)
		return 0, &apiError{op: c.op, detail: err.Error()}
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		rec.record(c.op, 0, elapsed, false)
		return 0, &apiError{op: c.op, detail: "reading the answer: " + err.Error()}
	}
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	rec.record(c.op, resp.StatusCode, elapsed, ok)
	if !ok {
		e := &apiError{op: c.op, status: resp.StatusCode, detail: problemDetail(raw)}
		if resp.StatusCode == http.StatusTooManyRequests {
			e.retry = retryAfter(resp.Header.Get("Retry-After"))
		}
		return resp.StatusCode, e
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s: decoding the answer: %v", c.op, err)
		}
	}
	return resp.StatusCode, nil
}

// problemDetail returns the detail of a problem+json answer, or its start.
func problemDetail(raw []byte) string {
	var p struct {
		Detail string `json:"detail"`
	}
	if json.Unmarshal(raw, &p) == nil && p.Detail != "" {
		return p.Detail
	}
	if len(raw) > 200 {
		raw = raw[:200]
	}
	return string(raw)
}

// retryAfter is how long a 429 answer asks to wait, at most a minute.
func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(h); err == nil && s > 0 {
		return min(time.Duration(s)*time.Second, time.Minute)
	}
	return 5 * time.Second
}
