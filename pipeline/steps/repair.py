"""Step `repair`: ftfy with a deliberate configuration, then whitespace and control-character clean-up.

ftfy is slow (about 1 ms per article, mostly its mojibake detector), and most lines are clean. ftfy
works line by line, so lines that hold none of the characters any configured fix acts on are passed
through untouched and only the others go to ftfy: the output is exactly that of `ftfy.fix_text` on the
whole text (tests/test_steps_repair.py checks it).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

import ftfy

from pipeline.compat import ftfy_internals, re_internals
from pipeline.config import RepairConfig
from pipeline.document import Document

# Unicode spaces that are not U+0020 (NBSP, thin, em, ideographic...) and zero-width marks.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# C0/C1 controls except newline; text never needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MULTI_SPACE = re.compile(r" {2,}")

# Characters common in clean prose (typography and accented letters): the mojibake gate avoids them
# when a rarer character of the same pattern will do, so that curly-quoted or French text skips ftfy.
_COMMON = frozenset("’‘“”–—…•·«»\u00a0©®™€£°") | frozenset(map(chr, range(0xC0, 0x180)))


@lru_cache(maxsize=8)
def fixer_config(config: RepairConfig) -> ftfy.TextFixerConfig:
    """The ftfy configuration our repair options stand for."""
    return ftfy.TextFixerConfig(
        unescape_html=config.unescape_html,
        remove_terminal_escapes=config.remove_terminal_escapes,
        fix_encoding=config.fix_encoding,
        restore_byte_a0=config.fix_encoding,
        replace_lossy_sequences=config.fix_encoding,
        decode_inconsistent_utf8=config.fix_encoding,
        fix_c1_controls=config.fix_encoding,
        fix_latin_ligatures=config.fix_latin_ligatures,
        fix_character_width=config.fix_character_width,
        uncurl_quotes=config.uncurl_quotes,
        fix_line_breaks=config.fix_line_breaks,
        fix_surrogates=True,
        remove_control_chars=config.remove_control,
        normalization=config.normalization,
        explain=False,
    )


def _item_chars(op: object, arg: object) -> frozenset[str] | None:
    """Characters one mandatory regex item matches (a literal or a plain class), or None when unknown."""
    c = re_internals.C
    if op is c.LITERAL:
        return frozenset(chr(arg))  # type: ignore[arg-type]
    if op is not c.IN:
        return None
    chars: set[str] = set()
    for sub_op, sub_arg in arg:  # type: ignore[attr-defined]
        if sub_op is c.LITERAL:
            chars.add(chr(sub_arg))
        elif sub_op is c.RANGE:
            chars.update(map(chr, range(sub_arg[0], sub_arg[1] + 1)))
        else:  # NEGATE, CATEGORY (\s, \w): not a small known set
            return None
    return frozenset(chars)


def _cost(chars: frozenset[str]) -> float:
    """How often an item's characters occur in clean text: ASCII is everywhere, typography is common."""
    return sum(float("inf") if ch.isascii() else 100 if ch in _COMMON else 1 for ch in chars)


@lru_cache(maxsize=1)
def mojibake_chars() -> frozenset[str] | None:
    """Characters of which every match of ftfy's mojibake detector holds one, or None if not derivable.

    The detector (`ftfy.badness.BADNESS_RE`) is an alternation of short character sequences; from each
    alternative we take its rarest mandatory character class. A line with none of them is not "bad",
    so ftfy's encoding fixer leaves it alone.
    """
    badness = ftfy_internals.badness_pattern()
    if badness is None:
        return None
    try:
        tree = re_internals.parse(badness.pattern, badness.flags)
        if len(tree) != 1 or tree[0][0] is not re_internals.C.BRANCH:
            return None
        out: set[str] = set()
        for alternative in tree[0][1][1]:
            items = [chars for op, arg in alternative if (chars := _item_chars(op, arg)) is not None]
            if not items:
                return None
            out.update(min(items, key=_cost))
        return frozenset(out)
    except Exception:  # noqa: BLE001 - a changed ftfy internals layout only costs speed: no gate
        return None


@lru_cache(maxsize=8)
def trigger_re(config: RepairConfig) -> re.Pattern[str] | None:
    """One character class of everything any configured ftfy fix acts on; None when no safe gate exists."""
    if config.fix_encoding and mojibake_chars() is None:
        return None
    rest = _other_chars(config)
    return None if rest is None else _gate(rest | (mojibake_chars() or frozenset() if config.fix_encoding else frozenset()))


