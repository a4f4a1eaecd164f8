"""One cog per feature; thin: parse the interaction, call store + briefing, reply."""
