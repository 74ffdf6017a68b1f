package main

import (
	"os"
	"os/user"
)

// osUser is the name of the user running the command: the account, or
// $USER where the account cannot be looked up (a container without
// /etc/passwd entry), or "unknown".
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "unknown"
}

// cliActor names who made a change from the command line in the audit log:
// "cli:" and the OS user, beside the service's "admin" and "provider:NAME".
func cliActor() string { return "cli:" + osUser() }