@lru_cache(maxsize=8)
def other_re(config: RepairConfig) -> re.Pattern[str] | None:
    """The trigger without the mojibake detector's characters: what the fixes other than the encoding fix act on."""
    rest = _other_chars(config)
    return None if rest is None else _gate(rest)


def _other_chars(config: RepairConfig) -> frozenset[str] | None:
    """The characters the configured fixes act on, the encoding fix's mojibake detector left out; None when unknown."""
    chars: set[str] = {"&", "<"}  # html entities (see _gate); '<' switches 'auto' unescaping off for later lines
    if config.fix_encoding:
        chars |= set(map(chr, range(0x80, 0xA0)))  # C1 controls (fix_c1_controls)
    chars |= set("\r\u2028\u2029\x85\x1b")  # line breaks, terminal escapes
    for enabled, table in ((config.remove_control, "CONTROL_CHARS"), (config.fix_latin_ligatures, "LIGATURES"),
                           (config.fix_character_width, "WIDTH_MAP")):
        if enabled:
            found = ftfy_internals.char_table(table)
            if found is None:
                return None
            chars |= found
    if config.uncurl_quotes:
        chars |= set("ʼ\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f")
    return frozenset(chars)


def _gate(chars: frozenset[str]) -> re.Pattern[str]:
    """A search for any of `chars` or a surrogate; an '&' counts only where it opens what ftfy unescapes
    (chardata.HTML_ENTITY_RE, `&#?[0-9A-Za-z]{1,24};`): a bare '&' ('Q&A', 'AT&T') is common on web pages."""
    body = "".join(sorted(re.escape(ch) for ch in chars))
    # The class comes first so that re scans for its characters.
    return re.compile(f"[{body}\ud800-\udfff](?:(?<=&)(?=#?[0-9A-Za-z]{{1,24}};)|(?<!&))")


def _clean_line(line: str, trigger: re.Pattern[str], form: str | None) -> bool:
    """True when no configured ftfy fix would change this line."""
    if trigger.search(line) is not None:
        return False
    return form is None or line.isascii() or unicodedata.is_normalized(form, line)


def _clean_segment(segment: str, trigger: re.Pattern[str], other: re.Pattern[str] | None, form: str | None) -> bool:
    """True when ftfy leaves this line alone (`segment`: the line as ftfy's fix_text cuts it, its newline kept).

    A line whose only trigger characters are the mojibake detector's is left alone when the detector finds nothing in
    it: ftfy's encoding fix starts with that same test (`is_bad`), and no other fix acts on those characters."""
    line = segment[:-1] if segment.endswith("\n") else segment
    if trigger.search(line) is None:
        return form is None or line.isascii() or unicodedata.is_normalized(form, line)
    badness = ftfy_internals.badness_pattern()
    if other is None or badness is None or other.search(line) is not None or badness.search(segment) is not None:
        return False
    return form is None or unicodedata.is_normalized(form, line)


def fix_text(text: str, config: RepairConfig) -> str:
    """Exactly `ftfy.fix_text(text, fixer_config(config))`, calling ftfy only on the lines that need it."""
    fixer = fixer_config(config)
    trigger = trigger_re(config)
    if trigger is None:
        return ftfy.fix_text(text, fixer)
    if _clean_line(text, trigger, config.normalization):
        return text
    lines = text.split("\n")
    if max(map(len, lines)) >= fixer.max_decode_length:
        return ftfy.fix_text(text, fixer)
    other = other_re(config) if config.fix_encoding else None
    form = config.normalization
    if form is None or text.isascii() or unicodedata.is_normalized(form, text):
        return _fix_suspects(text, lines, trigger, other, fixer, form)
    return _fix_lines(lines, trigger, other, fixer, form)


def _dirty_lines(text: str, lines: list[str], trigger: re.Pattern[str], other: re.Pattern[str] | None,
                 form: str | None) -> tuple[list[int], list[int]]:
    """Where each line starts (line i is text[starts[i]:starts[i + 1]], newline kept) and, in order, the lines ftfy
    would change, of a text in its normal form."""
    starts = [0, *accumulate(len(line) + 1 for line in lines)]
    # The trigger matches no newline and looks no further than an entity's ';': a match in the text is one in its line.
    suspects = sorted({bisect_right(starts, found.start()) - 1 for found in trigger.finditer(text)})
    return starts, [i for i in suspects if not _clean_segment(text[starts[i]:starts[i + 1]], trigger, other, form)]


