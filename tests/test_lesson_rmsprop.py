"""03 RMSProp: the notebook's claims on the library level, the panel and the exercise checks."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rugged import descend, optim, surfaces, tuning, widgets
from rugged.lessons import rmsprop as lesson
from rugged.runner import bursts

import notebook_text
from figure_checks import course_style, raw_notation, too_small
from teaching import definitions

ETA = lesson.CLIFF_ETA
TAUGHT = ("memory_weights", "half_memory", "torch_overshoot")   # 03's teaching cells define these


@pytest.fixture(scope="module")
def taught():
    return definitions("03_rmsprop")


@pytest.fixture(scope="module")
def cliff():
    return surfaces.plateau_cliff()


@pytest.fixture(scope="module")
def runs(cliff):
    out = {"Adagrad": descend(cliff, optim.LectureAdagrad(lr=ETA), cliff.start, 2000)}
    for alpha in lesson.CLIFF_ALPHAS:
        out[alpha] = descend(cliff, optim.LectureRMSProp(lr=ETA, alpha=alpha), cliff.start, 2000)
    return out


@pytest.fixture(scope="module")
def race():
    valley = surfaces.rosenbrock()
    return valley, lesson.valley_race(valley)


def largest_cliff_step(cliff, path):
    enter, leave = lesson.cliff_steps(cliff, path)
    return lesson.x_steps(path)[enter:leave].max()


# ---------------------------------------------------------------------------------------
# The formula and the memory

def test_lecture_rmsprop_sigma_follows_the_recursion(runs):
    path = runs[0.9]
    g = path.grad[:len(path.sigma), 0]
    sigma = np.empty_like(g)
    sigma[0] = abs(g[0])
    for t in range(1, len(g)):
        sigma[t] = np.sqrt(0.9 * sigma[t - 1] ** 2 + 0.1 * g[t] ** 2)
    np.testing.assert_allclose(path.sigma[:, 0], sigma, rtol=1e-12)


def test_the_teaching_cells_are_the_only_copy(taught):
    """The notebook defines the lesson's formulas; the lesson module no longer does."""
    for name in TAUGHT:
        assert callable(taught[name]) and not hasattr(lesson, name), name


@pytest.mark.parametrize("alpha", [None, 0.5, 0.9, 0.99])
def test_memory_weights_sum_to_one_and_reproduce_sigma(taught, alpha):
    t = 40
    weights = taught["memory_weights"](t, alpha)
    assert weights.sum() == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    grads = rng.normal(size=t + 1)
    opt = optim.LectureAdagrad(lr=0.1) if alpha is None else optim.LectureRMSProp(lr=0.1, alpha=alpha)
    theta = np.zeros(1)
    for g in grads:
        theta = opt.step(theta, np.array([g]))
    assert opt.sigma[0] ** 2 == pytest.approx(np.sum(weights * grads**2))


def test_the_memory_table_reads_the_teaching_weights(taught, capsys):
    """print_memory prints the newest weight and the sum of memory_weights' output, whatever it is."""
    lesson.print_memory(taught["memory_weights"], taught["half_memory"], t=40)
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[2:4] for row in rows] == [["0.0244", "1.0000"], ["0.5000", "1.0000"],
                                                  ["0.1000", "1.0000"], ["0.0100", "1.0000"]]
    assert rows[0].split()[4] == "21"                      # half of Adagrad's (σ^40)²: the newest 21 of 41

    def halved(t, alpha=None):                              # a wrong formula: the weights add up to ½
        return taught["memory_weights"](t, alpha) / 2
    lesson.print_memory(halved, taught["half_memory"], t=40)
    rows = capsys.readouterr().out.splitlines()[1:]
    assert [row.split()[2:4] for row in rows] == [["0.0122", "0.5000"], ["0.2500", "0.5000"],
                                                  ["0.0500", "0.5000"], ["0.0050", "0.5000"]]
    assert rows[0].split()[4] == "41"


def test_half_memory_and_the_early_slowness_of_large_alpha(taught):
    memory_weights, half_memory = taught["memory_weights"], taught["half_memory"]
    assert [half_memory(a) for a in (0.5, 0.9, 0.99)] == [1, 7, 69]
    for alpha in (0.5, 0.9, 0.99):      # the newest n carry at least half of (σ^t)², the newest n − 1 less
        n, weights = half_memory(alpha), memory_weights(2000, alpha)
        assert weights[len(weights) - n:].sum() >= 0.5 > weights[len(weights) - n + 1:].sum()
    # at t = 40, α = 0.99 weighs the newest gradient less than Adagrad does, and g^0 at 0.67
    assert memory_weights(40, 0.99)[-1] < memory_weights(40)[-1]
    assert memory_weights(40, 0.99)[0] == pytest.approx(0.99**40)


