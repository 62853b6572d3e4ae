"""The interactive terminal front end (prompt_toolkit). Imported only for interactive play."""
