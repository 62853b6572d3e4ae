"""What is kept on disk between runs: atomic writes, save files, the story cache and its codec."""
