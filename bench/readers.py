"""Our Kialo reader against arguebuf's on the same file, in one run: parse time and peak memory, and their ratio.

Usage: python bench/readers.py [--nodes 10000] [--repeat 5]
Files: the largest Kialo file in ../shared/samples, and a generated Kialo file of --nodes points in Kialo's older
layout (the one arguebuf reads). "Parse" is the file's text to a map document (ours) or to a graph (arguebuf's).
Time is the best of --repeat runs, the two readers taking turns so that drift in a shared machine weighs on both
alike; peak memory is Python's own allocation under tracemalloc. Not a test: report the ratios, not the times.
"""

import argparse
import io
import random
import sys
import time
import tracemalloc
from pathlib import Path

import arguebuf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icsdebate.formats import kialo  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"


def generated(points: int, seed: int = 1) -> str:
    """A Kialo discussion of `points` claims in the older layout: each claim under a random earlier one."""
    rng = random.Random(seed)
    numbers, children = ["1."], {"1.": 0}
    lines = ["Discussion Title: A generated discussion", "", "1. The generated thesis."]
    for index in range(1, points):
        parent = numbers[rng.randrange(len(numbers))] if rng.random() < 0.7 else numbers[-1]
        children[parent] += 1
        number = f"{parent}{children[parent]}."
        numbers.append(number)
        children[number] = 0
        words = " ".join(
            rng.choice(["care", "budget", "board", "local", "trust", "NHS", "council", "plan"])
            for _ in range(rng.randint(6, 30))
        )
        lines.append(f"{number} {'Pro' if rng.random() < 0.55 else 'Con'}: Point {index}: {words}.")
    return "\n".join(lines) + "\n"


def ours(text: str):
    return kialo.parse(text, "bench.txt")


def theirs(text: str):
    return arguebuf.load.kialo(io.StringIO(text), name="bench")


def peak(read, text: str) -> float:
    tracemalloc.start()
    read(text)
    result = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result / 1024 / 1024


def compare(label: str, text: str, repeat: int) -> None:
    best = {ours: float("inf"), theirs: float("inf")}
    for _ in range(repeat):
        for read in (ours, theirs):
            started = time.perf_counter()
            read(text)
            best[read] = min(best[read], time.perf_counter() - started)
    memory = {read: peak(read, text) for read in (ours, theirs)}
    print(
        f"{label:44} {len(text) / 1024:8.0f} KB  time {best[ours] * 1000:8.1f} ms / {best[theirs] * 1000:8.1f} ms "
        f"= {best[ours] / best[theirs]:4.2f}x   memory {memory[ours]:6.1f} MB / {memory[theirs]:6.1f} MB "
        f"= {memory[ours] / memory[theirs]:4.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("Kialo parse, ours / arguebuf's (ratio ≤ 1.0: ours is as fast or as lean)")
    files = sorted(SAMPLES.rglob("*.txt"), key=lambda p: p.stat().st_size)
    if files:
        compare(files[-1].name, files[-1].read_text(encoding="utf-8"), args.repeat)
    compare(f"generated, {args.nodes} points", generated(args.nodes), args.repeat)


if __name__ == "__main__":
    main()
