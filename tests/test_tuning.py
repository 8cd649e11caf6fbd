"""rugged.tuning, the course's fair race: exact rows, the score, the grid search, bad input,
and plots.race / plots.sensitivity, the one race figure of the course."""

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import figure_checks
from rugged import descend, optim, plots, style, surfaces, tuning

matplotlib.use("Agg")

MOMENTUM = {"Momentum": lambda lr: optim.SGD(lr, momentum=0.9)}


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ---------------------------------------------------------------------------------------
# Every row of the batch pass is the run `descend` would make alone.

@pytest.mark.parametrize("surface", [surfaces.zigzag(), surfaces.rosenbrock(), surfaces.saddle()],
                         ids=lambda s: s.name)
def test_each_row_is_the_single_run(surface):
    makes = {"GD": optim.GD, "Adam": optim.Adam, "NAdam": optim.NAdam, "RAdam": optim.RAdam,
             "Adagrad": optim.Adagrad, "RMSprop": optim.RMSprop, **MOMENTUM}
    starts = tuning.starts_near(surface, 3)
    etas = np.array([1e-3, 0.02, 0.3, 3.0])
    steps, goal = 200, tuning.goal_fraction(surface, 1e-3)
    results = tuning.scores(surface, [(make, etas) for make in makes.values()], starts, steps, goal, box=None)
    for (name, make), result in zip(makes.items(), results):
        for i, eta in enumerate(etas):
            single = descend(surface, make(eta), starts, steps)
            settle = tuning.settle_steps(single, goal)
            expected = [math.inf if s is None else s for s in settle]
            assert list(result["settle"][i]) == expected, (name, eta)
            finite = np.array([d is None for d in single.diverged_at])
            assert np.array_equal(result["final"][i][finite], single.loss[-1][finite]), (name, eta)
            assert list(result["lost"][i]) == list(~finite), (name, eta)


def test_races_run_together_equal_races_run_alone():
    """`surface_races` shares its passes between surfaces with different budgets and starts; each
    surface's result is the one `surface_race` gives alone, to the last bit."""
    every = {"ravine": surfaces.ravine(), "zigzag": surfaces.zigzag(), "saddle": surfaces.saddle()}
    makes = {"GD": optim.GD, "Adam": optim.Adam, **MOMENTUM}
    together = tuning.surface_races(every, makes, n_starts=3)
    assert list(together) == list(every)
    for name, surface in every.items():
        alone = tuning.surface_race(surface, makes, n_starts=3)
        assert list(together[name]) == list(alone)
        for label, t in alone.items():
            u = together[name][label]
            for field in ("etas", "steps", "mean_steps", "reached", "lost", "final"):
                assert np.array_equal(getattr(u, field), getattr(t, field)), (name, label, field)
            assert u.best_eta == t.best_eta and u.budget == t.budget and u.surface is surface


def test_settle_steps_is_the_first_step_from_which_the_goal_holds():
    surface = surfaces.zigzag()
    path = descend(surface, optim.Adam(lr=0.75), surface.start, 200)
    goal = tuning.goal_fraction(surface, 1e-3)
    settle = tuning.settle_steps(path, goal)
    assert np.all(path.loss[settle:] <= goal) and path.loss[settle - 1] > goal
    assert path.steps_to(goal) < settle            # Adam touches the goal before it stays there
    assert tuning.settle_steps(path, surface.min_loss - 1) is None
    assert tuning.settle_steps(path, path.loss.max()) == 0
    diverged = descend(surface, optim.GD(lr=1.0), surface.start, 100)
    assert diverged.diverged_at is not None and tuning.settle_steps(diverged, 1e300) is None
    batch = descend(surface, optim.Adam(lr=0.75), tuning.starts_near(surface, 3), 200)
    assert tuning.settle_steps(batch, goal)[0] == settle


