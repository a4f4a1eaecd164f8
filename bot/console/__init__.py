"""A console on a simulated Discord server: try the bot without a token.

parse (typed lines, completion) and render (messages as text) are pure; session drives the
real bot through SimCord; app holds the prompt, the script runner and the entry point."""
