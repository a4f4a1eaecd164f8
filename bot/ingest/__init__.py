"""Article text + publication time and zone + the record -> proposals for curators (pure)."""

from bot.ingest.models import ArticleIn, ConflictNote, IngestResult, Proposal, RecordView
from bot.ingest.pipeline import propose
from bot.ingest.text import sentences
from bot.ingest.when import Found, find_dates

__all__ = [
    "ArticleIn",
    "ConflictNote",
    "Found",
    "IngestResult",
    "Proposal",
    "RecordView",
    "find_dates",
    "propose",
    "sentences",
]
