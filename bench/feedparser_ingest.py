"""B4 baseline (b): Debian's feedparser over the files listed in argv[1]; prints items and seconds."""
import sys
import time

import feedparser

paths = [line.strip() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
documents = [open(path, "rb").read() for path in paths]
started = time.perf_counter()
items = sum(len(feedparser.parse(document).entries) for document in documents)
print(items, time.perf_counter() - started)