def test_a_run_that_leaves_the_box_is_lost_but_not_without_a_box():
    surface = surfaces.ravine()                  # Adagrad's first step is η in each coordinate
    jump = tuning.scores(surface, [(optim.Adagrad, [3.0])], [surface.start], 300,
                         tuning.goal_fraction(surface, 1e-3))[0]
    free = tuning.scores(surface, [(optim.Adagrad, [3.0])], [surface.start], 300,
                         tuning.goal_fraction(surface, 1e-3), box=None)[0]
    assert abs(surface.start[1] - 3.0) > 1 + tuning.BOX * 2     # beyond the widened window
    assert jump["lost"][0, 0] and np.isinf(jump["settle"][0, 0])
    assert not free["lost"][0, 0] and np.isfinite(free["settle"][0, 0])


def test_a_network_is_swept_like_a_surface_without_a_box():
    """θ of any length: a network's parameters race as a surface's two coordinates do (box=None);
    a box, a margin around a 2-D window, is refused with a reason."""
    from rugged import nets
    problem, theta0 = nets.default_problem()
    starts = np.array([theta0, problem.net.init(1)])
    tuned = tuning.sweep(problem, {"GD": optim.GD}, [0.1, 0.7], starts=starts, steps=50,
                         goal=float(problem.loss(theta0)), box=None)["GD"]
    path = descend(problem, optim.GD(lr=0.7), theta0, 50)
    final = float(np.median([path.loss[-1], descend(problem, optim.GD(lr=0.7), starts[1], 50).loss[-1]]))
    assert tuned.final[1] == pytest.approx(final, rel=1e-12)
    with pytest.raises(ValueError, match="box=None"):
        tuning.sweep(problem, {"GD": optim.GD}, [0.1], starts=starts, steps=5, goal=1.0)


# ---------------------------------------------------------------------------------------
# The grid search.

def test_log_grid():
    grid = tuning.log_grid(1e-4, 1e2, 3)
    assert len(grid) == 19 and grid[0] == pytest.approx(1e-4) and grid[-1] == pytest.approx(100)
    assert np.allclose(np.diff(np.log10(grid)), 1 / 3)
    assert any(np.isclose(grid, 1.0)) and any(np.isclose(grid, 0.01))
    assert len(tuning.log_grid(0.1, 1, 16)) == 17
    for lo, hi, n in ((0, 1, 3), (1, 0.5, 3), (1e-3, math.inf, 3), (1e-3, 1, 0), (1e-3, 1, 2.5),
                      (1e-3, 1, True), (math.nan, 1, 3), ("1", 2, 3)):
        with pytest.raises(ValueError):
            tuning.log_grid(lo, hi, n)


@pytest.fixture(scope="module")
def zigzag_gd():
    surface = surfaces.zigzag()
    return surface, tuning.surface_race(surface, {"GD": optim.GD})["GD"]


def test_gd_on_the_zigzag_is_tuned_to_its_known_best(zigzag_gd):
    """GD on ½θᵀHθ with curvatures 1 and 10 converges fastest near η = 2/(1 + 10) and diverges
    above 2/10: the tuned η must lie between the two, on the fine grid."""
    _, gd = zigzag_gd
    assert 2 / 11 * 10 ** (-1 / 16) <= gd.best_eta < 0.2
    i = gd.best                                  # its neighbours are 1/16 decade away: a fine grid there
    assert np.allclose(np.log10(gd.etas[i + 1] / gd.etas[i]), 1 / tuning.FINE)
    assert np.allclose(np.log10(gd.etas[i] / gd.etas[i - 1]), 1 / tuning.FINE)
    assert np.sum((gd.etas >= gd.best_eta / 2) & (gd.etas <= gd.best_eta * 1.1)) >= 5
    assert tuning.FINE * 3 >= 40                                           # ≥ 40 η per 3 decades
    above = gd.etas[gd.etas >= 0.2]
    assert np.all(np.isinf(gd.steps[gd.etas >= 0.2])) and np.all(gd.lost[gd.etas >= 0.2] == gd.n_starts)
    assert len(above)


