"""02 adagrad: the notebook's claims on the library level, the Pokémon panel and the exercise checks."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from rugged import descend, optim, runner, surfaces, widgets
from rugged.lessons import adagrad as lesson

from figure_checks import course_style, raw_notation, too_small
from teaching import definitions

TEACHING = definitions("02_adagrad")      # the notebook's teaching cells: lecture_sigma, sum_sigma, lecture_adagrad


# ---------------------------------------------------------------------------------------
# Shared runs (the two 100,000-step Pokémon runs are made once)

@pytest.fixture(scope="module")
def pokemon():
    return surfaces.pokemon()


@pytest.fixture(scope="module")
def pokemon_runs(pokemon):
    gd = descend(pokemon, optim.GD(lr=1e-7), pokemon.start, 100_000)
    ada = descend(pokemon, optim.Adagrad(lr=1.0), pokemon.start, 100_000)
    return gd, ada


# ---------------------------------------------------------------------------------------
# σ is the root mean square of the parameter's own gradients (the notebook's teaching code)

def test_the_teaching_code_lives_in_the_notebook_only():
    for name in ("lecture_sigma", "sum_sigma", "lecture_adagrad"):
        assert callable(TEACHING[name]) and not hasattr(lesson, name), name


def test_lecture_sigma_by_hand():
    grads = np.array([[3.0, -1.0], [4.0, 1.0]])
    np.testing.assert_allclose(TEACHING["lecture_sigma"](grads), [[3.0, 1.0], [np.sqrt(12.5), 1.0]])
    np.testing.assert_allclose(TEACHING["sum_sigma"](grads), [[3.0, 1.0], [5.0, np.sqrt(2)]])


def test_the_teaching_sigmas_are_the_librarys_denominators():
    grads = np.random.default_rng(0).normal(size=(50, 3)) * [1, 100, 1e-4]
    np.testing.assert_allclose(TEACHING["lecture_sigma"](grads), optim.RootMean().values(grads), rtol=1e-13)
    np.testing.assert_allclose(TEACHING["sum_sigma"](grads), optim.RootSum(eps=0).values(grads), rtol=1e-13)


def test_lecture_adagrad_records_the_lecture_sigma():
    ravine = surfaces.ravine()
    path = descend(ravine, optim.LectureAdagrad(lr=0.1), ravine.start, 300)
    sigma = TEACHING["lecture_sigma"](path.grad[:-1])
    assert np.max(np.abs(path.sigma / sigma - 1)) < 1e-12
    np.testing.assert_allclose(path.sigma[0], np.abs(path.grad[0]))      # σ^0 = |g^0|
    np.testing.assert_allclose(np.abs(path.params[1] - path.params[0]), 0.1)   # first step = η


def test_the_teaching_loop_is_the_lecture_adagrad():
    ravine = surfaces.ravine()
    path = descend(ravine, optim.LectureAdagrad(lr=0.1), ravine.start, 300)
    by_hand = TEACHING["lecture_adagrad"](ravine.grad, ravine.start, 0.1, 300)
    assert by_hand.shape == path.params.shape
    assert runner.relative_error(by_hand, path.params) < 1e-12
    torch_form = descend(ravine, optim.Adagrad(lr=0.1, eps=0), ravine.start, 300)
    assert runner.relative_error(by_hand, torch_form.params) > 1e-3      # the comparison can tell them apart


def test_ravine_steep_direction_gets_large_sigma_and_small_steps():
    ravine = surfaces.ravine()
    gd = descend(ravine, optim.GD(lr=1e-2), ravine.start, 300)
    ada = descend(ravine, optim.LectureAdagrad(lr=0.1), ravine.start, 300)
    assert np.all(ada.sigma[:, 1] > 50 * ada.sigma[:, 0])                 # y (steep) has the large σ
    assert np.all(ada.step_size[:, 0] > 50 * ada.step_size[:, 1])         # x (flat) the large step
    assert ada.distance(ravine.minima[0]) < 0.02
    assert gd.distance(ravine.minima[0]) > 6
    assert gd.params[-1, 0] < -6.5                                        # GD moved less than 2.5 in x
    table = lesson.first_steps(ada, ["x", "y"])
    assert table.count("\n") == 5 and "σ_x" in table


# ---------------------------------------------------------------------------------------
# Pokémon

def test_pokemon_adagrad_reaches_the_minimum_and_gd_stalls(pokemon, pokemon_runs):
    gd, ada = pokemon_runs
    b_star, w_star = pokemon.minima[0]
    assert abs(ada.endpoint[0] - b_star) < 0.1 and abs(ada.endpoint[1] - w_star) < 1e-3
    assert ada.loss[-1] - pokemon.min_loss < 0.02
    assert abs(gd.endpoint[0] - b_star) > 60                              # GD still far away in b
    assert gd.loss[-1] - pokemon.min_loss > 1e4
    assert abs(gd.endpoint[0] - gd.params[0, 0]) < 4                     # b moved by less than 4
    assert 3e5 < np.linalg.cond(pokemon.H) < 3.3e5
    text = lesson.endpoints(pokemon, {"GD": gd, "Adagrad": ada})
    assert "-188.4332" in text and "least-squares minimum" in text


def test_pokemon_b_gets_the_larger_effective_step(pokemon_runs):
    _, ada = pokemon_runs
    ratio = ada.sigma[:, 1] / ada.sigma[:, 0]
    assert np.all(ratio > 250) and np.all(ratio < 400)                    # σ_w ≈ 300 σ_b throughout
    assert 120 < ada.step_size[-1, 0] / 1e-7 < 130                        # b's step ≈ 125 × GD's η
    assert "322.8" in lesson.end_sigmas(ada, ["b", "w"])


def test_sum_form_is_lecture_form_with_inverse_sqrt_decay(pokemon):
    eta = 1.0
    sum_form = descend(pokemon, optim.Adagrad(lr=eta, eps=0), pokemon.start, 2000)
    mean_form = descend(pokemon, optim.LectureAdagrad(lr=eta), pokemon.start, 2000,
                        schedule=lambda t: eta / np.sqrt(t + 1))
    assert runner.relative_error(sum_form.params, mean_form.params) < 1e-12
    t = np.arange(2000)[:, None]
    np.testing.assert_allclose(sum_form.sigma / mean_form.sigma, np.sqrt(t + 1) * np.ones((1, 2)), rtol=1e-12)
    assert "31.6228" in lesson.sigma_ratio(sum_form, mean_form)


def test_lecture_form_bursts_and_sum_form_does_not(pokemon, pokemon_runs):
    _, ada = pokemon_runs
    lecture = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 20_000)
    bursts = runner.bursts(lecture, pokemon)        # the course's one definition (tests/test_bursts.py)
    assert len(bursts) >= 15 and 600 < bursts.starts[0] < 800
    assert len(runner.bursts(ada, pokemon)) == 0
    assert np.all(np.diff(ada.loss) <= 1e-6 * ada.loss[1:])             # the sum form's loss never rises
    # the mean form gets much closer first (between bursts)
    assert (lecture.loss[:7000] - pokemon.min_loss).min() < 1e-5 < ada.loss[7000] - pokemon.min_loss


# ---------------------------------------------------------------------------------------
# The limit: σ remembers the cliff

def test_adagrad_sigma_remembers_the_cliff():
    cliff = surfaces.plateau_cliff()
    path = descend(cliff, optim.LectureAdagrad(lr=0.1), cliff.start, 1500)
    entry = path.first(path.params[:, 0] > cliff.basin[0])
    assert entry == 74
    fresh = descend(cliff, optim.LectureAdagrad(lr=0.1), path.params[entry], 1500 - entry)
    x_star = cliff.minima[0, 0]

    def reach(path):
        return path.first(np.abs(path.params[:, 0] - x_star) < 0.05)

    slow = reach(path) - entry
    fast = reach(fresh)
    assert slow > 10 * fast                                                # 1165 vs 77 in the notebook
    sigma, g = path.sigma[:, 0], np.abs(path.grad[:-1, 0])
    assert sigma[entry] > 10 * g[entry] and sigma[1000] > 250 * g[1000]
    assert np.all(sigma[entry:] > 0.25)                                   # σ stays of the cliff's size
    sum_form = descend(cliff, optim.Adagrad(lr=0.1), cliff.start, 1500)
    assert reach(sum_form) is None
    assert np.all(np.diff(sum_form.sigma[:, 0]) >= 0)                     # the sum form's σ never shrinks
    assert 1.0 < sum_form.endpoint[0] < cliff.basin[0]                    # barely down the cliff


# ---------------------------------------------------------------------------------------
# Figures build without warnings

def test_figures_build(pokemon, pokemon_runs):
    import matplotlib.pyplot as plt
    gd, ada = pokemon_runs
    ravine = surfaces.ravine()
    small = descend(ravine, optim.LectureAdagrad(lr=0.1), ravine.start, 50)
    lecture = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 1000)
    cliff = surfaces.plateau_cliff()
    path = descend(cliff, optim.LectureAdagrad(lr=0.1), cliff.start, 300)
    fresh = descend(cliff, optim.LectureAdagrad(lr=0.1), path.params[74], 226)
    with course_style():
        figures = [
            lesson.ravine_figure(ravine, descend(ravine, optim.GD(lr=1e-2), ravine.start, 50), small,
                                 gd_label="GD", ada_label="LectureAdagrad"),
            lesson.sigma_figure(ada, ["b", "w"], title="t"),
            lesson.sigma_figure(ada, ["b", "w"], title="t", sigma_label=r"$\sigma_i^t = \sqrt{\sum_k (g_i^k)^2}$"),
            lesson.pokemon_figure(pokemon, {"GD": gd, "Adagrad": ada}),
            lesson.forms_figure(pokemon, ada, lecture, torch_label="sum", lecture_label="mean"),
            lesson.plateau_figure(cliff, path, fresh, entry=74, eta=0.1),
        ]
    for fig in figures:
        assert not too_small(fig), too_small(fig)            # readable 900 px wide
        assert not raw_notation(fig), raw_notation(fig)      # σ_i^t only as mathtext
    assert "step |Δx|" in lesson.memory_table(cliff, path, [10, 74], eta=0.1)
    plt.close("all")


def test_the_gd_band_is_one_legend_entry_matching_the_drawing():
    """02's and 00's ravine: GD's 300 bounces are drawn as the band they sweep, and the
    legend shows that band (once a thin line stood beside a solid blot)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Polygon
    from matplotlib.path import Path as MplPath
    ravine = surfaces.ravine()
    gd = descend(ravine, optim.GD(lr=1e-2), ravine.start, 300)
    ada = descend(ravine, optim.LectureAdagrad(lr=0.1), ravine.start, 300)
    fig = lesson.ravine_figure(ravine, gd, ada, gd_label="GD", ada_label="LectureAdagrad")
    ax = fig.axes[0]
    handles, labels = ax.get_legend_handles_labels()
    band = handles[labels.index("GD")]
    assert isinstance(band, Polygon) and band.get_hatch()
    centre = gd.params.mean(axis=0)                       # the band holds the path (its points lie on
    inside = centre + 0.99 * (gd.params - centre)         # its edges: pulled in a little to test)
    assert MplPath(band.get_xy()).contains_points(inside).all()
    assert not [line for line in ax.get_lines() if len(line.get_xdata()) > 200
                and line.get_label() == "GD"]                                       # no 300-step line
    plt.close(fig)


