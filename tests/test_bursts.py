"""runner.bursts: the course's one definition of a burst, used by 02 and 06 alike."""

import json
import pathlib
import re

import numpy as np
import pytest

from rugged import descend, optim, runner, schedules, surfaces
from rugged.lessons import adagrad, decay

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
L_STAR = 101936.72989589068          # the Pokémon surface's minimum loss, a typical L*


def gap_curve(*pieces):
    """A loss curve L* + gap from pieces (gap_from, gap_to, steps), geometric in each piece."""
    gap = np.concatenate([np.geomspace(a, b, n) for a, b, n in pieces])
    return L_STAR + gap


# ---------------------------------------------------------------------------------------
# Synthetic curves with known bursts

def test_no_burst_in_a_falling_curve():
    found = runner.bursts(gap_curve((1e6, 1e-6, 500)), L_STAR)
    assert len(found) == 0 and found.summary().startswith("no burst")


def test_two_bursts_are_found_where_they_start_and_end():
    loss = gap_curve((1e3, 1e-2, 100),       # steps 0–99: settles to 1e-2
                     (1e-1, 1e5, 10),        # 100–109: rises; 1e-1 is only 10×, 1e0 is 100×
                     (1e4, 1e-3, 50),        # 110–159: back down, below 1 at step 134
                     (1e-2, 1e6, 10),        # 160–169: a second burst
                     (1e5, 1e-4, 40))        # 170–209: back down
    found = runner.bursts(loss, L_STAR)
    gap = loss - L_STAR
    assert len(found) == 2
    first_level = 100 * gap[99]
    assert found.starts[0] == np.argmax(gap[100:] >= first_level) + 100
    assert gap[found.starts[0] - 1] < first_level <= gap[found.starts[0]]
    assert found.peaks.tolist() == [109, 169]
    assert gap[found.ends[0]] < first_level <= gap[found.ends[0] - 1]
    assert found.starts[1] > found.ends[0]
    assert found.summary().startswith(f"2 bursts, starting at t = {found.starts[0]}, {found.starts[1]}")


def test_a_rise_of_99_times_is_not_a_burst_and_101_times_is():
    calm = np.full(50, 1.0)
    for factor, expected in ((99.0, 0), (101.0, 1)):
        gap = np.concatenate([calm, [factor], calm])
        assert len(runner.bursts(L_STAR + gap, L_STAR)) == expected


def test_the_running_minimum_starts_afresh_after_a_burst():
    # the first burst (from 1e-3) ends when the gap is back below 0.1, at 0.05; the run stays
    # there, so a second rise counts only if it is 100× above 0.05 (not above the 1e-3 of before)
    def run(second):
        gap = np.concatenate([np.full(20, 1e-3), np.full(5, 1.0), np.full(20, 0.05),
                              np.full(5, second), np.full(20, 0.05)])
        return runner.bursts(L_STAR + gap, L_STAR)
    assert run(2.0).starts.tolist() == [20] and run(2.0).ends.tolist() == [25]
    assert run(10.0).starts.tolist() == [20, 45] and run(10.0).ends.tolist() == [25, 50]


def test_a_rise_that_never_comes_back_is_one_burst_to_the_end():
    gap = np.concatenate([np.full(10, 1e-3), np.full(30, 1.0)])
    found = runner.bursts(L_STAR + gap, L_STAR)
    assert found.starts.tolist() == [10] and found.ends.tolist() == [40]


def test_rounding_noise_near_the_minimum_is_not_a_burst():
    ulp = np.spacing(L_STAR)
    noise = np.random.default_rng(0).integers(0, 64, 5000) * ulp      # up to 64 ulps of L*
    assert len(runner.bursts(L_STAR + noise, L_STAR)) == 0


