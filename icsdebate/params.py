"""One way in for every number, date and piece of text a visitor sends: ids in paths (the `id` route converter),
whole numbers in query strings (`int_arg`), ids and dates in forms, seeds and imports (the pydantic types `Id`,
`IdOrNew` and the date check `check_partial_date`), and no NUL or other control character anywhere
(`refuse_control`, `no_control`): tab, line feed and carriage return are the only ones text may hold.

A number is plain ASCII digits and nothing else ("²", "１", "-1", "9e9", " 7" are not numbers here), within
range; an id fits a signed 32-bit integer: the id columns are INTEGER, which PostgreSQL stores in 4 bytes, so
2147483647 is the largest id either database can hold for this schema.
"""

import calendar
import re
from typing import Annotated

from flask import abort, request
from pydantic import AfterValidator, BeforeValidator
from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1  # PostgreSQL's integer (serial) columns; SQLite's would hold more, but the schema is one
DIGITS = re.compile(r"[0-9]{1,19}")  # never \d, which matches digits of every script
NUL = "\x00"
# Control characters (C0 but tab, line feed and carriage return; and DEL): no one types them, XML (SVG, and the
# readers of AIF and SADFace files) cannot hold them, and search marks its matches with two of them (search.START,
# STOP), so text holding them could fake or break those marks.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_int(value, *, lo: int = 1, hi: int = MAX_ID) -> int | None:
    """`value` (a str of plain ASCII digits, or an int) as an int when it lies in lo..hi; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if lo <= number <= hi else None


class IdConverter(BaseConverter):
    """`<id:name>` in a route: a row id, plain ASCII digits from 1 to MAX_ID; anything else is a 404."""

    regex = r"[0-9]{1,19}"
    part_isolating = True

    def to_python(self, value: str) -> int:
        number = parse_int(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def int_arg(name: str, default: int, *, lo: int = 1, hi: int) -> int:
    """The whole number in query parameter `name`, `default` when it is absent or empty; a 400 that names the
    parameter and its range when it is anything but plain digits from lo to hi."""
    value = request.args.get(name, "")
    if value == "":
        return default
    number = parse_int(value, lo=lo, hi=hi)
    if number is None:
        shown = value if len(value) <= 40 else value[:40] + "…"
        abort(
            400,
            f"“{name}” must be a whole number from {lo:,} to {hi:,}, written in the digits 0 to 9; “{shown}” is not.",
        )
    return number


def _id(value):
    number = parse_int(value.strip() if isinstance(value, str) else value)
    if number is None:
        raise ValueError("Choose one of the options.")
    return number


def _id_or_new(value):
    """'' (nothing chosen), 'new', or an id as a str of plain digits in range."""
    value = value.strip() if isinstance(value, str) else value
    if value in ("", "new"):
        return value
    if parse_int(value) is None:
        raise ValueError("Choose one of the options.")
    return str(int(value))


Id = Annotated[int, BeforeValidator(_id)]
IdOrNew = Annotated[str, BeforeValidator(_id_or_new)]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def check_partial_date(value: str | None) -> str | None:
    """A date written 2018, 2018-02 or 2018-02-22 (already matched by pattern), checked to exist: year 1 to
    9999, month 1 to 12, a day the month has. ValueError says what is wrong; None and '' pass."""
    if not value:
        return value
    parts = [int(part) for part in value.split("-")]
    if parts[0] < 1:
        raise ValueError(f"There is no year {value[:4]}: write a year from 0001 to 9999.")
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        raise ValueError(f"There is no month {value[5:7]}: months run from 01 to 12.")
    if len(parts) > 2:
        days = calendar.monthrange(parts[0], parts[1])[1]
        if not 1 <= parts[2] <= days:
            raise ValueError(f"There is no {value}: {MONTHS[parts[1] - 1]} {parts[0]} has {days} days.")
    return value


RealDate = AfterValidator(check_partial_date)


def _named(char: str) -> str:
    return "a NUL character" if char == NUL else f"a control character (U+{ord(char):04X})"


def refuse_control() -> None:
    """Before a request is handled: a NUL or other control character (CONTROL) in the path, the query string or
    any form field (names included) is refused with a 400 that says where and which. PostgreSQL cannot store
    NUL in text, and no one means any of them."""
    found = CONTROL.search(request.path)
    if found:
        abort(400, f"The address contains {_named(found.group())}; nothing was done.")
    for where, values in (("address", request.args), ("form", request.form if request.method == "POST" else {})):
        for key, value in values.items(multi=True) if values else ():
            found = CONTROL.search(key) or CONTROL.search(value)
            if found:
                field = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", key)[:40]
                abort(400, f"The {where} field “{field}” contains {_named(found.group())}; nothing was saved.")


def no_control(value):
    """A pydantic check for text: ValueError when `value` (a str, or a list of them) holds a NUL or other control
    character (CONTROL), saying which."""
    for item in value if isinstance(value, list) else [value]:
        found = CONTROL.search(item) if isinstance(item, str) else None
        if found:
            raise ValueError(f"contains {_named(found.group())}, which is not text")
    return value
