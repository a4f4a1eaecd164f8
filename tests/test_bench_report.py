"""The benchmark's report: which rows it counts as missing their targets."""

from __future__ import annotations

from bench.__main__ import Figures, Timing, report


def timing(ms: float, base: float) -> Timing:
    figures = Figures(ms=ms, base=base, own=ms / 2, own_base=base / 2)
    return Timing(warm=figures, cold=figures)


def misses(text: str) -> str:
    return text.rsplit("Targets missed: ", 1)[1]


def test_a_slower_machine_at_the_larger_size_is_not_counted_against_a_command() -> None:
    # At 100k the no-op itself took twice as long (the machine got busier): the command's
    # doubling is the machine's, so scaling is met.
    results = {
        10_000: {"noop": timing(0.5, 0.5), "who": timing(0.7, 0.5)},
        100_000: {"noop": timing(1.0, 1.0), "who": timing(1.4, 1.0)},
    }
    text = report(results)
    assert "| who | 0.70 (1.40x) | 1.40 (1.40x) | 2.00x | 1.00x |" in text
    assert misses(text) == "none"


def test_a_command_that_grows_with_the_data_is_a_miss() -> None:
    results = {
        10_000: {"noop": timing(0.5, 0.5), "who": timing(0.7, 0.5)},
        100_000: {"noop": timing(0.5, 0.5), "who": timing(1.4, 0.5)},
    }
    found = misses(report(results))
    assert "who (warm): 100k is 2.00x of 10k, load-corrected (target 1.5x)" in found
    assert "who (cold): 100k is 2.00x of 10k, load-corrected (target 1.5x)" in found
    assert "who (warm): 2.80x" not in found  # only the 10k size is held to the 2x target


def test_the_no_op_targets_are_2x_for_commands_and_1_5x_for_autocomplete() -> None:
    results = {
        10_000: {
            "noop": timing(0.5, 0.5),
            "tariffs": timing(1.1, 0.5),
            "who autocomplete": timing(0.8, 0.5),
            "countdown": timing(0.9, 0.5),
        }
    }
    found = misses(report(results))
    assert "tariffs (warm): 2.20x the no-op at 10k (target 2.0x)" in found
    assert "who autocomplete (warm): 1.60x the no-op at 10k (target 1.5x)" in found
    assert "countdown" not in found
    assert "noop" not in found
