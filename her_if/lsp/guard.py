"""Every handler answers, whatever goes wrong: a bug of ours is told on stderr (which an editor
keeps as the server's log) and the request answers its empty answer, so one bad file or one
bug never ends an author's session."""

from __future__ import annotations

import functools
import inspect
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from pygls.exceptions import JsonRpcException

from her_if.core.errors import HerIfError

_F = TypeVar("_F", bound=Callable[..., Any])


class Unanswerable(HerIfError):
    """Nothing to answer from yet (no analysis, not a file): the empty answer, no bug."""


@contextmanager
def answering(what: str) -> Iterator[None]:
    """Whatever goes wrong inside is told on stderr (an editor's log) and goes no further."""
    try:
        yield
    except Exception:  # a bug of ours must not end the session
        print(f"her-if lsp: a bug while {what}:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)


def safely(default: Callable[[], object]) -> Callable[[_F], _F]:
    """A handler (a function or a coroutine function) that answers `default()`, its empty
    answer, when it raises."""

    def wrap(handler: _F) -> _F:
        def failed() -> Any:
            print(f"her-if lsp: a bug in {handler.__name__}:", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            return default()

        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)  # pygls reads the signature: `ls` first gets the server
            async def waited(*args: Any) -> Any:
                try:
                    return await handler(*args)
                except JsonRpcException:  # an answer meant for the author: an error response
                    raise
                except Unanswerable:
                    return default()
                except Exception:
                    return failed()

            return cast(_F, waited)

        @functools.wraps(handler)
        def answer(*args: Any) -> Any:
            try:
                return handler(*args)
            except JsonRpcException:
                raise
            except Unanswerable:
                return default()
            except Exception:
                return failed()

        return cast(_F, answer)

    return wrap
