"""JSON read and written a piece at a time: a document whose top level is an object of sections (a map document)
is read section by section, each list's items one by one, from a file of any size; and written as chunks of text
exactly as `json.dumps(document, ensure_ascii=False, indent=2)` writes it whole."""

import codecs
import json
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from . import FormatError, Section

CHUNK = 1 << 20  # characters read at a time
LARGEST_VALUE = 16 << 20  # characters: one section or entry longer than this is refused, not read on to the end
WHITESPACE = " \t\n\r"


class Items(Iterator):
    """The items of a list in the file, decoded one at a time; read them before the next section."""

    def __init__(self, reader: "_Reader"):
        self._reader, self._first, self._done = reader, True, False

    def __iter__(self) -> "Items":
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        reader = self._reader
        char = reader.skip()
        if self._first and char == "]":
            reader.pos += 1
            self._done = True
            raise StopIteration
        if not self._first:
            if char == "]":
                reader.pos += 1
                self._done = True
                raise StopIteration
            reader.expect(",", "',' or ']' after a list item")
        self._first = False
        return reader.value()

    def drain(self) -> None:
        """Read past the items not taken yet."""
        for _ in self:
            pass


class _Reader:
    """A window onto the text of a file, with the line and column of every position for error messages."""

    def __init__(self, handle: "BinaryIO | Text", name: str):
        self.handle, self.name = handle, name
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.buffer, self.pos, self.eof = "", 0, False
        self.lines_before, self.column_before = 0, 0  # of the text dropped from the front of the buffer
        self.decode = json.JSONDecoder().raw_decode

    def where(self, pos: int) -> str:
        newlines = self.buffer.count("\n", 0, pos)
        if newlines:
            column = pos - self.buffer.rfind("\n", 0, pos)
        else:
            column = self.column_before + pos + 1
        return f"line {self.lines_before + newlines + 1}, column {column}"

    def fill(self, at_least: int = 0) -> bool:
        """Drop what was read, add at least `at_least` (and CHUNK) characters from the file; False at its end."""
        if self.eof:
            return False
        dropped = self.buffer[: self.pos]
        newlines = dropped.count("\n")
        if newlines:
            self.lines_before += newlines
            self.column_before = len(dropped) - dropped.rfind("\n") - 1
        else:
            self.column_before += len(dropped)
        parts, size = [self.buffer[self.pos :]], 0
        self.pos, at_least = 0, max(at_least, CHUNK)
        while size < at_least:
            raw = self.handle.read(at_least - size)
            try:
                text = raw if isinstance(raw, str) else self.decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                assert isinstance(raw, bytes)  # noqa: S101 (only bytes are decoded)
                # where the bad byte is: what was kept and read so far, then this read up to the byte
                self.buffer = "".join(parts) + raw[: max(exc.start - len(exc.object) + len(raw), 0)].decode(
                    "utf-8", errors="replace"
                )
                raise FormatError(
                    f"{self.name}: near {self.where(len(self.buffer))}: expected UTF-8 text, found the byte "
                    f"0x{exc.object[exc.start]:02x}; save the file as UTF-8 and import it again."
                ) from None
            parts.append(text)
            size += len(text)
            if not raw:
                self.eof = True
                break
        self.buffer = "".join(parts)
        return size > 0 or not self.eof

    def skip(self) -> str:
        """The next character that is not white space (not taken), or "" at the end of the file."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.fill():
                return ""

    def expect(self, char: str, what: str) -> None:
        if self.skip() != char:
            found = self.buffer[self.pos : self.pos + 1]
            raise self.error(f"expected {what}, found {found!r}" if found else f"expected {what}, found the end")
        self.pos += 1

    def error(self, message: str, pos: int | None = None) -> FormatError:
        return FormatError(f"{self.name}: {self.where(self.pos if pos is None else pos)}: not valid JSON ({message}).")

    def value(self):
        """The JSON value that starts here, decoded whole; the file is read further until it ends in the window."""
        self.skip()
        while True:
            try:
                value, end = self.decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buffer) - self.pos <= LARGEST_VALUE and self.fill(len(self.buffer) - self.pos):
                    continue
                raise self.error(exc.msg, exc.pos) from None
            except RecursionError:
                raise self.error("arrays or objects nested too deeply") from None
            if _may_go_on(value, self.buffer, end) and self.fill(len(self.buffer) - self.pos):
                continue  # a number may go on in the next chunk
            self.pos = end
            return value


class Text:
    """Text already read (an upload), handed to `sections` as a file is, a slice at a time, without a copy."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def read(self, size: int) -> str:
        chunk = self.text[self.pos : self.pos + size]
        self.pos += len(chunk)
        return chunk


