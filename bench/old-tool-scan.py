#!/usr/bin/env python3
"""The old Python tool's base-image discovery, for comparison with `image-factory base-images`.

    python3 bench/old-tool-scan.py FILE...      prints JSON on stdout

The old tool (see docs: product.md section 9) found base images with a regular expression over the
lines of a Dockerfile that start with `FROM `: it took the next whitespace-separated token as the
image and split it on `:` into name and tag. Reproduced here as faithfully as the description allows:

- only lines starting with `FROM ` at column 0 are seen (no lowercase `from`, no indented or
  continued FROM, no `COPY --from=<image>`, no `RUN --mount=from=<image>`);
- heredoc bodies are not recognised, so a body line starting with `FROM ` counts;
- the token after FROM is taken as is: `--platform=...` is recorded as an image, ARGs are never
  expanded, stage names (`FROM build AS test`) are recorded as images;
- `name, tag = token.split(':')[0], token.split(':')[1]` -- digests and registry ports are mis-split;
- `scratch` is skipped. An untagged image is recorded with tag `latest` (product.md says the old
  tool dropped `FROM ubuntu`; this reproduction is the more generous reading, so the comparison
  does not count that defect against it).

Output: {"files": {path: [{"name": ..., "tag": ..., "line": n}]}, "scanSeconds": s, "readSeconds": s}
where scanSeconds is the time spent reading and scanning all files (interpreter start excluded).
"""

import json
import re
import sys
import time

FROM_LINE = re.compile(r"^FROM\s+(\S+)")


def scan(text):
    images = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = FROM_LINE.match(line)
        if not match:
            continue
        token = match.group(1)
        if token == "scratch":
            continue
        parts = token.split(":")
        name = parts[0]
        tag = parts[1] if len(parts) > 1 else "latest"
        images.append({"name": name, "tag": tag, "line": number})
    return images


def main(paths):
    start = time.perf_counter()
    results = {}
    read_seconds = 0.0
    for path in paths:
        t0 = time.perf_counter()
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        read_seconds += time.perf_counter() - t0
        results[path] = scan(text)
    scan_seconds = time.perf_counter() - start
    # One json.dumps call (the C encoder) and one write: the old tool printed no JSON, so this
    # reproduction's output must not slow it down (json.dump to a stream encodes piece by piece
    # and took several times the scan itself).
    sys.stdout.write(json.dumps({"files": results, "scanSeconds": scan_seconds, "readSeconds": read_seconds}))
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write("usage: old-tool-scan.py FILE...\n")
        sys.exit(2)
    main(sys.argv[1:])
