"""Shared parts of tools/lint-layers and tools/lint-sql.

Both lints read C through the same small lexer (comments blanked, string
literals kept with their line numbers and the literals they are concatenated
with), and both hold today's known violations in a baseline file that can only
shrink: a violation not in the baseline fails, and so does a baselined one that
has disappeared ("fixed: remove from baseline"), so the file always says exactly
how much debt is left.

A baseline line is "<file> <key> <note...>": the first two fields are the key
(never a line number, so edits elsewhere in a file do not disturb it); the rest
is for the reader. Lines starting with '#' are comments. Keys are compared as a
multiset: a file that includes the same header twice has two lines.
"""
import collections
import glob
import hashlib
import os
import re
import sys


def c_files(root):
    """Every .c, .h and .def file under root/src, sorted, as paths relative to root."""
    out = []
    for ext in ("c", "h", "def"):
        out += glob.glob(os.path.join(root, "src", "**", "*." + ext), recursive=True)
    return sorted(os.path.relpath(p, root) for p in out)


class Lexed:
    """C source with comments blanked out (newlines kept) and its string literals.

    code:     the text with every comment replaced by spaces, literals intact
    literals: list of (line, start, end, value) for each "..." literal, value
              being the raw text between the quotes
    """

    TOKEN = re.compile(r"/\*.*?(?:\*/|\Z)|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"?|'(?:\\.|[^'\\\n])*'?",
                       re.S)

    def __init__(self, text):
        out, lits, pos, line = [], [], 0, 1
        for m in self.TOKEN.finditer(text):
            start, end = m.span()
            line += text.count("\n", pos, start)
            out.append(text[pos:start])
            tok = m.group(0)
            if tok[0] == "/":
                out.append(re.sub(r"[^\n]", " ", tok))
            else:
                if tok[0] == '"':
                    body = tok[1:-1] if len(tok) > 1 and tok.endswith('"') else tok[1:]
                    lits.append((line, start, end, body))
                out.append(tok)
            line += tok.count("\n")
            pos = end
        out.append(text[pos:])
        self.code = "".join(out)
        self.literals = lits

    def strings(self):
        """Concatenated string constants: (line of the first piece, joined value).

        Adjacent literals separated only by white space (and comments, which are
        blanked) are one constant to the compiler, so "UPDATE appeals" " SET x = ?"
        is seen as one statement; a single identifier between two pieces (a macro:
        "UPDATE " t " SET ") is kept in its place. Literals on #include lines
        are skipped.
        """
        out, cur, cur_line, prev_end = [], None, 0, -1
        for line, start, end, value in self.literals:
            bol = self.code.rfind("\n", 0, start) + 1
            if re.match(r"\s*#\s*include\b", self.code[bol:start]):
                continue
            gap = self.code[prev_end:start].strip() if cur is not None else None
            if gap == "":
                cur.append(value)
            elif gap is not None and re.fullmatch(r"[A-Za-z_]\w*", gap):
                cur.append(" " + gap + " " + value)  # "SELECT " COLS " FROM" in a macro
            else:
                if cur is not None:
                    out.append((cur_line, "".join(cur)))
                cur, cur_line = [value], line
            prev_end = end
        if cur is not None:
            out.append((cur_line, "".join(cur)))
        return out


def lex_file(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        return Lexed(f.read())


def short_hash(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def read_baseline(path):
    """Multiset of (file, key) → count, and the full line for each key."""
    keys, lines = collections.Counter(), {}
    if not os.path.exists(path):
        return keys, lines
    with open(path, encoding="utf-8") as f:
        for raw in f:
            s = raw.rstrip("\n")
            if not s.strip() or s.lstrip().startswith("#"):
                continue
            parts = s.split(None, 2)
            if len(parts) < 2:
                continue
            k = (parts[0], parts[1])
            keys[k] += 1
            lines[k] = s
    return keys, lines


def compare(found, baseline_path, header, args, tool, errors=0):
    """found: list of (file, key, note, message). Prints and returns the exit status.

    errors: problems the caller has already printed (they fail the check too).

    With --update-baseline, rewrites the baseline; it refuses to add entries
    (the debt may only shrink) unless --allow-growth is also given.
    """
    current = collections.Counter((f, k) for f, k, _, _ in found)
    notes = {}
    for f, k, note, _ in found:
        notes.setdefault((f, k), note)
    base, base_lines = read_baseline(baseline_path)
    rel_base = os.path.relpath(baseline_path)

    if "--list" in args:  # every violation, baselined or not
        for f, k, note, message in found:
            print(message)
        print(f"{len(found)} violations")
        return 0

    if "--update-baseline" in args:
        grown = current - base
        # only a first baseline (no file yet) may start from nothing
        if grown and os.path.exists(baseline_path) and "--allow-growth" not in args:
            for f, k in sorted(grown):
                print(f"{f}: new violation {k} {notes[(f, k)]}")
            print(f"{tool}: refusing to add {sum(grown.values())} entries to {rel_base}; "
                  "the baseline only shrinks (fix them, or pass --allow-growth when code moves)")
            return 1
        with open(baseline_path, "w", encoding="utf-8") as out:
            out.write(header)
            for f, k in sorted(current.elements()):
                out.write(f"{f} {k} {notes[(f, k)]}".rstrip() + "\n")
        shrunk = base - current
        print(f"{tool}: wrote {sum(current.values())} entries to {rel_base} "
              f"({sum(shrunk.values())} removed, {sum((current - base).values())} added)")
        return 0

    bad = errors
    # report each new violation at its place; when a key occurs more times than
    # the baseline allows, the extra occurrences are the new ones
    allowed = collections.Counter(base)
    new = 0
    for f, k, note, message in found:
        if allowed[(f, k)] > 0:
            allowed[(f, k)] -= 1
        else:
            print(message)
            new += 1
    gone = base - current
    for f, k in sorted(gone.elements()):
        print(f"{rel_base}: fixed: remove from baseline: {base_lines[(f, k)]}")
    fixed = sum(gone.values())
    bad += new + fixed
    known = sum(base.values()) - fixed
    if new:
        print(f"{tool}: {new} new violation(s); fix them: {rel_base} ({known} known) only shrinks")
    if fixed:
        print(f"{tool}: {fixed} violation(s) fixed; run {tool} --update-baseline to shrink {rel_base}")
    print(f"{0 if bad else 1} passed, {1 if bad else 0} failed")
    return 1 if bad else 0


def parse_common_args(argv, extra=()):
    """--root DIR, --baseline FILE and flags; returns (root, baseline or None, flags, opts)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(argv[0])))
    baseline, flags, opts = None, set(), {}
    known = {"--update-baseline", "--allow-growth", "--list", "--by-file", "-h", "--help"}
    it = iter(argv[1:])
    for a in it:
        if a == "--root":
            root = next(it)
        elif a == "--baseline":
            baseline = next(it)
        elif a in extra:
            opts[a] = next(it)
        elif a in known:
            flags.add(a)
        else:
            sys.exit(f"{os.path.basename(argv[0])}: unknown argument '{a}'")
    return os.path.abspath(root), baseline, flags, opts


def by_file(found):
    """Violation counts grouped by file, largest first (for planning)."""
    c = collections.Counter(f for f, _, _, _ in found)
    for f, n in sorted(c.items(), key=lambda x: (-x[1], x[0])):
        print(f"{n:4d}  {f}")
    print(f"{sum(c.values()):4d}  total in {len(c)} files")
