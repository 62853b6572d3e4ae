"""Tools that write story files for an author: new-scene and its skeleton."""
