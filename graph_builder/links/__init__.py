"""Stage 3, recurring issues across reports: similarity links, follow-ups, and the links graph they make."""