def test_the_cosine_runs_eight_orders_of_magnitude_are_a_burst():
    """On another platform 06's cosine run had, near t = 7,000, a rise of L − L* from 1e-6 to
    1e2 that left L within a thousandth of L*: the old detector (L above twice its running
    minimum) did not see it. Working on the gap, this one does."""
    loss = gap_curve((1e3, 1e-6, 7000), (1e-6, 1e2, 60), (1e2, 1e-9, 900))
    found = runner.bursts(loss, L_STAR)
    assert len(found) == 1
    assert 7000 <= found.starts[0] < 7060 and found.peaks[0] == 7059
    assert np.all(loss < 2 * np.minimum.accumulate(loss))          # L never doubled


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match="one run"):
        runner.bursts(np.ones((5, 2)), 0.0)
    with pytest.raises(ValueError, match="minimum loss"):
        runner.bursts(np.ones(5), None)
    with pytest.raises(ValueError, match="minimum loss"):
        runner.bursts(np.ones(5), float("nan"))
    with pytest.raises(ValueError, match="factor"):
        runner.bursts(np.ones(5), 0.0, factor=1.0)
    with pytest.raises(ValueError, match="finite"):
        runner.bursts(np.array([1.0, np.inf]), 0.0)
    assert len(runner.bursts(np.array([]), 0.0)) == 0


# ---------------------------------------------------------------------------------------
# On the course's runs: one definition, the same numbers in 02 and 06

@pytest.fixture(scope="module")
def pokemon():
    return surfaces.pokemon()


@pytest.fixture(scope="module")
def lecture(pokemon):
    return descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 20_000)


def test_neither_lesson_keeps_a_detector_of_its_own():
    assert not hasattr(adagrad, "count_bursts")
    assert not hasattr(decay, "find_bursts") and not hasattr(decay, "Bursts")


def test_the_lecture_run_bursts_again_and_again(pokemon, lecture):
    found = runner.bursts(lecture, pokemon)
    assert len(found) >= 10
    assert 600 < found.starts[0] < 800                  # after λ_max(D^t H) has passed 2
    assert np.all(np.diff(found.starts) > 0)
    gap = lecture.loss - pokemon.min_loss
    assert np.all(gap[found.peaks] > 1e6)                     # every one is a real burst
    for start, end, before in zip(found.starts, found.ends, np.concatenate([[0], found.ends[:-1]])):
        low = gap[before:start].min()                         # calm since the last one ended
        assert gap[start] >= 100 * low > gap[start - 1]
        assert end == len(gap) or gap[end] < 100 * low
    # and the decay removes them, as does torch's sum form
    decayed = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 20_000,
                      schedule=schedules.InverseSqrtDecay())
    assert len(runner.bursts(decayed, pokemon)) == 0


def test_a_path_and_its_losses_give_the_same_bursts(pokemon, lecture):
    a, b = runner.bursts(lecture, pokemon), runner.bursts(lecture.loss, pokemon.min_loss)
    assert a.starts.tolist() == b.starts.tolist() and a.ends.tolist() == b.ends.tolist()


def _outputs(name):
    notebook = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return "\n".join("".join(out.get("text", "")) for cell in notebook["cells"] if cell["cell_type"] == "code"
                     for out in cell.get("outputs", []))


def test_02_and_06_print_the_same_bursts_of_the_same_run():
    """02 and 06 both run LectureAdagrad(lr=1) for 20,000 steps on the Pokémon surface and
    print its bursts: the stored outputs must agree (they once said 21 and 20)."""
    pattern = r"(\d+) bursts?, starting at t = ([\d, ,]+)"
    in_02 = re.search(r"mean form: " + pattern, _outputs("02_adagrad.ipynb"))
    in_06 = re.search(pattern, _outputs("06_lr_decay.ipynb"))
    assert in_02 and in_06
    assert in_02.group(1) == in_06.group(1)
    starts_02 = [s.strip() for s in in_02.group(2).split(", ") if s.strip()]
    starts_06 = [s.strip() for s in in_06.group(2).split(", ") if s.strip()]
    shown = min(len(starts_02), len(starts_06))
    assert shown >= 3 and starts_02[:shown] == starts_06[:shown]
