"""Whatever a reader accepts, the database stores: every text field of the seed format (which imports and backups
also go through) and of the forms, filled to the longest value its reader allows, is written without a database
error, on SQLite and on PostgreSQL (which enforces varchar lengths); one character more is refused by the reader
with a message. The limits come from icsdebate/fields.py, and the map format's JSON Schema carries them."""

import pytest
from sqlmodel import SQLModel, select

from icsdebate import db, fields, seeds
from icsdebate.formats import mapdoc
from icsdebate.models import Node, Source, Theme, Voice

UNBOUNDED = 5_000  # a field whose reader sets no limit must fit a column that sets none


def _limit(schema: dict) -> int | None:
    """maxLength of a property of a JSON Schema, through an `anyOf` (an optional field)."""
    for option in [schema, *schema.get("anyOf", [])]:
        if "maxLength" in option:
            return option["maxLength"]
    return None


def _is_text(schema: dict) -> bool:
    options = [schema, *schema.get("anyOf", [])]
    return any(option.get("type") == "string" and "enum" not in option for option in options)


def _pattern(schema: dict) -> str | None:
    return next((o["pattern"] for o in [schema, *schema.get("anyOf", [])] if o.get("pattern")), None)


def _longest(name: str, schema: dict) -> str:
    """The longest value the reader accepts for a text field, its date or address pattern kept."""
    size = _limit(schema) or UNBOUNDED
    pattern = _pattern(schema)
    if pattern == fields.DATE_PATTERN:
        return "2021-07-01"
    if pattern == fields.ADDRESS_PATTERN:
        return "https://example.org/".ljust(size, "a")
    assert pattern is None, (name, pattern)
    return f"{name} ".ljust(size, "x")


def _filled(model, base: dict) -> dict:
    """`base` with every text field of `model` at the longest its reader allows; keys and references to keys
    (already at the longest in `base`) are kept."""
    filled = dict(base)
    for name, schema in model.model_json_schema()["properties"].items():
        if _is_text(schema) and _pattern(schema) != fields.KEY_PATTERN:
            filled[name] = _longest(name, schema)
    return filled


def _document() -> dict:
    theme, source, voice = "t".ljust(fields.KEY, "t"), "s".ljust(fields.KEY, "s"), "v".ljust(fields.KEY, "v")
    thesis, claim, debate = "a".ljust(fields.KEY, "a"), "b".ljust(fields.KEY, "b"), "d".ljust(fields.KEY, "d")
    citation = _filled(seeds.CitationSeed, {"source": source, "quote": "q"})
    return {
        "themes": [_filled(seeds.ThemeSeed, {"key": theme, "name": "n"})],
        "sources": [_filled(seeds.SourceSeed, {"key": source, "title": "t", "kind": "parliament"})],
        "voices": [_filled(seeds.VoiceSeed, {"key": voice, "name": "n", "group": "g"})],
        "debates": [_filled(seeds.DebateSeed, {"key": debate, "title": "t", "thesis": thesis, "themes": [theme]})],
        "nodes": [
            _filled(seeds.NodeSeed, {"key": key, "kind": kind, "title": "t", "voice": voice, "citations": [citation]})
            | ({"supports": [thesis]} if kind == "claim" else {})
            for key, kind in ((thesis, "thesis"), (claim, "claim"))
        ],
        "glossary": [
            _filled(
                seeds.GlossarySeed,
                {
                    "key": "g".ljust(fields.KEY, "g"),
                    "term": "T",
                    "expansion": "e",
                    "definition": "d",
                    "citation": citation,
                },
            )
        ],
    }


def test_every_seed_text_field_at_its_longest_is_stored(app):
    document = _document()
    seed_set = seeds.read_document("longest.yaml", document)
    with app.app_context(), db.write_session() as session:
        seeds.load(session, seed_set)
    with app.app_context():
        session = db.session()
        stored = session.exec(select(Source)).one()
        assert stored.title == document["sources"][0]["title"] and len(stored.title) == fields.SOURCE_TITLE
        assert len(session.exec(select(Voice)).one().organisation) == fields.NAME
        assert len(session.exec(select(Theme)).one().key) == fields.KEY
        assert {len(node.title) for node in session.exec(select(Node))} == {fields.TITLE}


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("sources", "publisher"),
        ("sources", "title"),
        ("voices", "role"),
        ("voices", "group"),
        ("themes", "name"),
        ("nodes", "title"),
        ("glossary", "expansion"),
        ("glossary", "key"),
    ],
)
def test_one_character_over_the_limit_is_refused_by_the_reader_naming_the_field(section, field):
    document = _document()
    entry = document[section][0]
    entry[field] = entry[field] + ("k" if field == "key" else "x")
    with pytest.raises(seeds.SeedError) as refused:
        seeds.read_document("longest.yaml", document)
    assert f"{section}[0]" in str(refused.value) and field in str(refused.value)


def _columns() -> dict[tuple[str, str], int]:
    return {
        (table.name, column.name): column.type.length
        for table in SQLModel.metadata.tables.values()
        for column in table.columns
        if getattr(column.type, "length", None)
    }


def test_every_bounded_column_takes_its_length_from_the_one_list_of_limits():
    limits = {value for name, value in vars(fields).items() if name.isupper() and isinstance(value, int)}
    vocabularies_and_accounts = {"kind", "status", "standing", "outcome", "relation", "side", "role", "action"}
    vocabularies_and_accounts |= {"name", "password_hash", "token_hash", "sha256", "filename"}
    loose = {
        where: length
        for where, length in _columns().items()
        if length not in limits and where[1] not in vocabularies_and_accounts
    }
    assert loose == {}


def test_the_map_format_schema_carries_the_same_limits():
    schema = mapdoc.json_schema()
    text = repr(schema)
    for limit in (fields.KEY, fields.TITLE, fields.SOURCE_TITLE, fields.NAME, fields.LOCATOR, fields.ADDRESS):
        assert f"'maxLength': {limit}" in text


def test_a_map_imported_twice_with_the_longest_key_gets_a_second_address_that_fits(app):
    from icsdebate.formats import store

    with app.app_context(), db.write_session() as session:
        first = store.load_as_new(session, seeds.read_document("longest.yaml", _document()))[0].slug
        second = store.load_as_new(session, seeds.read_document("longest.yaml", _document()))[0].slug
    assert len(first) == fields.KEY and len(second) <= fields.KEY and second != first and second.endswith("-2")