def test_intro_writes_sigma_as_maths():
    import json
    import pathlib
    import re
    path = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / "02_adagrad.ipynb"
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            text = re.sub(r"\$\$.*?\$\$|\$.*?\$|`[^`]*`", "", "".join(cell["source"]), flags=re.S)
            assert not re.search(r"[σηg]_|\^t", text), text


# ---------------------------------------------------------------------------------------
# The panel

def test_panel_is_registered():
    assert widgets.PANELS["02 adagrad"] is lesson.pokemon_panel


@pytest.fixture(scope="module")
def panel():
    return lesson.pokemon_panel(steps=2000)


@pytest.mark.parametrize("form", ["torch", "lecture"])
@pytest.mark.parametrize("eta", [1e-2, 1.0, 1e2])
@pytest.mark.parametrize("start", [(-200.0, -5.0), (-120.0, -4.0), (-100.0, 5.0)])
def test_panel_extremes(panel, form, eta, start):
    panel.set(form=form, eta=eta, b=start[0], w=start[1], steps=1000)
    assert not panel.error, panel.message
    assert panel.message.startswith("after 1,000 steps")
    assert panel.image.value[:4] == b"\x89PNG"


def test_panel_reports_leaving_the_window_and_max_steps(panel):
    panel.set(form="lecture", eta=100.0, b=-120.0, w=-4.0, steps=10_000)
    assert not panel.error and "leaves the plotted window" in panel.message
    panel.set(form="torch", eta=10.0, b=-120.0, w=-4.0, steps=10_000)
    assert "L − L* = 0" in panel.message or "e-" in panel.message


