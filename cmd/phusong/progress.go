package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progressBar draws "label [#####-----]  45%  1234/5678" on a terminal,
// redrawn at most ten times a second, and a final line when done. Off a
// terminal it stays silent, so logs and CI output keep only the summary.
type progressBar struct {
	w       io.Writer
	label   string
	tty     bool
	last    time.Time
	started time.Time
}

func newProgressBar(label string) *progressBar {
	fi, err := os.Stderr.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return &progressBar{w: os.Stderr, label: label, tty: tty, started: time.Now()}
}

// Update is the callback handed to long operations.
func (p *progressBar) Update(done, total int) {
	if !p.tty || total <= 0 {
		return
	}
	if done < total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := width * done / total
	fmt.Fprintf(p.w, "\r%s [%s%s] %3d%%  %d/%d", p.label, strings.Repeat("#", filled),
		strings.Repeat("-", width-filled), 100*done/total, done, total)
	if done == total {
		fmt.Fprintf(p.w, "  %.1fs\n", time.Since(p.started).Seconds())
	}
}
