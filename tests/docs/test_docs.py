"""Docstrings on everything public, and the API reference page pdoc builds from them."""

import inspect
import warnings

import pytest

import refundmap
import refundmap.asserts
import refundmap.dask
import refundmap.missing
import refundmap.stream
import refundmap.testing

PUBLIC = [getattr(refundmap, name) for name in refundmap.__all__ if name != "__version__"]
PUBLIC += [getattr(refundmap.dask, name) for name in refundmap.dask.__all__]
PUBLIC += [getattr(refundmap.stream, name) for name in refundmap.stream.__all__]
PUBLIC += [getattr(refundmap.testing, name) for name in refundmap.testing.__all__]
PUBLIC += [getattr(refundmap.missing, name) for name in refundmap.missing.__all__]


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: getattr(o, "__name__", repr(o)))
def test_every_public_name_and_its_public_methods_have_a_docstring(obj):
    if not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return  # aliases (FormatName, JSONValue) and the FORMATS table are documented where made
    assert inspect.getdoc(obj), obj
    if inspect.isclass(obj):
        for name, member in vars(obj).items():
            if name.startswith("_") or not (
                inspect.isfunction(member) or isinstance(member, property | classmethod)
            ):
                continue
            assert inspect.getdoc(member), f"{obj.__name__}.{name}"


#: The modules of the API reference (the pdoc command of docs/library.md).
REFERENCE = (
    "refundmap",
    "refundmap.models.rutter",
    "refundmap.models.railz",
    "refundmap.dates",
    "refundmap.stream",
    "refundmap.dask",
    "refundmap.testing",
    "refundmap.asserts",
    "refundmap.pytest_plugin",
    "refundmap.missing",
)


def test_the_api_reference_builds(tmp_path):
    pdoc = pytest.importorskip("pdoc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Entry(kind: ForwardRef('Kind')) was one (issue 23)
        pdoc.pdoc(*REFERENCE, output_directory=tmp_path)
    index = (tmp_path / "refundmap.html").read_text()
    for name in ("convert_each", "load", "dump", "json_schema", "RecordResult", "Directory"):
        assert f'id="{name}"' in index, name
    assert (tmp_path / "refundmap" / "models" / "rutter.html").exists()
    assert 'id="convert_bag"' in (tmp_path / "refundmap" / "dask.html").read_text()
    testing = (tmp_path / "refundmap" / "testing.html").read_text()
    for name in ("refunds", "documents", "pairs", "Pair", "assert_valid", "assert_converts"):
        assert f'id="{name}"' in testing, name


def test_the_reference_shows_the_types_of_a_report_entry(tmp_path):
    pdoc = pytest.importorskip("pdoc")
    pdoc.pdoc("refundmap", output_directory=tmp_path)
    index = (tmp_path / "refundmap.html").read_text()
    assert "Kind" in index
    assert "ForwardRef(&#39;Kind" not in index
    assert "<span class=\"s1\">'Kind'</span>" not in index
    assert inspect.signature(refundmap.Entry).parameters["kind"].annotation is refundmap.Kind