def test_the_tuned_eta_beats_every_eta_of_a_coarser_grid(zigzag_gd):
    """The grid of the old race, {1, 2, 5}·10^k, skipped GD's best η on the zig-zag (0.2 is the
    divergence limit): the fine search must do at least as well as every η of it."""
    surface, gd = zigzag_gd
    old = [m * 10.0 ** k for k in range(-4, 2) for m in (1, 2, 5)]
    coarse = tuning.sweep(surface, {"GD": optim.GD}, old, **tuning.settings(surface))["GD"]
    assert gd.steps[gd.best] <= np.min(coarse.steps)
    assert gd.steps[gd.best] < coarse.steps[coarse.best]           # strictly better here
    settle = tuning.settle_steps(descend(surface, optim.GD(gd.best_eta), gd.starts, gd.budget),
                                 tuning.goal_fraction(surface, tuning.DEFAULT_TOLERANCE))
    assert gd.best_steps == int(np.median(settle))


def test_the_best_eta_is_the_best_of_a_brute_force_fine_grid():
    surface = surfaces.saddle()
    adam = tuning.surface_race(surface, {"Adam": optim.Adam})["Adam"]
    fine = tuning.log_grid(adam.best_eta / 3, adam.best_eta * 3, tuning.FINE)
    brute = tuning.sweep(surface, {"Adam": optim.Adam}, fine, **tuning.settings(surface))["Adam"]
    assert adam.steps[adam.best] <= np.min(brute.steps)


def test_a_grid_is_widened_when_the_best_eta_sits_at_its_end():
    surface = surfaces.pokemon()                 # GD needs η ≈ 1e-6 there, far below lo
    gd = tuning.race(surface, {"GD": optim.GD}, lo=1e-3, hi=1.0, steps=200, starts=[surface.start],
                     goal=tuning.goal_fraction(surface, 1e-6))["GD"]
    assert gd.etas[0] < 1e-6 and not gd.at_edge
    assert 1e-7 < gd.best_eta < 1e-5 and np.isfinite(gd.final[gd.best])


def test_tuned_reading():
    etas = np.array([0.1, 0.2, 0.4, 0.8, 1.6])
    steps = np.array([np.inf, 40, 12, 20, np.inf])
    t = tuning.Tuned("X", etas, steps, steps, np.array([0, 5, 5, 5, 0]), np.array([0, 0, 0, 0, 5]),
                     np.ones(5), 0.4, 100, starts=np.zeros((5, 2)))
    assert t.best == 2 and t.best_steps == 12 and t.label == "X (η = 0.4)"
    assert t.band(2.0) == (0.4, 0.8) and t.band(4.0) == (0.2, 0.8)
    assert t.decades(2.0) == pytest.approx(math.log10(2))
    assert t.working() == (0.2, 0.8) and not t.at_edge
    never = tuning.Tuned("Y", etas, np.full(5, np.inf), np.full(5, 100.0), np.zeros(5, int),
                         np.zeros(5, int), np.ones(5), 0.1, 100, starts=np.zeros((5, 2)))
    assert never.best_steps is None and never.band() is None and never.working() is None
    assert never.at_edge


def test_table_prints_every_optimizer(zigzag_gd):
    surface, gd = zigzag_gd
    text = tuning.table({"GD": gd})
    assert "GD" in text and f"{gd.best_eta:8.3g}" in text and f"{gd.best_steps}" in text
    assert "5/5" in text and "median over the 5 starts" in text and "fastest: GD" in text
    assert max(len(line) for line in text.splitlines()) <= 140


# ---------------------------------------------------------------------------------------
# A robust winner: a score counts only if every start reaches the goal; near-ties are ties.

