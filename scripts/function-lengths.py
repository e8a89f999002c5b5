#!/usr/bin/env python3
"""Lists the functions in src/ longer than a limit (default 80 lines), longest first.

Reads each file with a small brace matcher that skips comments, strings and character
literals: a `{` whose preceding declaration has a parameter list and that does not open a
namespace, type or control statement, outside any other function body, opens a function
body; its length is counted from the declaration's first line to the closing `}`. Exit
status 1 when any function is over the limit. Not for: anything but this check.
"""
import pathlib
import re
import sys

LIMIT = int(sys.argv[1]) if len(sys.argv) > 1 else 80
ROOT = pathlib.Path(__file__).resolve().parent.parent
NOT_FUNCTION = re.compile(r"^(namespace|struct|class|enum|union|extern|if|for|while|switch|else|do|try|catch|return)\b")


def is_digit_separator(text, i):
    """True when the quote at `i` is inside a number literal such as 1'000'000 or 0xFF'FF."""
    if i + 1 >= len(text) or not text[i + 1].isalnum():
        return False
    k = i - 1
    while k >= 0 and (text[k].isalnum() or text[k] == "'"):
        k -= 1
    token = text[k + 1:i]
    return bool(token) and token[0].isdigit() and (k < 0 or text[k] != "_")


def code_only(text):
    """`text` with preprocessor lines, comments, strings and char literals blanked (newlines kept)."""
    # A directive continues over lines ending in a backslash (multi-line macros).
    text = re.sub(r"(?m)^[ \t]*#(?:.*\\\n)*.*$", lambda m: re.sub(r"[^\n]", "", m.group(0)), text)
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'" and is_digit_separator(text, i):
            out.append(" ")  # 1'000'000: not a character literal
            i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (j + 1 - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(path):
    code = code_only(path.read_text())
    found, stack, header_start = [], [], 0
    for i, c in enumerate(code):
        if c == "{":
            header = code[header_start:i].strip()
            in_function = any(kind == "function" for kind, _ in stack)
            is_function = (not in_function and "(" in header and not NOT_FUNCTION.match(header)
                           and not header.endswith("=") and not header.startswith("("))
            start = header_start + (len(code[header_start:i]) - len(code[header_start:i].lstrip()))
            stack.append(("function" if is_function else "block", start))
            header_start = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    first = code.count("\n", 0, start) + 1
                    last = code.count("\n", 0, i) + 1
                    if last - first + 1 > LIMIT:
                        name = code[start:code.find("(", start)].split()[-1] if "(" in code[start:i] else "?"
                        found.append((last - first + 1, f"{path.relative_to(ROOT)}:{first}", name))
            header_start = i + 1
        elif c == ";":
            header_start = i + 1
    return found


found = []
for path in sorted((ROOT / "src").rglob("*.[ch]pp")):
    found += long_functions(path)
for length, where, name in sorted(found, reverse=True):
    print(f"{length:4d}  {where}  {name}")
sys.exit(1 if found else 0)
