"""Property tests: whatever a file holds (random text, a real sample with bytes cut, added or repeated, random
JSON), every importer either reads it or refuses it with a FormatError saying where and what, never another
exception. Derandomised, so each run tries the same inputs; small enough to run in seconds."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icsdebate.formats import FormatError, registry

from .conftest import ROOT

SAMPLES = ROOT.parent / "shared" / "samples"
FAST = settings(
    derandomize=True, max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _samples(*suffixes: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.rglob("*")) if p.suffix in suffixes] or ["{}"]


def imports_or_refuses(text: str, name: str, fmt: str | None) -> None:
    try:
        registry.read(text, name, fmt)
    except FormatError as exc:
        message = str(exc)
        assert message and "Traceback" not in message and "/work/" not in message


@st.composite
def mutated(draw, originals: list[str]) -> str:
    """A real file with a few random cuts, insertions and repeated stretches."""
    text = draw(st.sampled_from(originals))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        span = draw(st.integers(0, 40))
        action = draw(st.sampled_from(["cut", "insert", "repeat"]))
        if action == "cut":
            text = text[:at] + text[at + span :]
        elif action == "insert":
            text = (
                text[:at]
                + draw(
                    st.text(
                        alphabet=st.sampled_from(list('1.2 :-\n\r\t[]()\\{}"#@<>+ProCnThesi')) | st.characters(),
                        max_size=20,
                    )
                )
                + text[at:]
            )
        else:
            text = text[:at] + text[at : at + span] * 2 + text[at + span :]
    return text


KIALO_LINES = st.lists(
    st.one_of(
        st.sampled_from(["Discussion Title: T", "Discussion Name:", "Sources:", "", "[1] https://x.org/a", '"q"']),
        st.builds(
            lambda n, s, t: f"{n} {s}{t}",
            st.from_regex(r"1\.(\d\.){0,3}", fullmatch=True),
            st.sampled_from(["Pro: ", "Con: ", "Thesis: ", ""]),
            st.text(max_size=15),
        ),
        st.text(max_size=20),
    ),
    max_size=15,
).map("\n".join)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "nodes",
                    "edges",
                    "nodeID",
                    "id",
                    "type",
                    "text",
                    "fromID",
                    "toID",
                    "source_id",
                    "target_id",
                    "AIF",
                    "metadata",
                    "core",
                    "title",
                    "name",
                    "locutions",
                    "debates",
                    "format",
                ]
            )
            | st.text(max_size=5),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@FAST
@given(st.one_of(st.text(max_size=200), KIALO_LINES, mutated(_samples(".txt"))))
def test_kialo_reads_or_refuses_anything(text):
    imports_or_refuses(text, "map.txt", "kialo")


@FAST
@given(
    st.one_of(JSON.map(json.dumps), st.text(max_size=100), mutated(_samples(".json"))),
    st.sampled_from(["aif", "sadface", "json"]),
)
def test_json_formats_read_or_refuse_anything(text, fmt):
    imports_or_refuses(text, "map.json", fmt)


@FAST
@given(st.one_of(JSON.map(json.dumps), st.text(max_size=100)))
def test_detection_reads_or_refuses_anything(text):
    imports_or_refuses(text, "upload", None)


@settings(derandomize=True, max_examples=4, deadline=None, database=None)
@given(st.one_of(st.text(max_size=60), mutated(_samples(".argdown"))))
def test_argdown_reads_or_refuses_anything(text):
    """Few examples: each runs the Argdown parser, a Node process."""
    imports_or_refuses(text, "map.argdown", "argdown")
