"""Every limit and pattern a stored text field must meet, defined once.

The table models (`models`) size their columns from these, and everything that reads text in — the forms
(`schemas`), the seed files, imports and backups (`seeds`), and the map format's JSON Schema generated from the
seed models (`formats/mapdoc`, docs/icsdebate-map.schema.json) — refuses longer text with these same figures, so
that nothing the readers accept is refused by the database. Lengths are in characters.
`tests/test_field_limits.py` holds every reader to its column.
"""

KEY = 80  # the seed key of a point, source, voice, theme, debate or glossary term; a debate's slug
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

TITLE = 280  # a point's or a debate's title
SOURCE_TITLE = 400
NAME = 200  # a voice's name, role and organisation; a source's publisher and author; a glossary expansion
GROUP = 80  # the group a voice speaks for
THEME_NAME = 120
TERM = 20  # a glossary term (an acronym)
ADDRESS = 600  # a source's web address
ADDRESS_PATTERN = r"^https?://\S+$"
LOCATOR = 300  # where in its source a quote is: page, paragraph, section
QUOTE = 2000  # a quote added through the form; seeded and imported quotes are bounded by the file size only
ANNOTATION = 10_000  # a point's annotation, in Markdown, added through the form
NOTE = 300  # a contributor's note on an edit

DATE = 10  # a partial date: 2018, 2018-02 or 2018-02-22
DATE_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
