"""The record on the web: public pages, a calendar, a feed of changes, data files and health
probes, read from the store and rendered with templates. It never imports cogs/: it shares
the briefing's domain values (bot.tariffs, bot.briefing), not its Discord embeds."""

from bot.web.app import make_app, start_site
from bot.web.core import WebConfig, WebSettings
from bot.web.published import is_published, set_published
from bot.web.record import PAGE_PATHS

__all__ = [
    "PAGE_PATHS",
    "WebConfig",
    "WebSettings",
    "is_published",
    "make_app",
    "set_published",
    "start_site",
]
