"""Datasette plugins shipped with the archive; `archive.publish` registers them.

`hookimpl` is Datasette's own marker with types: Datasette ships none, so under
`mypy --strict` each decorated hook would become untyped; through this one it keeps its
signature, and pluggy sees exactly the marker Datasette gives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from datasette import hookimpl as _datasette_hookimpl

F = TypeVar("F", bound=Callable[..., Any])


@overload
def hookimpl(function: F) -> F: ...


@overload
def hookimpl(*, trylast: bool = ..., tryfirst: bool = ..., hookwrapper: bool = ...
             ) -> Callable[[F], F]: ...


def hookimpl(function: Any = None, **options: Any) -> Any:
    """Mark a Datasette hook implementation: `@hookimpl` or `@hookimpl(trylast=True)`."""
    if function is None:
        return _datasette_hookimpl(**options)
    return _datasette_hookimpl(function)
