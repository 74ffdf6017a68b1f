package main

import (
	"net"
	"os"
	"runtime/debug"
)

// defaultInstance names an instance that was given no name: the host name
// and the port it listens on (addr is HOST:PORT), which tells apart both
// the machines behind a load balancer and the instances of one machine.
func defaultInstance(addr string) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return host
	}
	return net.JoinHostPort(host, port)
}

// buildVersion is the module version and the commit the binary was built
// from, as the build recorded them (the commit linked in by make build
// when it recorded none; see linkedCommit); "" for what is unknown.
func buildVersion(linked string) (version, commit string) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", linked
	}
	version, commit = bi.Main.Version, linked
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			commit = s.Value
		}
	}
	return version, commit
}