# ---------------------------------------------------------------------------------------
# The plateau, the cliff and the basin

def test_the_gradient_jumps_a_hundredfold_at_the_cliff(cliff):
    def g(x):
        return abs(cliff.grad([x, 0.0])[0])
    assert 0.05 < g(-5) < 0.1 and g(0) > 10 and g(2.5) < 0.01


def test_on_the_plateau_every_run_steps_about_eta(runs):
    for path in runs.values():
        ratio = lesson.x_steps(path)[:30] / ETA
        assert np.all((ratio > 0.7) & (ratio < 1.03))


def test_small_alpha_brakes_hardest_at_the_cliff(cliff, runs):
    largest = {k: largest_cliff_step(cliff, p) / ETA for k, p in runs.items()}
    assert largest[0.5] < 1.3 < largest[0.9] < 3 < largest["Adagrad"] < 6.5 < largest[0.99]
    enter, leave = lesson.cliff_steps(cliff, runs[0.5])
    assert runs[0.5].sigma[enter:leave, 0].max() > 9   # σ jumps with the gradient (≈ 10)


def test_small_alpha_speeds_up_after_the_cliff_while_adagrad_remembers(cliff, runs):
    def after(path):
        _, leave = lesson.cliff_steps(cliff, path)
        return lesson.x_steps(path)[leave:leave + 20].mean() / ETA, path.sigma[leave + 20, 0]
    step_05, sigma_05 = after(runs[0.5])
    step_ada, sigma_ada = after(runs["Adagrad"])
    assert step_05 > 0.6 and step_ada < 0.08 and step_05 > 8 * step_ada
    assert sigma_05 < 0.003 and sigma_ada > 1.0


def test_steps_to_the_basin_minimum(cliff, runs):
    reach = {k: lesson.steps_to_x(cliff, p) for k, p in runs.items()}
    assert reach == {"Adagrad": 1239, 0.5: 90, 0.9: 172, 0.99: 576}


def test_fast_forgetting_keeps_stepping_eta_at_the_minimum(cliff, runs):
    x = runs[0.5].params[-200:, 0]
    assert np.all(np.abs(x - cliff.minima[0, 0]) < ETA)
    assert np.mean(lesson.x_steps(runs[0.5])[-200:]) > 0.5 * ETA
    y = runs[0.5].params[-200:, 1]
    np.testing.assert_allclose(np.abs(y), ETA / 2, rtol=1e-9)   # y hops between ±0.05


# ---------------------------------------------------------------------------------------
# The first step: lecture against torch

def test_first_steps_lecture_eta_sign_g_torch_ten_eta():
    ravine = surfaces.ravine()
    lecture = descend(ravine, optim.LectureRMSProp(lr=0.01, alpha=0.99), ravine.start, 3)
    torch = descend(ravine, optim.RMSprop(lr=0.01, alpha=0.99), ravine.start, 3)
    step = np.diff(lecture.params, axis=0) / 0.01
    np.testing.assert_allclose(step[0], -np.sign(lecture.grad[0]), rtol=1e-12)
    torch_step = np.diff(torch.params, axis=0) / 0.01
    np.testing.assert_allclose(torch_step[0], -10 * np.sign(torch.grad[0]), rtol=1e-6)
    assert np.all(np.abs(torch_step[1]) > 6) and np.all(np.abs(torch_step[2]) > 5)


def test_torch_overshoot_on_a_constant_gradient(taught):
    torch_overshoot = taught["torch_overshoot"]
    slope = surfaces.Slope(1.0)
    path = descend(slope, optim.RMSprop(lr=0.01, alpha=0.99, eps=0.0), slope.start, 200)
    steps = -np.diff(path.params[:, 0]) / 0.01
    t = np.arange(200)
    np.testing.assert_allclose(steps, 1 / np.sqrt(1 - 0.99 ** (t + 1)), rtol=1e-10)
    assert [torch_overshoot(a) for a in (0.9, 0.99, 0.999)] == [16, 174, 1750]
    for alpha, within in ((0.9, 0.1), (0.99, 0.1), (0.9, 0.01), (0.5, 0.5)):   # what the library's RMSprop does
        ratio = -np.diff(descend(slope, optim.RMSprop(lr=0.01, alpha=alpha, eps=0.0), slope.start, 400)
                         .params[:, 0]) / 0.01
        assert torch_overshoot(alpha, within) == np.flatnonzero(ratio <= 1 + within)[0], (alpha, within)


