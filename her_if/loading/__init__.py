"""YAML to the model: every source position and every error message about a story file."""
