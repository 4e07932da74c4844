#!/usr/bin/env bash
# Publishes FeedHub (Release, ReadyToRun, as deploy/Dockerfile does), builds the harness, then runs figures
# B1-B6 of issue 7, B7 of issue 9 (WebSub push latency), P1 (newsboat as a peer) and B8 (the cost of a
# dispatch at 10,000 and 100,000 sources) and writes
# bench/RESULTS.md; the rows of figures not run (--only) are kept.
#   bench/run.sh            every figure, 5 runs each (15 minutes on 2 quiet cores, up to 40 on busy ones; mostly B3)
#   bench/run.sh --sources 2000   the same with B3 at 2,000 sources (about 20 minutes)
#   bench/run.sh --quick    3 runs, shorter wrk runs, 2,000 sources for B3
#   bench/run.sh --only B1,B3 --repetitions 7 --sources 10000
#   bench/run.sh --only B7 --push-items 20   (articles and items pushed per run; about 6 minutes)
#   bench/run.sh --only P1   (2,000 feeds through FeedHub and newsboat, 5 runs; about 5 minutes)
#   bench/run.sh --only B8   (claims on stores of 10,000 and 100,000 sources; about a minute)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v wrk >/dev/null; then
  echo "wrk is missing: apt-get install -y wrk (Debian's package)" >&2
  exit 1
fi
if ! /usr/bin/python3 -c 'import feedparser' 2>/dev/null; then
  echo "note: Debian's feedparser is missing (apt-get install -y python3-feedparser); B4 (b) will be left empty" >&2
fi
if ! command -v newsboat >/dev/null; then
  echo "note: newsboat is missing (apt-get install -y newsboat); P1 will be skipped" >&2
fi
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/github.com/mmcdole/gofeed ]; then
  echo "note: Go or gofeed is missing (apt-get install -y golang-go golang-github-mmcdole-gofeed-dev); B4's gofeed row will be skipped" >&2
fi

# FeedHub is measured as deploy/Dockerfile ships it: published, ReadyToRun-compiled for this machine.
dotnet publish -c Release -v q --nologo --use-current-runtime --self-contained false -p:PublishReadyToRun=true \
  -o "$repo/src/FeedHub/bin/Release/bench-publish" "$repo/src/FeedHub/FeedHub.csproj"
dotnet build -c Release -v q --nologo "$repo/bench/FeedHub.Bench/FeedHub.Bench.csproj"
exec dotnet "$repo/bench/FeedHub.Bench/bin/Release/net10.0/FeedHub.Bench.dll" run --repo "$repo" "$@"
