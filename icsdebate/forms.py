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
    """An instance of `schema` built from `data`, or FormError naming each bad field."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = {}
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "form"
            template = MESSAGES.get(error["type"])
            context = {**(error.get("ctx") or {}), "hint": (hints or {}).get(field, "This is not in the expected form.")}
            message = template.format(**context) if template else str(error["msg"]).removeprefix("Value error, ")
            if field == "form" and ": " in message:  # a whole-form rule names its field first
                field, message = message.split(": ", 1)
            errors.setdefault(field, message)
        raise FormError(errors) from None