def _fake(name, settle, budget=100, lost=None):
    """A Tuned from per-(η, start) settle steps (inf: not reached), η = 0.1, 0.2, …"""
    settle = np.asarray(settle, dtype=float)
    etas = 0.1 * np.arange(1, len(settle) + 1)
    lost = np.zeros(settle.shape, bool) if lost is None else np.asarray(lost)
    result = dict(settle=settle, final=np.where(np.isfinite(settle), 0.0, 1.0), lost=lost)
    return tuning._summarize(name, optim.GD, etas, result, None, np.zeros((settle.shape[1], 2)), budget)


def test_a_score_counts_only_if_every_start_reaches_the_goal():
    inf = math.inf
    # η = 0.1: every start, slowly; η = 0.2: three of five, fast (the median alone would pick it)
    t = _fake("X", [[50, 52, 55, 60, 61], [10, 11, 12, inf, inf]], lost=[[0] * 5, [0, 0, 0, 1, 1]])
    assert t.steps[1] == inf and t.steps[0] == 55
    assert t.best_eta == pytest.approx(0.1) and t.best_steps == 55 and t.best_reached == 5 and t.ranked
    # no η gets every start there: not ranked; the best η is the one that gets the most there
    u = _fake("Y", [[10, 11, 12, inf, inf], [30, 31, 32, 33, inf], [inf] * 5])
    assert not u.ranked and u.best_steps is None and u.best_reached == 4
    assert u.best_eta == pytest.approx(0.2) and u.working() is None and u.band() is None


def test_winners_and_ties():
    inf = math.inf
    every = lambda n: [[n] * 5]                                     # noqa: E731
    race = {"A": _fake("A", every(50)), "B": _fake("B", every(54)), "C": _fake("C", every(56)),
            "D": _fake("D", [[1, 1, 1, inf, inf]])}
    assert tuning.winners(race) == ["A", "B"]          # B is within 10 % of A, C is not; D is not ranked
    assert tuning.verdict(race).startswith("tie: A, B")
    assert tuning.winners(race, share=0.0, steps=0) == ["A"]
    small = {"A": _fake("A", every(5)), "B": _fake("B", every(6)), "C": _fake("C", every(7))}
    assert tuning.winners(small) == ["A", "B"]         # one step apart is a tie, two steps is not
    assert tuning.verdict({"A": race["A"], "C": race["C"]}) == "fastest: A"
    assert tuning.winners({"D": race["D"]}) == [] and "none" in tuning.verdict({"D": race["D"]})
    assert "fastest: none" in tuning.table({"D": race["D"]}) and "3/5" in tuning.table({"D": race["D"]})
    for share, steps in ((-0.1, 1), (0.1, -1), (math.nan, 1), (0.1, "1"), (math.inf, 1)):
        with pytest.raises(ValueError, match="share and steps"):
            tuning.winners(race, share, steps)


def test_rosenbrocks_winner_reaches_the_goal_from_every_start():
    """The median alone let momentum win Rosenbrock from three of five starts, at an η next to
    divergence: the winner must get every start there, at its best η and at the η below it."""
    valley = surfaces.rosenbrock()
    racers = {"SGD": optim.SGD, **MOMENTUM, "Adam": optim.Adam}
    results = tuning.surface_race(valley, racers)
    names = tuning.winners(results)
    assert names
    for name in names:
        t = results[name]
        assert t.best_reached == t.n_starts and t.reached[t.best - 1] == t.n_starts
        assert np.isfinite(t.steps[t.best - 1])
    for t in results.values():              # every ranked racer's score is that of all its starts
        finite = np.isfinite(t.steps)
        assert np.all(t.reached[finite] == t.n_starts) and np.all(~finite[t.reached < t.n_starts])


