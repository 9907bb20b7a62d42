"""Kialo's plain-text export: 'Discussion Title:', numbered Pro/Con lines, '-> See N.' for linked claims."""
from .tree import tree


def dump(document: dict) -> str:
    """The map as Kialo text: each claim numbered where it first appears, a '-> See' line where it appears again."""
    shape = tree(document)
    numbers = {shape.root: "1."}
    lines = [f"Discussion Title: {document['debates'][0]['title']}", "", f"1. {shape.nodes[shape.root]['title']}"]

    def write(parent: str) -> None:
        for index, (child, relation) in enumerate(shape.children.get(parent, []), start=1):
            number = f"{numbers[parent]}{index}."
            side = "Pro" if relation == "supports" else "Con"
            if child not in numbers:
                numbers[child] = number
                lines.append(f"{number} {side}: {_one_line(shape.nodes[child]['title'])}")
                write(child)
            else:
                lines.append(f"{number} {side}: -> See {numbers[child]}")

    write(shape.root)
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())
