"""Story analysis: quotes and speakers, timeline, actors, coverage across outlets."""
