"""The story as data and the rules of play: the model, conditions as trees, the engine,
replaying a history, and cleaning text for a terminal. Imports nothing else of her_if."""