def _fix_suspects(text: str, lines: list[str], trigger: re.Pattern[str], other: re.Pattern[str] | None,
                  fixer: ftfy.TextFixerConfig, form: str | None) -> str:
    """`_fix_lines` for a text already in its normal form, which every line then is (a newline never composes nor
    reorders): only the lines the trigger finds in the whole text can need ftfy, the stretches between pass as they are."""
    starts, dirty = _dirty_lines(text, lines, trigger, other, form)
    if not dirty:
        return text
    out: list[str] = []
    done, seen_tag, k = 0, False, 0
    while k < len(dirty):
        first = last = dirty[k]
        while k + 1 < len(dirty) and dirty[k + 1] == last + 1:  # a run of adjacent dirty lines goes to ftfy at once
            k, last = k + 1, last + 1
        out.append(text[starts[done]:starts[first]])
        run = text[starts[first]:starts[last + 1]]
        out.append(ftfy.fix_text(run, _state(fixer, seen_tag)))
        seen_tag = seen_tag or "<" in run
        done, k = last + 1, k + 1
    out.append(text[starts[done]:])
    return "".join(out)


def _fix_lines(lines: list[str], trigger: re.Pattern[str], other: re.Pattern[str] | None, fixer: ftfy.TextFixerConfig,
               form: str | None) -> str:
    """Runs of lines that need fixing go to ftfy, with the 'auto' HTML state ftfy would have reached."""
    out: list[str] = []
    dirty: list[str] = []
    seen_tag = False
    for i, line in enumerate(lines):
        segment = line + "\n" if i < len(lines) - 1 else line
        if _clean_segment(segment, trigger, other, form):
            if dirty:
                out.append(ftfy.fix_text("".join(dirty), _state(fixer, seen_tag)))
                seen_tag = seen_tag or any("<" in s for s in dirty)
                dirty = []
            out.append(segment)
        else:
            dirty.append(segment)
    if dirty:
        out.append(ftfy.fix_text("".join(dirty), _state(fixer, seen_tag)))
    return "".join(out)


def _state(fixer: ftfy.TextFixerConfig, seen_tag: bool) -> ftfy.TextFixerConfig:
    """ftfy stops unescaping HTML in 'auto' mode once a line with '<' has gone by."""
    return fixer._replace(unescape_html=False) if seen_tag and fixer.unescape_html == "auto" else fixer


def repair_text(text: str, config: RepairConfig) -> str:
    """Applies ftfy and the whitespace rules until the text no longer changes (at most a few rounds)."""
    for _ in range(_MAX_ROUNDS):
        fixed = _repair_once(text, config)
        if fixed == text or _settled(fixed, config):
            return fixed
        text = fixed
    return text


def _settled(text: str, config: RepairConfig) -> bool:
    """True when another round would change nothing: ftfy would not touch it and the whitespace rules are done."""
    trigger = trigger_re(config)
    if trigger is None or _clean_line(text, trigger, config.normalization):
        return trigger is not None
    # Or fix_text would pass every line through: a line with a curly quote or an accent is as settled as a plain one.
    form, lines = config.normalization, text.split("\n")
    if max(map(len, lines)) >= fixer_config(config).max_decode_length:
        return False
    if not (form is None or text.isascii() or unicodedata.is_normalized(form, text)):
        return False
    return not _dirty_lines(text, lines, trigger, other_re(config) if config.fix_encoding else None, form)[1]


# Removing a soft hyphen or a control character can join the halves of a mojibake sequence, and ftfy
# itself is not always idempotent; a second round makes a repaired text a fixed point (tests check it).
_MAX_ROUNDS = 4


def _repair_once(text: str, config: RepairConfig) -> str:
    """One round of ftfy and the whitespace rules."""
    text = fix_text(text, config)
    if config.plain_spaces:
        text = _ODD_SPACES.sub(" ", text)
        text = _ZERO_WIDTH.sub("", text)
    if config.remove_control:
        text = _CONTROL.sub("", text)
    if config.collapse_spaces:
        text = _MULTI_SPACE.sub(" ", text)  # the runs are of spaces only: none spans a newline, so line by line is the same
    return "\n".join(line.strip() for line in text.split("\n"))


def repair(doc: Document, config: RepairConfig) -> Document:
    """Repairs `doc.text` in place."""
    doc.text = repair_text(doc.text, config)
    return doc
