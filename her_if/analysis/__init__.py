"""What can be proved about a story without a player: check, liveness, the explorer,
random play, walkthroughs, the playtest report and the graph."""
