"""A codec's cattrs converter: value hooks, the class hook, aliases, and cattrs' errors read.

Imported when a :class:`~refundmap.codec.Codec` first structures or writes a
model, not with the package (cattrs takes about 11 ms to import). A codec keeps
its :class:`Hooks`: the converter, and the reading of the errors it raises, of
one import of cattrs.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar, get_args

import attrs
import cattrs
from cattrs.errors import (
    BaseValidationError,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, override

from refundmap.codec.converter import KeyRuleError, UnknownKeysError
from refundmap.codec.fields import fields as model_fields
from refundmap.codec.fields import (
    is_list,
    is_literal,
    is_optional,
    omitted_when_none,
    without_none,
)
from refundmap.codec.problems import problems
from refundmap.dates import Day, Moment, parse_date, parse_day
from refundmap.jsonio import MAX_EXPONENT, check_numbers
from refundmap.models._base import JSONObject
from refundmap.models.rutter import DecimalString
from refundmap.money import in_bounds, parse_amount, parse_integer
from refundmap.report import Path, Problem, ValueRuleError, describe, format_path
from refundmap.values import VALUES

if TYPE_CHECKING:
    from refundmap.codec.converter import Codec

__all__ = ["Hooks"]

T = TypeVar("T")

# Dicts that held keys their model does not know, noted while structuring.
_unknown: ContextVar[list[tuple[dict[str, Any], list[str]]] | None] = ContextVar(
    "refundmap_unknown_keys", default=None
)


class Hooks:
    """The cattrs converter of ``codec``: its key style's hooks, in its strictness."""

    def __init__(self, codec: Codec) -> None:
        self.key = codec.key
        self.keys = codec.keys
        self.strict = codec.strict
        self.converter = cattrs.Converter(detailed_validation=True)
        self._register()

    # -- hooks ----------------------------------------------------------------

    def _register(self) -> None:
        conv = self.converter
        strict = self.strict

        def structure_str(value: Any, _: Any) -> str:
            if type(value) is str:
                return value
            raise ValueRuleError(f"expected a string, got {describe(value)}")

        def structure_bool(value: Any, _: Any) -> bool:
            if type(value) is bool:
                return value
            raise ValueRuleError(f"expected true or false, got {describe(value)}")

        def structure_decimal_string(value: Any, _: Any) -> Decimal:
            if type(value) is str:
                return parse_amount(value, strict=False)
            if strict:
                raise ValueRuleError(f"expected a numeric string, got {describe(value)}")
            return parse_amount(value)

        def structure_object(value: Any, _: Any) -> JSONObject:
            if type(value) is not dict:
                raise ValueRuleError(f"expected an object, got {describe(value)}")
            where = check_numbers(value)
            if where is not None:
                raise ValueRuleError(
                    f"holds a number beyond 10^\u00b1{MAX_EXPONENT} at {where}; it cannot be"
                    " carried exactly"
                )
            return value

        def structure_amount(value: Any, _: Any) -> Decimal:
            # The common case, an exact bounded Decimal from the reader, in C calls;
            # parse_amount decides (and explains) everything else.
            if in_bounds(value):
                return value
            return parse_amount(value, strict=strict)

        self._amount = structure_amount
        conv.register_structure_hook(str, structure_str)
        conv.register_structure_hook(bool, structure_bool)
        conv.register_structure_hook(Decimal, structure_amount)
        conv.register_structure_hook(int, lambda value, _: parse_integer(value, strict=strict))
        conv.register_structure_hook(date, lambda value, _: parse_date(value))
        conv.register_structure_hook_func(lambda t: t == Moment, lambda value, _: parse_date(value))
        conv.register_structure_hook(Day, lambda value, _: parse_day(value))
        conv.register_structure_hook(DecimalString, structure_decimal_string)
        conv.register_structure_hook_func(lambda t: t == JSONObject, structure_object)
        conv.register_structure_hook_factory(is_optional, self._optional_hook)
        conv.register_structure_hook_factory(is_literal, self._literal_hook)
        conv.register_structure_hook_factory(is_list, self._list_hook)
        conv.register_structure_hook_factory(attrs.has, self._class_hook)

        # Lenient: a model built in code may hold the wrong type (a string where a
        # date belongs); it is written as it is, for validation to name its path.
        for type_, value in VALUES.items():
            if value.writer is not None:
                conv.register_unstructure_hook_func(partial(operator.eq, type_), value.write)
        conv.register_unstructure_hook(date, VALUES[date].write)
        conv.register_unstructure_hook(datetime, VALUES[date].write)
        # Opaque JSON (platform_data) is JSON-ready already; walking it would only
        # cost time, and recursion at depth.
        conv.register_unstructure_hook_func(lambda t: t == JSONObject, lambda value: value)
        conv.register_unstructure_hook_factory(attrs.has, self._class_unstructure_hook)

    def _optional_hook(self, type_: Any) -> Callable[[Any, Any], Any]:
        # cattrs' own Optional handling dispatches on the inner type at every
        # call; resolving the inner hook once is most of a Railz record's cost.
        inner = without_none(type_)
        if inner is str:
            return _structure_optional_str
        if inner is Decimal:
            amount = self._amount

            def structure_optional_amount(value: Any, _: Any) -> Decimal | None:
                return None if value is None else amount(value, _)

            return structure_optional_amount
        handler = self.converter.get_structure_hook(inner)

        def structure_optional(value: Any, _: Any) -> Any:
            return None if value is None else handler(value, inner)

        return structure_optional

    @staticmethod
    def _literal_hook(type_: Any) -> Callable[[Any, Any], Any]:
        allowed = get_args(type_)
        shown = ", ".join(describe(a) for a in allowed)

        def structure_literal(value: Any, _: Any) -> Any:
            if type(value) is str and value in allowed:
                return value
            raise ValueRuleError(f"expected one of {shown}, got {describe(value)}")

        return structure_literal

    def _list_hook(self, type_: Any) -> Callable[[Any, Any], list[Any]]:
        (element,) = get_args(type_)
        handler = self.converter.get_structure_hook(element)

        def structure_list(value: Any, _: Any) -> list[Any]:
            if type(value) is not list:
                raise ValueRuleError(f"expected an array, got {describe(value)}")
            result = []
            errors: list[Exception] = []
            for index, item in enumerate(value):
                try:
                    result.append(handler(item, element))
                except Exception as exc:  # noqa: BLE001 - collected, re-raised below
                    exc.__notes__ = [
                        *getattr(exc, "__notes__", []),
                        IterableValidationNote(f"@ index {index}", index, element),
                    ]
                    errors.append(exc)
            if errors:
                raise IterableValidationError("While structuring an array", errors, type_)
            return result

        return structure_list

    def _class_hook(self, cls: type) -> Callable[[Any, Any], Any]:
        # Models use postponed annotations: resolve them before reading field types.
        fields = model_fields(cls)
        overrides = {f.name: override(rename=self.key(f)) for f in fields}
        generated: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls,
            self.converter,
            **overrides,  # type: ignore[arg-type]  # cattrs types **kwargs as overrides
        )
        aliases = {
            alias: (self.key(f), f.type) for f in fields for alias in f.metadata.get("aliases", ())
        }
        known = frozenset(self.key(f) for f in fields) | frozenset(aliases)
        minimum = {
            self.key(f): f.metadata["min_items"] for f in fields if "min_items" in f.metadata
        }
        longest = {
            self.key(f): f.metadata["max_length"] for f in fields if "max_length" in f.metadata
        }
        strict = self.strict
        name = cls.__name__

        def structure_class(value: Any, _: Any) -> Any:
            if type(value) is not dict:
                raise ValueRuleError(f"expected an object, got {describe(value)}")
            extra: list[Exception] = []
            if not known.issuperset(value):
                unknown = [key for key in value if key not in known]
                if strict:
                    extra.append(UnknownKeysError(unknown))
                else:
                    noted = _unknown.get()
                    if noted is not None:
                        noted.append((value, unknown))
            if aliases:
                value = self._resolve_aliases(value, aliases, extra)
            for key, most in longest.items():
                held = value.get(key)
                if type(held) is str and len(held) > most:
                    extra.append(
                        KeyRuleError(key, f"expected at most {most} characters, got {len(held)}")
                    )
            for key, least in minimum.items():
                held = value.get(key)
                if type(held) is list and len(held) < least:
                    extra.append(
                        KeyRuleError(key, f"expected at least {least} element, got {len(held)}")
                    )
            try:
                result = generated(value, cls)
            except ClassValidationError as exc:
                if not extra:
                    raise
                raise ClassValidationError(exc.message, [*exc.exceptions, *extra], cls) from None
            if extra:
                raise ClassValidationError(f"While structuring {name}", extra, cls)
            return result

        return structure_class

    def _resolve_aliases(
        self,
        value: dict[str, Any],
        aliases: dict[str, tuple[str, Any]],
        errors: list[Exception],
    ) -> dict[str, Any]:
        if not any(alias in value for alias in aliases):
            return value
        value = dict(value)
        for alias, (canonical, type_) in aliases.items():
            if alias not in value:
                continue
            if canonical not in value:
                value[canonical] = value.pop(alias)
                continue
            try:
                same = self.converter.structure(value[alias], type_) == (
                    self.converter.structure(value[canonical], type_)
                )
            except Exception:  # noqa: BLE001 - the canonical key reports its own error
                same = True
            if not same:
                errors.append(
                    KeyRuleError(
                        alias,
                        f"{describe(value[alias])} differs from {canonical}"
                        f" {describe(value[canonical])}; they are one field",
                    )
                )
            del value[alias]
        return value

    def _class_unstructure_hook(self, cls: type) -> Callable[[Any], Any]:
        # Written here rather than by cattrs.gen, whose generated function puts
        # omittable fields after the others; the vendor's key order is kept.
        plan = [
            (
                f.name,
                self.key(f),
                omitted_when_none(f),
                self.converter.get_unstructure_hook(without_none(f.type)),
            )
            for f in model_fields(cls)
        ]

        def unstructure_class(instance: Any) -> Any:
            if type(instance) is not cls:
                return instance  # not the model: as it is, for validation to name
            out: dict[str, Any] = {}
            for name, key, optional, hook in plan:
                value = getattr(instance, name)
                if value is None:
                    if not optional:
                        out[key] = None
                else:
                    out[key] = hook(value)
            return out

        return unstructure_class

    # -- public ---------------------------------------------------------------

    def structure(
        self, value: Any, cls: type[T], path: Path = ()
    ) -> tuple[T | None, list[Problem], list[tuple[dict[str, Any], list[str]]]]:
        """Structure ``value`` as ``cls``, as :meth:`Codec.structure` says."""
        noted: list[tuple[dict[str, Any], list[str]]] = []
        token = _unknown.set(noted)
        try:
            return self.converter.structure(value, cls), [], noted
        except (BaseValidationError, ValueRuleError) as exc:
            return None, list(self._problems(exc, path, cls)), noted
        except RecursionError:
            return None, [Problem(format_path(path), "nested too deeply")], noted
        finally:
            _unknown.reset(token)

    def _problems(self, exc: BaseException, path: Path, type_: Any) -> Iterator[Problem]:
        return problems(exc, path, type_, self.keys)


def _structure_optional_str(value: Any, _: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    raise ValueRuleError(f"expected a string, got {describe(value)}")