# ---------------------------------------------------------------------------------------
# The race

def test_the_race_is_the_course_race(race):
    """03's race is rugged.tuning's race with the course's settings, as in 05 and 09: every racer
    tuned on its own grid, from the same 5 starts, with the same budget and goal."""
    valley, results = race
    settings = tuning.settings(valley)
    assert list(results) == list(lesson.RACERS)
    for t in results.values():
        np.testing.assert_array_equal(t.starts, settings["starts"])
        assert t.budget == settings["steps"] == 2000 and len(t.etas) > 20
    assert [type(results[name].make(1.0)) for name in lesson.LECTURE_RACERS] == [
        optim.GD, optim.LectureAdagrad, optim.LectureRMSProp]
    assert results["RMSProp α=0.9"].make(1.0).alpha == 0.9


def test_torch_rows_are_notebook_09s(race):
    """03 says its torch rows are the ones 09's race gives on this valley: same racer, same result."""
    from rugged.lessons import summary
    torch_racers = {"Adagrad (torch)": "Adagrad", "RMSprop (torch, α=0.99)": "RMSprop"}   # 03's name → 09's
    valley, results = race
    theirs = tuning.surface_race(valley, {name: summary.RACE_OPTIMIZERS[name]
                                          for name in torch_racers.values()})
    for ours, name in torch_racers.items():
        a, b = results[ours], theirs[name]
        assert type(a.make(1.0)) is type(b.make(1.0))
        assert a.best_eta == b.best_eta and a.best_steps == b.best_steps
        np.testing.assert_array_equal(a.steps, b.steps)
        np.testing.assert_array_equal(a.reached, b.reached)


def test_race_text_agrees_with_the_tuning_result(race):
    """Every claim of 03's text on the race, checked against the race itself."""
    valley, results = race
    n = next(iter(results.values())).n_starts
    goal = tuning.settings(valley)["goal"]
    # "Only the lecture's RMSProp with α = 0.9 brings every start to the goal … even it needs most
    # of the 2,000 steps"
    assert tuning.winners(results) == ["RMSProp α=0.9"]
    assert [name for name, t in results.items() if t.ranked] == ["RMSProp α=0.9"]
    rms = results["RMSProp α=0.9"]
    assert rms.best_steps > rms.budget / 2
    # GD: a start lost just above its best η, too slow below; the first steps bounce far up
    gd = results["GD"]
    assert gd.reached.max() < n and gd.reached[gd.best] >= n - 1
    assert gd.lost[gd.best + 1:].min() > 0 and gd.reached[:gd.best].max() < n - 1
    assert gd.path.loss[:, 0].max() > 10 * gd.path.loss[0, 0]
    # Adagrad misses a start at every η, and bursts
    ada = results["Adagrad"]
    assert ada.reached.max() == n - 1
    assert len(bursts(ada.path.loss[:, 0], valley)) >= 1
    # RMSProp still steps about η per parameter at the end: σ ≈ |g|
    moves = np.abs(np.diff(rms.path.params[:, 0], axis=0))[-500:].mean(axis=0) / rms.best_eta
    np.testing.assert_allclose(moves, 1.0, rtol=0.05)
    # torch's Adagrad: best η about 1.8, its first step η per parameter far up the wall, and
    # from the starts between under a hundred steps and never
    torch_ada = results["Adagrad (torch)"]
    assert not torch_ada.ranked and 1.6 < torch_ada.best_eta < 2.0
    first = np.abs(torch_ada.path.params[1, 0] - torch_ada.path.params[0, 0])
    np.testing.assert_allclose(first, torch_ada.best_eta, rtol=1e-6)
    assert torch_ada.path.loss[:, 0].max() > 50 * torch_ada.path.loss[0, 0]
    settle = tuning.settle_steps(torch_ada.path, goal)
    assert None in settle and min(s for s in settle if s is not None) < 100
    # torch's RMSprop misses one start at every η
    assert results["RMSprop (torch, α=0.99)"].reached.max() == n - 1


