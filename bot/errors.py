"""Errors a user can act on. Cogs raise UserError; the command tree turns it into a short
ephemeral reply. Anything else is logged and answered with a generic apology."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action; str() is shown to the user as it is."""