@pytest.mark.parametrize("kwargs, message", [
    (dict(optimizers={}), "optimizers"),
    (dict(optimizers=optim.GD), "optimizers"),
    (dict(starts=np.zeros((2, 3))), "starts"),
    (dict(starts=np.zeros((0, 2))), "starts"),
    (dict(starts=[(math.nan, 0.0)]), "starts"),
    (dict(steps=0), "steps"),
    (dict(steps=10.5), "steps"),
    (dict(steps=True), "steps"),
    (dict(goal=math.nan), "goal"),
    (dict(goal="0.1"), "goal"),
    (dict(box=-1), "box"),
    (dict(coarse=0), "coarse"),
    (dict(coarse=20, fine=16), "coarse"),
    (dict(lo=-1.0), "lo"),
])
def test_bad_input_is_named(kwargs, message):
    surface = surfaces.zigzag()
    run = dict(optimizers={"GD": optim.GD}, starts=[surface.start], steps=10, goal=0.1)
    run.update(kwargs)
    with pytest.raises(ValueError, match=message):
        tuning.race(surface, run.pop("optimizers"), **run)


def test_sweep_refuses_bad_learning_rates():
    surface = surfaces.zigzag()
    for grid in ([], [0.1, -1.0], [math.inf], [0.0]):
        with pytest.raises(ValueError, match="learning rate"):
            tuning.sweep(surface, {"GD": optim.GD}, grid, starts=[surface.start], steps=5, goal=0.1)


# ---------------------------------------------------------------------------------------
# The race figure.

def test_exits_finds_where_a_path_leaves_the_window():
    window = ((-1, 1), (-1, 1))
    xy = np.array([[0.0, 0.0], [0.5, 0.5], [0.5, 3.0], [0.0, 0.0], [-3.0, 0.0]])
    found = plots.exits(xy, window)
    assert [side for _, side in found] == ["top", "left"]
    assert np.allclose(found[0][0], [0.5, 1.0]) and np.allclose(found[1][0], [-1.0, 0.0])
    assert plots.exits(np.array([[0.0, 0.0], [0.2, 0.1]]), window) == []


@pytest.fixture(scope="module")
def ravine_race():
    style.use()
    surface = surfaces.ravine()
    makes = {"GD": optim.GD, "Adagrad": optim.Adagrad, "Adam": optim.Adam}
    return surface, tuning.surface_race(surface, makes)


def test_race_figure_is_readable_and_marks_exits(ravine_race):
    surface, results = ravine_race
    paths = {t.label: t.path for t in results.values()}
    fig = plots.race(surface, paths, sensitivity=results)
    assert fig.get_figwidth() <= 9.5
    assert figure_checks.too_small(fig) == [] and figure_checks.raw_notation(fig) == []
    contour, curves, sens = fig.axes[:3]
    triangles = [line for line in contour.get_lines() if line.get_marker() in plots.EXIT_MARKERS.values()]
    assert triangles                              # Adagrad's first step leaves the window
    (x0, x1), (y0, y1) = surface.window
    for line in triangles:
        x, y = line.get_xydata()[0]
        assert x0 <= x <= x1 and y0 <= y <= y1 and (x in (x0, x1) or y in (y0, y1))
    assert len(curves.get_lines()) == len(paths)
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert all(label in labels for label in paths) and "leaves the window" in labels
    best = [line for line in sens.get_lines() if line.get_markersize() == 7]
    assert len(best) == sum(t.best_steps is not None for t in results.values())


def test_race_figure_can_show_a_subset_of_paths(ravine_race):
    surface, results = ravine_race
    paths = {t.label: t.path for t in results.values()}
    shown = [results["Adam"].label]
    fig = plots.race(surface, paths, show=shown)
    drawn = {line.get_label() for line in fig.axes[0].get_lines()}
    assert results["Adam"].label in drawn and results["GD"].label not in drawn
    assert len(fig.axes) == 2                     # no sensitivity panel without results


def test_race_figure_takes_another_curve():
    surface = surfaces.zigzag()
    path = descend(surface, optim.GD(lr=0.1), surface.start, 20)
    fig = plots.race(surface, {"GD": path}, curve=lambda p: np.abs(p.params[:, 1]), curve_label="|y|")
    assert fig.axes[1].get_ylabel() == "|y|"
    assert np.allclose(fig.axes[1].get_lines()[0].get_ydata(), np.abs(path.params[:, 1]))
