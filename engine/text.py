"""Turning profile and request text into index terms, in any script.

Latin, Cyrillic and Indic words are split on spaces and punctuation (keeping the
combining marks of Indic scripts inside their word); scripts written without
spaces between words (Thai, Lao, Khmer, Myanmar, Chinese, Japanese) become
overlapping character pairs, so part of a name still finds the whole of it.
"""

import re
import unicodedata

_WORD = re.compile(
    r"[\w\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff]+"
)
_NO_SPACE_SCRIPT = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
# Words too common in profiles and requests to tell suppliers apart.
STOP_WORDS = frozenset(
    """a an and are as at be by for from has have in is it its of on or our that the their
    this to was we were which with you your other than not but all any can will also per
    etc ltd co inc company""".split()
)


def _stem(word: str) -> str:
    """A light English plural folding: 'shirts' and 'shirt' are one term."""
    if len(word) <= 3 or not word.isascii():
        return word
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise(text: str) -> str:
    text = text or ""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).casefold()


_HYPHENATED = re.compile(r"\b(\w)-(\w{3,})")
# Token → its terms. Profiles repeat the same few thousand words, so each token is
# worked out once; bounded so that a flood of distinct tokens cannot grow it forever.
_TERMS_OF: dict[str, tuple[str, ...]] = {}
_TERMS_OF_LIMIT = 500_000


def _terms_of(token: str) -> tuple[str, ...]:
    if _NO_SPACE_SCRIPT.search(token):
        if len(token) == 1:
            return (token,)
        return tuple(token[i : i + 2] for i in range(len(token) - 1))
    if token.isdigit() or len(token) < 2 or token in STOP_WORDS:
        return ()  # bare numbers (years, quantities) say nothing about capability
    return (_stem(token),)


def tokens(text: str) -> list[str]:
    """The words of a text, normalised, before stop words and stemming."""
    text = normalise(text)
    if "-" in text:
        # 'T-shirt' and 'tshirt' should meet: join single letters hyphenated to a word.
        text = _HYPHENATED.sub(r"\1\2", text)
    return _WORD.findall(text)


def terms_of(token: str) -> tuple[str, ...]:
    """The index terms one token stands for: none, its stem, or character pairs."""
    return _terms_of(token)


def analyse(text: str) -> list[str]:
    """The index terms of a text, in order, with repeats (term frequency counts)."""
    terms: list[str] = []
    cache = _TERMS_OF
    for token in tokens(text):
        found = cache.get(token)
        if found is None:
            if len(cache) >= _TERMS_OF_LIMIT:
                cache.clear()
            found = cache[token] = _terms_of(token)
        terms.extend(found)
    return terms