def _race_text():
    texts = notebook_text.markdown("03_rmsprop")
    return "\n".join(texts.values())


def test_notebook_says_what_the_race_compares_and_finds(race):
    import re
    text = _race_text()
    for stale in ("picked from a few tries", "reaches both thresholds first", "ends closest"):
        assert stale not in text
    sources = "\n".join("".join(c["source"]) for c in notebook_text.cells("03_rmsprop")
                        if c["cell_type"] == "code")
    assert "tuning.surface_race(valley, lesson.RACERS)" in sources
    valley, results = race
    (winner,) = tuning.winners(results)
    assert winner == "RMSProp α=0.9" and "Only the lecture's RMSProp with α = 0.9 brings every start" in text
    # the settings the text quotes are the ones the race ran with
    assert f"budget of {tuning.BUDGET['rosenbrock']:,} steps" in text
    assert "4 near it" in text and tuning.STARTS == 5
    assert re.search(r"3 per decade .* then\s+16 per decade", text, re.S)
    assert (tuning.COARSE, tuning.FINE) == (3, 16)


def test_gd_diverges_just_above_its_eta():
    valley = surfaces.rosenbrock()
    assert descend(valley, optim.GD(lr=0.0021), valley.start, 4000).diverged_at == 8


@pytest.mark.parametrize("alpha", lesson.CLIFF_ALPHAS)
def test_rmsprop_steps_are_bounded(alpha):
    valley = surfaces.rosenbrock()
    path = descend(valley, optim.LectureRMSProp(lr=0.03, alpha=alpha), valley.start, 4000)
    assert path.diverged_at is None
    assert np.max(np.abs(np.diff(path.params, axis=0))) <= 0.03 / np.sqrt(1 - alpha) * (1 + 1e-12)


# ---------------------------------------------------------------------------------------
# Figures and tables run without warnings

def test_figures_and_tables(cliff, runs, race, taught, capsys):
    named = {"Adagrad": runs["Adagrad"], **{f"RMSProp α={a}": runs[a] for a in lesson.CLIFF_ALPHAS}}
    with course_style():
        figures = (lesson.memory_figure(taught["memory_weights"]), lesson.x_profile_figure(cliff),
                   lesson.cliff_figure(cliff, named),
                   lesson.transient_figure(), lesson.race_figure(*race))
    for fig in figures:
        assert not too_small(fig), too_small(fig)
        assert not raw_notation(fig), raw_notation(fig)
    plt.close("all")
    lesson.print_memory(taught["memory_weights"], taught["half_memory"])
    lesson.print_profile(cliff)
    lesson.cliff_table(cliff, named)
    lesson.print_overshoot(taught["torch_overshoot"])
    lesson.race_details(*race)
    out = capsys.readouterr().out
    assert "1239" in out and "RMSProp α=0.5" in out and "1750" in out
    assert "RMSprop (torch, α=0.99)" in out
    assert not [line for line in out.splitlines() if "^" in line]       # gᵗ, (σᵗ)², not g^t


def test_cliff_figure_tells_the_alphas_apart(cliff, runs):
    """Three RMSProp greens: different lightness and line style, each σ curve named at its
    end, and the grey bands labelled."""
    from matplotlib.colors import to_rgb
    named = {"Adagrad": runs["Adagrad"], **{f"RMSProp α={a}": runs[a] for a in lesson.CLIFF_ALPHAS}}
    fig = lesson.cliff_figure(cliff, named)
    sigma_ax = fig.axes[2]
    lines = {line.get_label(): line for line in sigma_ax.get_lines() if line.get_label().startswith("RMSProp")}
    assert len(lines) == 3
    lightness = sorted(np.mean(to_rgb(line.get_color())) for line in lines.values())
    assert np.all(np.diff(lightness) > 0.1)
    assert len({line.get_linestyle() for line in lines.values()}) == 3
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert {"α=0.5", "α=0.9", "α=0.99", "Adagrad"} <= texts
    assert sum(t.get_text() == "cliff" for ax in fig.axes for t in ax.texts) == 2   # paths and x^t
    assert sum(t.get_text() == "runs on\nthe cliff" for ax in fig.axes for t in ax.texts) == 2
    plt.close(fig)