def test_panel_offers_the_lectures_100000_updates(pokemon, pokemon_runs):
    """The steps slider reaches the lecture's demo (torch's form, η = 1, 100,000 updates); the
    panel draws it from about 2,000 of its points, its start and end where the run's are, and
    a shorter setting of the slider shows the start of that run, as a run of that length."""
    _, ada = pokemon_runs
    panel = lesson.pokemon_panel()
    assert panel.controls["steps"].max == 100_000
    panel.set(steps=100_000)
    assert not panel.error and panel.message.startswith("after 100,000 steps")
    assert f"(b, w) = ({ada.endpoint[0]:.2f}, {ada.endpoint[1]:.3f})" in panel.message
    left = panel.figure.axes[0]
    drawn = max(left.get_lines(), key=lambda line: len(line.get_xdata())).get_xydata()
    assert 1000 < len(drawn) <= 2001
    np.testing.assert_allclose(drawn[[0, -1]], ada.params[[0, -1]])
    (end,) = [line for line in left.get_lines() if line.get_marker() == "s"]
    np.testing.assert_allclose(end.get_xydata()[0], ada.endpoint)
    panel.set(steps=20_000)
    short = descend(pokemon, optim.Adagrad(lr=1.0), pokemon.start, 20_000)
    assert f"(b, w) = ({short.endpoint[0]:.2f}, {short.endpoint[1]:.3f})" in panel.message
    np.testing.assert_allclose(end.get_xydata()[0], short.endpoint)


