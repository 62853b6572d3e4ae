"""A game in progress and the front ends that play it: the session, the commands every
front end drives, reload and watch, and piped, plain and terminal play."""