class Members(Iterator):
    """The (name, value) members of an object in the file, each value decoded whole, one member at a time; read
    them before the next section."""

    def __init__(self, reader: "_Reader"):
        self._reader, self._first, self._done = reader, True, False

    def __iter__(self) -> "Members":
        return self

    def __next__(self) -> tuple[str, object]:
        return self.name(), self._reader.value()

    def name(self) -> str:
        """The next member's name, read past its ':' (its value is next in the file); StopIteration after the
        object's '}'."""
        if self._done:
            raise StopIteration
        reader = self._reader
        char = reader.skip()
        if char == "}":
            reader.pos += 1
            self._done = True
            raise StopIteration
        if not self._first:
            reader.expect(",", "',' or '}' after a member")
        self._first = False
        if reader.skip() != '"':
            raise reader.error("expected a member's name in double quotes")
        key = reader.value()
        reader.expect(":", "':' after a member's name")
        return key

    def drain(self) -> None:
        """Read past the members not taken yet."""
        for _ in self:
            pass


def _may_go_on(value, buffer: str, end: int) -> bool:
    """Whether the value decoded from `buffer` up to `end` may be the start of a longer one cut where the window
    ends: anything that ends with the window, or a number followed by at most two characters that could still
    belong to it ("1." of "1.5", "1e+" of "1e+5": the decoder stops before them)."""
    if end == len(buffer):
        return True
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return is_number and len(buffer) - end <= 2 and all(char in NUMBER for char in buffer[end:])


NUMBER = "0123456789+-.eE"


def sections(handle: BinaryIO | Text, name: str, objects: bool = False) -> Iterator[Section]:
    """(name, value) for each member of the object at the top of the UTF-8 JSON in `handle` (a binary file, or
    `Text`), in file order: a list's value is `Items` (its items decoded one by one, to be read before the next
    pair); with `objects`, an object's value is `Members` (its (name, value) members one by one, likewise); any
    other value is decoded whole. Raises FormatError naming the line and column of what is not JSON or not an
    object at the top."""
    reader = _Reader(handle, name)
    if reader.skip() == "\ufeff":
        reader.pos += 1
    if reader.skip() == "":
        raise FormatError(f"{name}: the file is empty.")
    if reader.skip() != "{":
        raise FormatError(
            f"{name}: {reader.where(reader.pos)}: expected an object ({{…}}) at the top of the file, holding the "
            "map's sections."
        )
    reader.pos += 1
    top = Members(reader)
    while True:
        try:
            key = top.name()
        except StopIteration:  # the top object's '}'
            break
        opening = reader.skip()
        if opening == "[" or (objects and opening == "{"):
            reader.pos += 1
            members = Items(reader) if opening == "[" else Members(reader)
            yield key, members
            members.drain()
        else:
            yield key, reader.value()
    if reader.skip() != "":
        raise reader.error("extra data after the object")


def write(document: Iterable[Section]) -> Iterator[str]:
    """The text of `json.dumps(dict(document), ensure_ascii=False, indent=2) + "\\n"` in chunks, a list's items
    written as they come: `document` yields (name, value) pairs whose value may be any iterable of items that is not
    a dict or a string."""
    yield "{"
    first = True
    for key, value in document:
        yield ("\n  " if first else ",\n  ") + json.dumps(key, ensure_ascii=False) + ": "
        first = False
        if isinstance(value, (dict, str, int, float, bool)) or value is None:
            yield _dumps(value).replace("\n", "\n  ")
            continue
        opened = False
        for item in value:
            yield (",\n    " if opened else "[\n    ") + _dumps(item).replace("\n", "\n    ")
            opened = True
        yield "\n  ]" if opened else "[]"
    yield "\n}\n" if not first else "}\n"


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
