"""Where the data lives and the one doorway to it."""
