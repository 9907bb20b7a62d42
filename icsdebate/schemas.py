"""What a form may submit: validated here before any table row is built from it."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator, model_validator

from . import fields
from .models import OUTCOMES, SIDES, SOURCE_KINDS
from .params import Id, IdOrNew, RealDate

Clean = StringConstraints(strip_whitespace=True)
OPTIONAL_ADDRESS = "^$|" + fields.ADDRESS_PATTERN  # a form field left empty, or an address
Title = Annotated[str, Clean, StringConstraints(min_length=1, max_length=fields.TITLE)]
Short = Annotated[str, Clean, StringConstraints(max_length=fields.NAME)]
PartialDate = Annotated[str, Clean, StringConstraints(pattern="^$|" + fields.DATE_PATTERN), RealDate]  # "" or a date
Address = Annotated[str, Clean, StringConstraints(max_length=fields.ADDRESS, pattern=OPTIONAL_ADDRESS)]

HINTS = {
    "argued_on": "Write a date as 2018, 2018-02 or 2018-02-22.",
    "happened_on": "Write a date as 2018, 2018-02 or 2018-02-22.",
    "source_date": "Write a date as 2018, 2018-02 or 2018-02-22.",
    "source_address": "Give an address that starts with http:// or https://.",
    "source": "Choose a source from the list.",
    "outcome_on": "Write a date as 2018, 2018-02 or 2018-02-22.",
}
EDIT_KINDS = ("claim", "evidence", "question", "event")
# The order of a node form's fields, which its list of errors follows.
FIELD_ORDER = (
    "form",
    "relation",
    "kind",
    "title",
    "annotation",
    "voice",
    "voice_name",
    "voice_role",
    "voice_organisation",
    "voice_group",
    "argued_on",
    "happened_on",
    "source",
    "source_title",
    "source_publisher",
    "source_author",
    "source_date",
    "source_address",
    "source_kind",
    "quote",
    "locator",
    "themes",
    "note",
)


class _Form(BaseModel):
    model_config = ConfigDict(extra="ignore")


class NodeFields(_Form):
    """The fields every version of a node has."""

    kind: Literal[EDIT_KINDS]  # type: ignore[valid-type]
    title: Title
    annotation: Annotated[str, StringConstraints(max_length=fields.ANNOTATION)] = ""
    argued_on: PartialDate = ""
    happened_on: PartialDate = ""
    themes: list[Id] = []

    @model_validator(mode="after")
    def _event_has_a_date(self):
        if self.kind == "event" and not self.happened_on:
            raise ValueError("happened_on: An event needs the date it happened.")
        return self


class CitationFields(_Form):
    """A quote with where it comes from: an existing source, or a new one described here."""

    source: IdOrNew = ""
    source_title: Annotated[str, Clean, StringConstraints(max_length=fields.SOURCE_TITLE)] = ""
    source_publisher: Short = ""
    source_author: Short = ""
    source_date: PartialDate = ""
    source_address: Address = ""
    source_kind: Literal[("",) + SOURCE_KINDS] = ""  # type: ignore[valid-type]
    quote: Annotated[str, Clean, StringConstraints(max_length=fields.QUOTE)] = ""
    locator: Annotated[str, Clean, StringConstraints(max_length=fields.LOCATOR)] = ""

    @model_validator(mode="after")
    def _citation_complete(self):
        problems = []
        if self.source == "new":
            if not self.source_title:
                problems.append("source_title: Give the new source a title.")
            if not self.source_kind:
                problems.append("source_kind: Say what kind of source it is.")
        if self.source and not self.quote:
            problems.append("quote: Quote the source's own words.")
        if self.quote and not self.source:
            problems.append("source: Say where the quote comes from.")
        if problems:  # every problem at once, one a line (forms.validate splits them)
            raise ValueError("\n".join(problems))
        return self


class VoiceFields(_Form):
    voice: IdOrNew = ""
    voice_name: Short = ""
    voice_role: Short = ""
    voice_organisation: Short = ""
    voice_group: Annotated[str, Clean, StringConstraints(max_length=fields.GROUP)] = ""

    @model_validator(mode="after")
    def _voice_complete(self):
        if self.voice == "new":
            problems = []
            if not self.voice_name:
                problems.append("voice_name: Name the person or body who argued this.")
            if not self.voice_group:
                problems.append("voice_group: Say which group the voice speaks for.")
            if problems:
                raise ValueError("\n".join(problems))
        elif not self.voice:
            raise ValueError("voice: Choose who argued this, or “Someone new”.")
        return self


class NodeCreate(NodeFields, VoiceFields, CitationFields):
    """A new node under a parent: fields, voice, and its first citation (required)."""

    relation: Literal[SIDES]  # type: ignore[valid-type]

    @field_validator("quote")
    @classmethod
    def _quoted(cls, value):
        if not value:
            raise ValueError("Quote the source's own words: every point carries at least one quote.")
        return value


class CitationEdit(_Form):
    """A correction of a quote the point already cites: its source, words and place in the source."""

    source: Id
    quote: Annotated[str, Clean, StringConstraints(min_length=1, max_length=fields.QUOTE)]
    locator: Annotated[str, Clean, StringConstraints(max_length=fields.LOCATOR)] = ""


class NodeUpdate(NodeFields, VoiceFields, CitationFields):
    """An edit: new fields, its quotes corrected (in their order; none are dropped), and optionally one more."""

    note: Annotated[str, Clean, StringConstraints(max_length=fields.NOTE)] = ""
    citations: list[CitationEdit] | None = None


class LinkCreate(_Form):
    child: Id
    relation: Literal[SIDES]  # type: ignore[valid-type]


class OutcomeSet(_Form):
    """What later events made of a point: an outcome, when, why, and the source that shows it."""

    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    outcome_on: PartialDate
    outcome_reason: Annotated[str, Clean, StringConstraints(min_length=1, max_length=fields.QUOTE)]
    source: Id
    quote: Annotated[str, Clean, StringConstraints(min_length=1, max_length=fields.QUOTE)]
    locator: Annotated[str, Clean, StringConstraints(max_length=fields.LOCATOR)] = ""

    @field_validator("outcome_on")
    @classmethod
    def _dated(cls, value):
        if not value:
            raise ValueError("Say when (2018, 2018-02 or 2018-02-22).")
        return value