def test_cliff_figure_marks_every_curve_that_leaves_the_frame(cliff, runs):
    """A σ or step curve that drops below its panel's frame gets a ▼ on the frame at the step it
    leaves (once α = 0.5's σ near t = 95 and α = 0.9's step near t = 180 left unmarked)."""
    named = {"Adagrad": runs["Adagrad"], **{f"RMSProp α={a}": runs[a] for a in lesson.CLIFF_ALPHAS}}
    fig = lesson.cliff_figure(cliff, named, t_max=200)
    marked = 0
    for ax in fig.axes[2:]:
        bottom = ax.get_ylim()[0]
        marks = {(round(float(x)), float(y)) for line in ax.get_lines() if line.get_marker() == "v"
                 for x, y in zip(line.get_xdata(), line.get_ydata())}
        for line in ax.get_lines():
            if not line.get_label().startswith(("Adagrad", "RMSProp")):
                continue
            y = np.asarray(line.get_ydata())
            below = y < bottom
            for t in np.flatnonzero(below & ~np.r_[False, below[:-1]]):
                assert (int(t), bottom) in marks, (line.get_label(), int(t))
                marked += 1
    assert marked >= 1                     # α = 0.9's step leaves the step panel near t = 184
    assert any(t.get_text() == "▼ leaves the frame" for ax in fig.axes for t in ax.texts)
    plt.close(fig)


def test_notebook_text_has_no_raw_notation():
    """Maths in markdown is in $…$; printed text writes gᵗ, (σᵗ)², σₓ, not g^t, σ_x."""
    assert notebook_text.raw_markdown("03_rmsprop") == []
    assert notebook_text.raw_output("03_rmsprop") == []


def test_notebook_describes_the_alpha_slider_it_has():
    """The α slider stops at 0.5 … 0.999 on a log scale of 1 − α: the text says so, and no longer
    that α = 0 is a value the panel takes."""
    text = _race_text()
    assert "α = 0 is outside" not in text
    stops = widgets.forgetting_stops(0.5, 0.999)
    assert ", ".join(f"{a:g}" for a in stops[:5]) in text and "0.999" in text
    assert lesson.rmsprop_panel.__defaults__[0] == 0.9


# ---------------------------------------------------------------------------------------
# The panel

@pytest.fixture(scope="module")
def panel():
    return widgets.PANELS["03 rmsprop"]()


def test_panel_default(panel):
    assert not panel.error
    assert "RMSProp after 172 steps" in panel.message and "2.95η" in panel.message
    assert panel.image.value[:4] == b"\x89PNG"


@pytest.mark.parametrize("alpha, eta", [(0.5, 1e-3), (0.5, 1.0), (0.999, 1.0), (0.999, 1e-3),
                                        (0.5, 0.1), (0.99, 0.01)])
def test_panel_extremes_draw_without_error(panel, alpha, eta):
    panel.set(alpha=alpha, eta=eta)
    assert not panel.error, panel.message
    assert panel.message.startswith(f"α = {alpha:.4g}")


def test_panel_alpha_zero_is_refused_by_the_control(panel):
    with pytest.raises(ValueError, match="α"):
        panel.set(alpha=0.0)
    panel.set(alpha=0.9)
    assert not panel.error


def test_panel_reports_leaving_the_window(panel):
    panel.set(alpha=0.999, eta=1.0)
    assert "leaves the plotted window" in panel.message


# ---------------------------------------------------------------------------------------
# The panel's gradient noise: the controls, the paths it draws, and the claims of its Try line

PANEL_SEEDS = range(widgets.MAX_SEED + 1)      # every seed the panel offers


def _noise(share):
    surface = surfaces.plateau_cliff()
    return share * float(np.linalg.norm(surface.grad(np.array(surface.start))))


def _drawn(panel):
    """Adagrad's and RMSProp's paths on the contour, and their σ_x curves."""
    ada_path, rms_path, ada_sigma, rms_sigma = (panel._animated[i] for i in (2, 3, 6, 7))
    return ada_path.get_xydata(), rms_path.get_xydata(), ada_sigma.get_ydata(), rms_sigma.get_ydata()


