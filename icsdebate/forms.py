"""Form input: read fields, validate with a schema, and turn errors into words next to each field."""

from pydantic import BaseModel, ValidationError

MESSAGES = {
    "missing": "This is required.",
    "string_too_short": "This is required.",
    "string_too_long": "This is too long: at most {max_length} characters.",
    "string_pattern_mismatch": "{hint}",
    "literal_error": "Choose one of the options.",
    "int_parsing": "Choose one of the options.",
    "url_parsing": "Give an address that starts with http:// or https://.",
}


class FormError(Exception):
    """Input that did not validate: `errors` maps each field to a message a person understands."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def validate(schema: type[BaseModel], data: dict, hints: dict[str, str] | None = None):
    """An instance of `schema` built from `data`, or FormError naming every bad field at once: the rules of each
    part a schema is made of (its bases) are checked too, since a model's own rules run only once its fields
    are valid."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = _errors(exc, hints)
    for part in schema.__mro__[1:]:
        if (
            isinstance(part, type)
            and issubclass(part, BaseModel)
            and part is not BaseModel
            and "__pydantic_decorators__" in vars(part)
            and part.__pydantic_decorators__.model_validators
        ):
            try:
                part.model_validate(data)
            except ValidationError as exc:
                for field, message in _errors(exc, hints).items():
                    errors.setdefault(field, message)
    raise FormError(errors) from None


def _errors(exc: ValidationError, hints: dict[str, str] | None) -> dict[str, str]:
    errors = {}
    for error in exc.errors():
        loc = error["loc"]
        if len(loc) == 2 and isinstance(loc[1], int):  # one of a list of choices (themes): the list's field
            loc = loc[:1]
        field = "-".join(str(part) for part in loc) if loc else "form"  # citations-0-quote
        template = MESSAGES.get(error["type"])
        hint = (hints or {}).get(field) or (hints or {}).get(
            field.rsplit("-", 1)[-1], "This is not in the expected form."
        )
        context = {**(error.get("ctx") or {}), "hint": hint}
        message = template.format(**context) if template else str(error["msg"]).removeprefix("Value error, ")
        for line in message.split("\n"):
            named = field
            if field == "form" and ": " in line:  # a whole-form rule names its field first
                named, line = line.split(": ", 1)
            errors.setdefault(named, line)
    return errors
