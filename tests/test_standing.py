"""Grounded semantics on hand-made graphs: chains, cycles, self-attacks, support that does not attack."""
from icsdebate.standing import ANSWERED, STANDS, UNDECIDED, grounded


def test_an_unopposed_point_stands_and_what_it_opposes_is_answered():
    assert grounded(["a", "b"], [("b", "a")]) == {"a": ANSWERED, "b": STANDS}


def test_a_long_chain_alternates():
    nodes = [str(i) for i in range(9)]
    labels = grounded(nodes, [(str(i + 1), str(i)) for i in range(8)])
    assert [labels[str(i)] for i in range(9)] == [STANDS if (8 - i) % 2 == 0 else ANSWERED for i in range(9)]


def test_a_reinstated_point_stands_again():
    # c answers b, so a (opposed only by b) stands
    assert grounded(["a", "b", "c"], [("b", "a"), ("c", "b")]) == {"a": STANDS, "b": ANSWERED, "c": STANDS}


def test_mutual_opposition_is_undecided():
    assert grounded(["a", "b", "x"], [("a", "b"), ("b", "a"), ("a", "x")]) == {"a": UNDECIDED, "b": UNDECIDED, "x": UNDECIDED}


def test_an_odd_cycle_and_a_self_attack_are_undecided():
    assert set(grounded(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")]).values()) == {UNDECIDED}
    assert grounded(["s", "t"], [("s", "s"), ("s", "t")]) == {"s": UNDECIDED, "t": UNDECIDED}


def test_one_standing_opponent_is_enough_to_answer():
    labels = grounded(["a", "b", "c", "d"], [("b", "a"), ("c", "a"), ("d", "b")])
    assert labels == {"a": ANSWERED, "b": ANSWERED, "c": STANDS, "d": STANDS}


def test_a_standing_point_defends_against_a_cycle():
    labels = grounded(["a", "b", "c", "d"], [("b", "c"), ("c", "b"), ("d", "c"), ("c", "a")])
    assert labels == {"a": STANDS, "b": STANDS, "c": ANSWERED, "d": STANDS}