def test_panel_seed_is_enabled_only_with_noise():
    panel = lesson.rmsprop_panel()
    assert panel.controls["seed"].disabled and "exact gradient" in panel.controls["seed"].tooltip
    assert "noise" not in panel.message
    panel.set(noise=0.1, seed=3)
    assert not panel.controls["seed"].disabled and "seed" in panel.controls["seed"].tooltip
    assert panel.message.startswith("noise s = 0.0128 (10% of ‖∇L(θ⁰)‖), seed 3, for both: α = 0.9, η = 0.1. "
                                    "RMSProp on the cliff from step ")
    assert "median L − L* of its last 100 steps ≈ " in panel.message
    panel.set(noise=0.0)
    assert panel.controls["seed"].disabled and panel.message.startswith("α = 0.9, η = 0.1. |x − x*|")
    with pytest.raises(ValueError, match="Invalid seed: 2; the seed draws the gradient noise"):
        lesson.rmsprop_panel(seed=2)
    with pytest.raises(ValueError, match="Invalid noise: 1.5"):
        panel.set(noise=1.5)
    plt.close("all")


@pytest.mark.parametrize("alpha, eta, noise, seed", [(0.9, 0.1, 1.0, 0), (0.5, 0.3, 0.05, 20), (0.999, 1.0, 0.2, 7)])
def test_panel_noisy_paths_are_descends_for_both(cliff, alpha, eta, noise, seed):
    """RMSProp and the Adagrad reference both run with the panel's noise and seed."""
    panel = lesson.rmsprop_panel(alpha=alpha, eta=eta, noise=noise, seed=seed)
    s = _noise(noise)
    rms = descend(cliff, optim.LectureRMSProp(lr=eta, alpha=alpha), cliff.start, 400, noise=s, seed=seed)
    ada = descend(cliff, optim.LectureAdagrad(lr=eta), cliff.start, 400, noise=s, seed=seed)
    ada_xy, rms_xy, ada_sigma, rms_sigma = _drawn(panel)
    np.testing.assert_array_equal(rms_xy, rms.params)
    np.testing.assert_array_equal(ada_xy, ada.params)
    np.testing.assert_array_equal(rms_sigma, rms.sigma[:, 0])
    np.testing.assert_array_equal(ada_sigma, ada.sigma[:, 0])
    tail, level = widgets.hovering(rms.loss - cliff.min_loss, 100)
    assert f"median L − L* of its last {tail} steps ≈ {level:.2g}." in panel.message
    enter, _ = lesson.cliff_steps(cliff, rms)
    assert f"RMSProp on the cliff from step {enter}" in panel.message
    exact = descend(cliff, optim.LectureRMSProp(lr=eta, alpha=alpha), cliff.start, 400)
    assert not np.array_equal(rms_xy, exact.params)
    plt.close("all")


def test_panel_noise_0_is_the_exact_panel(cliff):
    panel = lesson.rmsprop_panel()
    panel.set(noise=0.5, seed=9)
    panel.set(noise=0.0)
    rms = descend(cliff, optim.LectureRMSProp(lr=0.1, alpha=0.9), cliff.start, 400)
    ada = descend(cliff, optim.LectureAdagrad(lr=0.1), cliff.start, 400)
    ada_xy, rms_xy, _, _ = _drawn(panel)
    np.testing.assert_array_equal(rms_xy, rms.params)
    np.testing.assert_array_equal(ada_xy, ada.params)
    assert "RMSProp after 172 steps" in panel.message and "2.95η" in panel.message
    plt.close("all")


@pytest.mark.parametrize("noise", [0.01, 1.0])
@pytest.mark.parametrize("alpha, eta", [(0.5, 1e-3), (0.5, 1.0), (0.999, 1.0), (0.999, 1e-3), (0.9, 0.1)])
def test_panel_noisy_status_keeps_to_two_lines(alpha, eta, noise):
    from test_backrow import _wrapped_lines, mode
    with mode(True):
        panel = lesson.rmsprop_panel(alpha=alpha, eta=eta, noise=noise, seed=20)
    assert panel.message.startswith("noise s = ") and not panel.error, panel.message
    assert _wrapped_lines(panel.message) <= 2, panel.message
    plt.close("all")


def test_noisy_panel_moves_are_fast():
    from test_lesson_stalls import p95_of_moves
    moves = [dict(alpha=alpha, noise=(0.05, 0.2, 1.0)[k % 3], seed=k % 7)
             for k, alpha in enumerate([0.5, 0.7, 0.8, 0.9, 0.99] * 3)]
    assert p95_of_moves(lesson.rmsprop_panel(noise=0.05), moves) < 0.25   # the target is 0.1 s; a shared machine is noisy


