"""Which points still stand: grounded semantics over the 'opposes' links.

A point stands when every point opposing it has been answered; it is answered when at least one point
opposing it stands. Points caught in a circle of unresolved opposition are left undecided. Supporting
links do not attack, so they never change a point's standing.
"""

STANDS, ANSWERED, UNDECIDED = "stands", "answered", "undecided"


def grounded(nodes: list[str], attacks: list[tuple[str, str]]) -> dict[str, str]:
    """Label each node from (attacker, attacked) pairs: the least fixed point, computed by propagation."""
    attackers: dict[str, set[str]] = {node: set() for node in nodes}
    targets: dict[str, set[str]] = {node: set() for node in nodes}
    for attacker, attacked in attacks:
        attackers[attacked].add(attacker)
        targets[attacker].add(attacked)
    label: dict[str, str] = {}
    undecided_attackers = {node: len(attackers[node]) for node in nodes}
    queue = [node for node in nodes if not attackers[node]]
    while queue:
        node = queue.pop()
        if node in label:
            continue
        label[node] = STANDS
        for target in targets[node]:
            if target not in label:
                label[target] = ANSWERED
                for further in targets[target]:
                    undecided_attackers[further] -= 1
                    if undecided_attackers[further] == 0 and further not in label:
                        queue.append(further)
    return {node: label.get(node, UNDECIDED) for node in nodes}