def test_make_optimizer_rejects_unknown_form():
    with pytest.raises(ValueError, match="unknown form"):
        lesson.make_optimizer("adam", 1.0)


# ---------------------------------------------------------------------------------------
# Exercise checks

def test_sigma_zero():
    assert lesson.sigma_zero(None).message.startswith("Not answered yet")
    assert lesson.sigma_zero(3).ok
    assert lesson.sigma_zero("3.0").ok
    for wrong, words in ((-3, "can't be negative"), (9, "square root"), (1, "step factor"),
                         (2, "Not 2"), ("three", "should be a number")):
        feedback = lesson.sigma_zero(wrong)
        assert not feedback.ok and words in feedback.message, (wrong, feedback.message)


def test_sigma_one():
    assert lesson.sigma_one(None).message.startswith("Not answered yet")
    assert lesson.sigma_one(np.sqrt(12.5)).ok and lesson.sigma_one(3.536).ok
    for wrong, words in ((5, "sum form"), (3.5, "mean of |g|"), (12.5, "square root"), (25, "sum of the squares"),
                         (4, "newest"), (2.5, "inside"), (7, "Not 7"), (float("nan"), "NaN"),
                         (3.5, "also the right answer rounded to 2 digits"), (10**400, "Not 1e+400")):
        feedback = lesson.sigma_one(wrong)
        assert not feedback.ok and words in feedback.message, (wrong, feedback.message)


def test_larger_step(pokemon_runs):
    _, ada = pokemon_runs
    assert lesson.larger_step(None, ada).message.startswith("Not answered yet")
    assert lesson.larger_step("b", ada).ok and lesson.larger_step(" B ", ada).ok
    feedback = lesson.larger_step("w", ada)
    assert not feedback.ok and "other way round" in feedback.message and "xₙ" in feedback.message
    feedback = lesson.larger_step("both", ada)
    assert not feedback.ok and "'b' or 'w'" in feedback.message
    assert lesson.larger_step("bias", ada).ok and not lesson.larger_step("weight", ada).ok
    assert lesson.larger_step("b").ok                 # the notebook's run is the default path


def test_panel_noise_controls_and_the_notes_claim():
    """Below batch size 10 the Pokémon panel runs minibatches (its seed slider shows); what 02's
    notes say: with noise, torch's Adagrad at η = 1 is farther from L* after 10,000 updates than
    with the exact gradient, for every batch size below 10 and 5 seeds (σ sums noisy squares)."""
    panel = lesson.pokemon_panel(steps=2000)
    assert panel.controls["seed"].layout.display == "none"
    panel.set(batch=3, seed=2)
    assert panel.controls["seed"].layout.display != "none"
    assert panel.message.startswith("minibatches of 3 (seed 2): after 2,000 steps")
    surface = surfaces.pokemon()
    exact = descend(surface, optim.Adagrad(lr=1.0), surface.start, 10_000).loss[-1]
    for batch_size in (1, 2, 5, 9):
        for seed in range(5):
            noisy = descend(surface, optim.Adagrad(lr=1.0), surface.start, 10_000, batch_size=batch_size, seed=seed)
            assert noisy.loss[-1] > exact, (batch_size, seed)
