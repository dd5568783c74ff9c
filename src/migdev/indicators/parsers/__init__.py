"""Pure parsers: each reads one published file and returns plain records, without touching the database."""
