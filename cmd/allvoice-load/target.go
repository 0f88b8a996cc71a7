package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// checkTarget parses the server URL and refuses one whose host is not on
// this machine, unless allowRemote: every address the name resolves to
// must be a loopback address.
func checkTarget(ctx context.Context, raw string, allowRemote bool, resolve func(context.Context, string) ([]net.IPAddr, error)) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--url must be an http:// or https:// URL of the server, e.g. http://127.0.0.1:8080")
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if allowRemote {
		return u, nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if !ip.IsLoopback() {
			return nil, fmt.Errorf("%s is not a loopback address; load only a server on this machine, or pass --allow-remote for one you run", host)
		}
		return u, nil
	}
	addrs, err := resolve(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("cannot resolve %s: %v", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%s resolves to no address", host)
	}
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return nil, fmt.Errorf("%s resolves to %s, which is not a loopback address; pass --allow-remote for a server you run", host, a.IP)
		}
	}
	return u, nil
}
