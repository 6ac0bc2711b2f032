"""Step `repair`: ftfy with a deliberate configuration, then whitespace and control-character clean-up."""
from __future__ import annotations

import re
from functools import lru_cache

import ftfy

from .config import RepairConfig
from .document import Document

# Unicode spaces that are not U+0020 (NBSP, thin, em, ideographic...) and zero-width marks.
_ODD_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# C0/C1 controls except newline; text never needs them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MULTI_SPACE = re.compile(r" {2,}")


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


def repair_text(text: str, config: RepairConfig) -> str:
    """Applies ftfy and the whitespace rules to a whole text."""
    text = ftfy.fix_text(text, fixer_config(config))
    if config.plain_spaces:
        text = _ODD_SPACES.sub(" ", text)
        text = _ZERO_WIDTH.sub("", text)
    if config.remove_control:
        text = _CONTROL.sub("", text)
    lines = text.split("\n")
    if config.collapse_spaces:
        lines = [_MULTI_SPACE.sub(" ", line) for line in lines]
    return "\n".join(line.strip() for line in lines)


def repair(doc: Document, config: RepairConfig) -> Document:
    """Repairs `doc.text` in place."""
    doc.text = repair_text(doc.text, config)
    return doc
