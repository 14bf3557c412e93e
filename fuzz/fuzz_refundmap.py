r"""Coverage-guided fuzzing of refundmap with atheris (libFuzzer).

Every input is raw bytes given to ``validate`` and ``convert`` for one pair of
formats (chosen by the last byte, so that fixtures stay valid JSON as seeds).
Anything but ``ValidationError`` or ``MappingError`` is a crash; so is output
that is not UTF-8 text or does not validate again as its target format.

    pip install atheris
    mkdir -p /tmp/refundmap-corpus
    python fuzz/fuzz_refundmap.py /tmp/refundmap-corpus fixtures/rutter fixtures/railz \\
        fixtures/rutter-create fixtures/invalid/rutter fixtures/invalid/railz \\
        fixtures/invalid/rutter-create -max_total_time=1800 -rss_limit_mb=4096

New inputs go to the first folder; crashes to ``crash-*`` files in the current folder.
"""

import sys
from pathlib import Path

import atheris

# The oracle is the test suite's (tests/oracle.py), so that both fuzzers judge alike.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

with atheris.instrument_imports():
    from oracle import PAIRS, oracle


def test_one_input(data: bytes) -> None:
    """Check one input: only refundmap's errors, and output that is valid again."""
    if not data:
        return
    source, target = PAIRS[data[-1] % len(PAIRS)]
    oracle(data, source, target, strict=bool(data[0] & 1))


def main() -> None:
    """Run the fuzzer with libFuzzer's command line."""
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
