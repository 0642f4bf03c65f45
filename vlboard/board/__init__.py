"""What each screen shows: query frames in, display frames out."""