def test_try_with_noise_rmsprop_reaches_the_cliff_later(cliff):
    """03's Try line: at α = 0.9, η = 0.1 and 100% noise, for every seed of the panel, the noise inflates
    σ_x on the plateau (the median over the steps the exact run takes to reach the cliff), RMSProp's
    steps along x on the plateau are shorter on average, and it reaches the cliff later than without
    noise; on the cliff its largest step stays within 5% of the exact run's, about 3η."""
    exact = descend(cliff, optim.LectureRMSProp(lr=0.1, alpha=0.9), cliff.start, 400)
    first, _ = lesson.cliff_steps(cliff, exact)
    exact_sigma = np.median(exact.sigma[:first, 0])
    exact_dx = np.abs(np.diff(exact.params[:first + 1, 0])).mean()
    exact_top = lesson._largest_cliff_step(cliff, exact)
    assert first is not None and 2.5 < exact_top / 0.1 < 3.5
    for seed in PANEL_SEEDS:
        noisy = descend(cliff, optim.LectureRMSProp(lr=0.1, alpha=0.9), cliff.start, 400, noise=_noise(1.0),
                        seed=seed)
        enter, leave = lesson.cliff_steps(cliff, noisy)
        assert enter is not None and leave is not None and enter > first, (seed, enter, first)
        assert np.median(noisy.sigma[:first, 0]) > exact_sigma, seed
        assert np.abs(np.diff(noisy.params[:enter + 1, 0])).mean() < exact_dx, seed
        assert abs(lesson._largest_cliff_step(cliff, noisy) / exact_top - 1) < 0.05, seed


def test_try_line_is_in_the_notebook():
    text = " ".join(notebook_text.markdown("03_rmsprop").values())
    assert "**Try, with noise:**" in text and "100%" in text and "α = 0.9" in text


# ---------------------------------------------------------------------------------------
# Exercise checks

def test_check_sigma_update():
    assert "Not answered" in lesson.check_sigma_update(None).message
    assert lesson.check_sigma_update(np.sqrt(7.2)).ok
    assert lesson.check_sigma_update(2.683).ok
    cases = {7.2: "square root", 5.727: "α on the new gradient", 32.8: "forgot the square root",
             2.324: "(σ⁰)²", 2.4: "squares", 4.472: "Adagrad", 6: "α = 0", -2.683: "negative",
             3.0: "Compute sqrt", "two": "should be a number",
             2.7: "Close: 2.7 is the answer rounded to 2 significant digits"}
    for answer, words in cases.items():
        feedback = lesson.check_sigma_update(answer)
        assert not feedback.ok and words in feedback.message, (answer, feedback.message)


def test_check_brakes_hardest():
    assert "Not answered" in lesson.check_brakes_hardest(None).message
    good = lesson.check_brakes_hardest(0.5)
    assert good.ok and "1.26η" in good.message and "9.88η" in good.message
    bad = lesson.check_brakes_hardest(0.99)
    assert not bad.ok and "lags" in bad.message
    assert "Pick one" in lesson.check_brakes_hardest(0.9).message
    assert lesson.check_brakes_hardest("0.5").ok and lesson.check_brakes_hardest(0.5 + 1e-12).ok
    near_miss = lesson.check_brakes_hardest(0.5000001)      # what :g would print as 0.5 is 0.5
    assert near_miss.ok
    fb = lesson.check_brakes_hardest(0.51)
    assert "Pick one" in fb.message and "0.51 is none of them" in fb.message


def test_check_torch_first_step():
    assert "Not answered" in lesson.check_torch_first_step(None).message
    assert lesson.torch_first_step(0.01, 0.99, 5.0) == pytest.approx(0.01 * 5 / (np.sqrt(0.01 * 25) + 1e-8), rel=1e-12)
    assert lesson.rmsprop_sigma(2.0, 6.0, 0.9) == pytest.approx(np.sqrt(0.9 * 4 + 0.1 * 36), rel=1e-15)
    assert lesson.check_torch_first_step(0.1).ok
    negative = lesson.check_torch_first_step(-0.1)
    assert negative.ok and "size" in negative.message
    cases = {0.01: "lecture's first step", 0.05: "plain gradient descent", 0.2: "square root",
             1.0: "(1 − α)|g|", 0.5: "sqrt(1 − α) only", 0.001: "multiplied", 0.3: "torch: v⁰", -0.3: "-0.3 is not it"}
    for answer, words in cases.items():
        feedback = lesson.check_torch_first_step(answer)
        assert not feedback.ok and words in feedback.message, (answer, feedback.message)
