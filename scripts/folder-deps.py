#!/usr/bin/env python3
"""Folder dependency pairs of Sources/TortureKit: X -> Y when a file in X names a type declared in Y."""
import os, re, sys
args = [a for a in sys.argv[1:] if not a.startswith("-")]
root = args[0] if args else "Sources/TortureKit"
decl = re.compile(r'^(?:public |internal |private |fileprivate |final |nonisolated |package )*(?:struct|class|enum|actor|protocol|typealias)\s+([A-Z][A-Za-z0-9_]*)', re.M)
owner = {}
files = {}
for dirpath, _, names in os.walk(root):
    for n in names:
        if not n.endswith(".swift"): continue
        p = os.path.join(dirpath, n)
        folder = os.path.relpath(p, root).split(os.sep)[0]
        text = open(p).read()
        text_nc = re.sub(r'//.*', '', text)
        files[p] = (folder, text_nc)
        for m in decl.finditer(text_nc):
            owner.setdefault(m.group(1), folder)
edges = {}
for p, (folder, text) in files.items():
    for ident in set(re.findall(r'\b[A-Z][A-Za-z0-9_]*\b', text)):
        f = owner.get(ident)
        if f and f != folder:
            edges.setdefault((folder, f), set()).add(ident)
both = sorted({tuple(sorted(k)) for k in edges if (k[1], k[0]) in edges})
print(f"{len(edges)} folder edges; {len(both)} pairs both ways")
for a, b in both:
    print(f"  {a} <-> {b}:  {a}->{b} {sorted(edges[(a,b)])[:6]}  |  {b}->{a} {sorted(edges[(b,a)])[:6]}")
if "-v" in sys.argv:
    for k in sorted(edges): print(k, sorted(edges[k]))
