// B4 peer (bench/FeedHub.Bench runs it): gofeed, Go's most used feed parser, over the files listed in the
// first argument, the same files B4 hands FeedHub's parser. Reads every file into memory, parses them all once
// untimed (page cache, heap growth), then times PASSES passes of gofeed.NewParser().Parse over the bytes.
// Prints one line: items (of one pass), seconds (of all passes), passes, files gofeed could not read.
//
// Built by the harness (never committed as a binary) with Debian's packages:
//
//	apt-get install -y golang-go golang-github-mmcdole-gofeed-dev
//	GOPATH=/usr/share/gocode GO111MODULE=off go build -o BIN bench/gofeed/main.go
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gofeed-bench FILE-LIST [PASSES]")
		os.Exit(2)
	}

	passes := 1
	if len(os.Args) > 2 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 1 {
			fmt.Fprintln(os.Stderr, "PASSES must be a positive number")
			os.Exit(2)
		}
		passes = n
	}

	list, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var documents [][]byte
	var paths []string
	scanner := bufio.NewScanner(list)
	for scanner.Scan() {
		path := strings.TrimSpace(scanner.Text())
		if path == "" {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		documents = append(documents, data)
		paths = append(paths, path)
	}
	list.Close()

	// The untimed pass: also what is counted (items found, files refused).
	items, failures := parseAll(documents, paths)

	started := time.Now()
	for pass := 0; pass < passes; pass++ {
		parseAll(documents, nil)
	}
	seconds := time.Since(started).Seconds()
	fmt.Printf("%d %.6f %d %d\n", items, seconds, passes, failures)
}

// parseAll names on stderr the files gofeed refuses when paths is given.
func parseAll(documents [][]byte, paths []string) (items int, failures int) {
	for i, document := range documents {
		// A parser per document, as a poll would make one; NewParser is cheap.
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(document))
		if err != nil {
			failures++
			if paths != nil {
				fmt.Fprintf(os.Stderr, "gofeed refused %s: %v\n", paths[i], err)
			}
			continue
		}
		items += len(feed.Items)
	}
	return items, failures
}
