"""TF-IDF rows as one sparse matrix, built with numpy: the same features and weights as
text.features() + text.vectors() (a 5-gram over the 37-letter alphabet of the normalised text is
packed into a 30-bit integer), and the pairs above a cosine, by blockwise sparse products."""
from __future__ import annotations

import numpy as np
from scipy import sparse

from graph_builder.links.text import tokens

# Rows of the sparse product computed at once: bounds the dense-ish intermediate (rows x texts).
BLOCK = 512

# Normalised tokens are [a-z0-9]+ joined by single spaces: 37 symbols, 6 bits each, 0 = boundary.
_ALPHABET = " abcdefghijklmnopqrstuvwxyz0123456789"
_CODE = np.zeros(256, dtype=np.int64)
for _k, _c in enumerate(_ALPHABET, 1):
    _CODE[ord(_c)] = _k


def char_gram(code: int, chars: int = 5) -> str:
    """The feature string (as features() spells it) of a packed n-gram code."""
    return "#" + "".join(_ALPHABET[(code >> (6 * (chars - 1 - k)) & 63) - 1] for k in range(chars))


def _char_counts(token_lists: list[list[str]], chars: int = 5):
    """(row, packed n-gram code, count) for every distinct character n-gram of each row's joined
    tokens, sorted by row then code."""
    if chars * 6 > 60:
        raise ValueError("n-grams longer than 10 characters do not pack into an int64")
    big = "\x00".join(" ".join(t) for t in token_lists) + "\x00"
    b = _CODE[np.frombuffer(big.encode("ascii"), dtype=np.uint8)]
    row = np.cumsum(b == 0)
    row[1:] = row[:-1].copy()
    row[0] = 0
    n = len(b) - chars + 1
    if n <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    code, valid = np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    for k in range(chars):
        part = b[k:k + n]
        code = (code << 6) | part
        valid &= part != 0
    shift = 6 * chars
    key, count = np.unique((row[:n][valid] << shift) | code[valid], return_counts=True)
    return key >> shift, key & ((1 << shift) - 1), count


def _word_counts(token_lists: list[list[str]]):
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, toks in enumerate(token_lists):
        for t in toks:
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    key, count = np.unique(rows_a * max(len(vocab), 1) + cols_a, return_counts=True)
    return key // max(len(vocab), 1), key % max(len(vocab), 1), count


def _tfidf(rows, cols, tf, n_rows: int, copies) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (the formula of vectors(): (1 + ln tf) * ln((n + 1) / (df + 0.5))).
    rows sorted ascending; row r stands for copies[r] identical statements (n and df count them)."""
    _, col = np.unique(cols, return_inverse=True)
    col = col.ravel()
    n = float(copies.sum())
    df = np.bincount(col, weights=copies[rows], minlength=int(col.max()) + 1 if len(col) else 0)
    idf = np.log((n + 1) / (df + 0.5))[col]
    keep = idf > 0
    rows, col = rows[keep], col[keep]
    w = (1 + np.log(tf[keep])) * idf[keep]
    norm = np.sqrt(np.bincount(rows, weights=w * w, minlength=n_rows))
    norm[norm == 0] = 1.0
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    width = int(col.max()) + 1 if len(col) else 0
    return sparse.csr_matrix((w / norm[rows], col, indptr), shape=(n_rows, width))


def statement_bags(texts: list[str]) -> list[list[str]]:
    """Normalised tokens of each text: what both the n-gram and the word features are made of."""
    return [tokens(t) for t in texts]


def tfidf_matrix(token_lists: list[list[str]], copies=None, words: bool = False,
                 chars: int = 5) -> sparse.csr_matrix:
    """Rows = texts, L2-normalised TF-IDF over character n-grams (or words with words=True, chars
    ignored): the vectors vectors([features(...)]) gives, as one CSR matrix. copies[r]: how many
    statements row r stands for (IDF counts them all); default 1 each."""
    n = len(token_lists)
    copies = np.ones(n) if copies is None else np.asarray(copies, dtype=float)
    rows, cols, tf = _word_counts(token_lists) if words else _char_counts(token_lists, chars)
    return _tfidf(rows, cols, tf, n, copies)


def _pairs_above(x: sparse.csr_matrix, min_score: float, rows=None):
    """(i, j, cosine) for all i < j (of `rows`, default all) with cosine >= min_score, blockwise."""
    rows = np.arange(x.shape[0]) if rows is None else np.asarray(rows)
    xt = x[rows].T.tocsr()
    out = []
    for b in range(0, len(rows), BLOCK):
        s = (x[rows[b:b + BLOCK]] @ xt).tocoo()
        i = s.row + b
        keep = (s.data >= min_score) & (i < s.col)
        out.append((rows[i[keep]], rows[s.col[keep]], s.data[keep]))
    if not out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return tuple(np.concatenate(a) for a in zip(*out))

