"""Load only the provider modules a program uses, under the offline harness.

A generated Pulumi provider SDK package such as `pulumi_aws.ec2` imports every one of its
modules in `__init__.py` (`from .vpc import *`, ... 180 of them for ec2), and each defines
input/output classes whose decorators do real work: for the program here that is about a
fifth of the offline check. The provider's top-level package already defers each
subpackage (`lazy_import`); this goes one step further for subpackages not loaded yet:
an attribute is looked up in the module the SDK generator names after it (`Vpc`, `VpcArgs` ->
`vpc.py`; `get_vpc` -> `get_vpc.py`), and anything else loads the real `__init__.py` in
full. The classes are the SDK's own; only when their modules are imported changes.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import importlib.machinery
import re
import sys
import threading
import types
import typing
from pathlib import Path
from typing import Any, Iterator

# A generated subpackage's __init__ lists its modules as `from .name import *` lines.
_STAR_IMPORT = re.compile(r"^from \.(\w+) import \*$", re.M)
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def module_for(name: str) -> str:
    """The generator's module name for a public name: SecurityGroupArgs -> security_group."""
    if name.startswith("get_"):  # get_vpc and get_vpc_output
        return name.removesuffix("_output")
    if name.endswith("Result"):  # GetVpcResult, AwaitableGetVpcResult -> get_vpc
        name = name.removeprefix("Awaitable").removesuffix("Result")
    for suffix in ("ArgsDict", "Args"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return _CAMEL_BOUNDARY.sub("_", name).lower()


# `class XArgsDict(TypedDict)`: the generator writes one per input type (353 in ec2/_inputs.py
# alone) for type checkers; the SDK never reads them at run time, and building one evaluates
# every annotation (`pulumi.Input[Optional[...]]`): about a tenth of the offline check. While
# a provider module loads here, such a class is a plain dict subclass whose body never runs.
_BUILD_CLASS = builtins.__build_class__


class UncheckedArgsDict(dict):  # type: ignore[type-arg]
    """Stands in for each generated `...ArgsDict` TypedDict under the offline harness."""


def _build_class(func, name, *bases, **kwargs):  # type: ignore[no-untyped-def]
    if (name.endswith("ArgsDict") and bases and all(b is typing.TypedDict or b is UncheckedArgsDict for b in bases)
            and str(func.__globals__.get("__name__", "")).startswith(_PROVIDERS)):
        return UncheckedArgsDict
    return _BUILD_CLASS(func, name, *bases, **kwargs)


_PROVIDERS = ("pulumi_aws.",)
_loading = {"depth": 0}
_loading_lock = threading.Lock()


@contextlib.contextmanager
def _provider_classes() -> Iterator[None]:
    """While a provider module loads: its ArgsDict TypedDicts as UncheckedArgsDict (any other
    class, of any module or thread, is built as always)."""
    with _loading_lock:
        _loading["depth"] += 1
        builtins.__build_class__ = _build_class  # type: ignore[assignment]  # same call, keyword metaclass in **kwargs
    try:
        yield
    finally:
        with _loading_lock:
            _loading["depth"] -= 1
            if _loading["depth"] == 0:
                builtins.__build_class__ = _BUILD_CLASS


class LazyPackage(types.ModuleType):
    """A generated subpackage whose modules load when one of their names is first used."""

    def __init__(self, spec: importlib.machinery.ModuleSpec, source: str):
        super().__init__(spec.name)
        self.__spec__ = spec
        self.__file__ = spec.origin
        self.__path__ = list(spec.submodule_search_locations or [])
        self.__package__ = spec.name
        self.__loader__ = spec.loader
        self._lazy_source = source
        self._lazy_modules = frozenset(_STAR_IMPORT.findall(source))
        self._lazy_complete = False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name.startswith("_lazy_"):
            raise AttributeError(name)
        if self._is_submodule(name):  # `from . import outputs` in the modules themselves
            with _provider_classes():
                return importlib.import_module(f"{self.__name__}.{name}")
        # The resource's own module, then the package's nested input types (`XArgs` of a
        # property), as the generator lays them out; anything else: the whole package.
        candidates = [module_for(name)] + (["_inputs"] if name.endswith(("Args", "ArgsDict")) else [])
        for candidate in candidates:
            if self._lazy_complete or not self._is_submodule(candidate):
                continue
            with _provider_classes():
                module = importlib.import_module(f"{self.__name__}.{candidate}")
            if name in getattr(module, "__all__", ()):
                value = getattr(module, name)
                setattr(self, name, value)
                return value
        self.load_all()
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None

    def _is_submodule(self, name: str) -> bool:
        return name in self._lazy_modules or any(
            (Path(p) / f"{name}.py").is_file() or (Path(p) / name / "__init__.py").is_file() for p in self.__path__)

    def __dir__(self) -> list[str]:
        self.load_all()
        return list(self.__dict__)

    def load_all(self) -> None:
        """Run the package's real __init__.py here: every module, as a plain import would."""
        if not self._lazy_complete:
            self._lazy_complete = True
            with _provider_classes():
                exec(compile(self._lazy_source, self.__file__, "exec"), self.__dict__)  # type: ignore[arg-type]  # a package from a file has one


def _is_deferred(module: object) -> bool:
    # The SDK's lazy_import module until something touches it (then its class is ModuleType).
    # Only its type may be inspected: any attribute access would load it.
    return type(module).__name__ == "_LazyModule"


def install(provider: str = "pulumi_aws") -> list[str]:
    """Replace the provider's not-yet-loaded subpackages by LazyPackages; returns their names."""
    try:
        package = importlib.import_module(provider)
    except ImportError:
        return []
    replaced = []
    for attribute, module in list(vars(package).items()):
        fullname = f"{provider}.{attribute}"
        if not _is_deferred(module) or sys.modules.get(fullname) is not module:
            continue
        spec = importlib.machinery.PathFinder.find_spec(fullname, package.__path__)
        if spec is None or not spec.submodule_search_locations or not spec.origin:
            continue
        source = Path(spec.origin).read_text()
        if not _STAR_IMPORT.search(source):
            continue
        lazy = LazyPackage(spec, source)
        sys.modules[fullname] = lazy
        setattr(package, attribute, lazy)
        replaced.append(fullname)
    return replaced
