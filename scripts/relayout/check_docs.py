#!/usr/bin/env python3
"""List backticked module paths and dotted names in README.md and docs/ that do not exist."""

import os
import pathlib
import re

APPS = (
    "nextmile|dsps|fleet|drivers|routes|billing|network|analytics|integrations|compliance|supplies"
)
bad = set()
for f in ["README.md", *map(str, pathlib.Path("docs").glob("*.md"))]:
    t = open(f).read()
    for m in re.finditer(rf"`((?:{APPS})(?:/[\w./*]+))`", t):
        p = m.group(1).rstrip("/")
        if "*" not in p and not os.path.exists(p):
            bad.add((f, p))
    for m in re.finditer(rf"`((?:{APPS})\.[\w.]+)", t):
        parts = m.group(1).rstrip(".").split(".")
        for i in range(len(parts), 0, -1):
            path = "/".join(parts[:i])
            src = path + ".py" if os.path.exists(path + ".py") else path + "/__init__.py"
            if os.path.exists(src):
                rest = parts[i:]
                if rest and not re.search(r"\b" + re.escape(rest[0]) + r"\b", open(src).read()):
                    bad.add(
                        (f, ".".join(parts) + " (attribute; task names and model labels are fine)")
                    )
                break
for b in sorted(bad):
    print(*b)
