"""The `openai` extraction backend (any OpenAI-compatible endpoint). `openai` is imported lazily."""

from __future__ import annotations

from taskd.extract.model.extractor import ModelExtractor

__all__ = ["ModelExtractor"]
