"""Trade-talks briefing bot: the core (models, store, briefing, scheduling, client)."""
