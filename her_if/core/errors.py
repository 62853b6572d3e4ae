"""The one base of every error the package raises on purpose, and the tree under it.

Our exceptions, each with the module that raises it (under `her_if.`):

    HerIfError          anything below; the command line turns each into a message and a status
      SourceError       what an author wrote (a story, a pack, a walkthrough) cannot be used
        StoryError      loading.diagnostics: every problem found, each with its file and place
        ComposeError    loading.yaml_compose: text that cannot become YAML nodes
        ConditionError  loading.conditions: a condition the language does not allow; a ValueError
      StorageError      what is kept on disk between runs cannot be read, written or locked
        SaveError       persistence.save_slots: one line naming the save file and the fix
        Problem         persistence.save_fields: what is wrong in a save, before its name is added
        Busy            persistence.folder_lock: another process held the saves folder's lock
        Bad             persistence.typed_json: cached data without the shape we write
        ProfileError    persistence.profile: the player's profile cannot be written
      ChoiceError       core.engine: a choice not on offer in the state; a ValueError
      Mistyped          core.typing_rules: a condition tree no parser could have built
      NewSceneError     authoring.new_scene: the new scene cannot be made as asked
      StreamLost        play.streams: one of the command's own streams failed; an OSError
      CommandError      cli.errors: a command refused what it was given (usage, options)
      Unanswerable      lsp.guard: nothing yet to answer an editor's request from; the empty answer
      Refused           lsp.answers: a request the editor must show refused (a taken name); a JsonRpcException

Not an error, so not in the tree (it derives from BaseException, as KeyboardInterrupt does, so
that no `except Exception` on the way swallows it):

    Hangup              play.hangup: SIGTERM or SIGHUP, met by saving the game and exiting

An error keeps the standard base a caller already relies on beside ours (`except ValueError`
around `choose`, `except OSError` around a stream), so deriving from `HerIfError` changed no
handler. A message may quote a stranger's file: the command line cleans whatever it prints
(`her_if.cli.errors`), so a new error needs no cleaning of its own. tests/core/test_errors.py
holds every public exception class of the package to this tree: a new one goes in it.
"""

from __future__ import annotations


class HerIfError(Exception):
    """Raised on purpose by her-if: anything else reaching the command line is a bug."""


class SourceError(HerIfError):
    """An author's file says something the story language does not allow."""


class StorageError(HerIfError):
    """A file the game keeps between runs (a save, the cache, a lock) cannot be used."""
