"""06 learning-rate decay: the notebook's claims, its panel and its exercise checks."""

import re

import numpy as np
import pytest

from rugged import descend, optim, runner, schedules, surfaces, widgets
from rugged.lessons import decay as lesson

from figure_checks import course_style, raw_notation, too_small
from teaching import definitions

N = 20_000
TEACHING = definitions("06_lr_decay")      # the notebook's teaching cells


def stability_number(path, surface):
    return TEACHING["stability_number"](path.step_size, surface.H)


def step_growth(path):
    return TEACHING["step_growth"](path.step_size[:, 1])


@pytest.fixture(scope="module")
def pokemon():
    return surfaces.pokemon()


@pytest.fixture(scope="module")
def lecture(pokemon):
    return descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, N)


@pytest.fixture(scope="module")
def decayed(pokemon):
    return descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, N,
                   schedule=schedules.InverseSqrtDecay())


# ---------------------------------------------------------------------------------------
# Section 1 and 2: the bursts and why they come

def test_lecture_adagrad_bursts_again_and_again(pokemon, lecture):
    bursts = runner.bursts(lecture, pokemon)
    assert len(bursts) >= 15
    assert 600 < bursts.starts[0] < 800
    assert np.all(np.diff(bursts.starts) > 0) and np.all(np.diff(np.diff(bursts.starts)) > 0)
    assert lecture.loss[bursts.peaks].min() > 40 * pokemon.min_loss          # the loss shoots up
    assert (lecture.loss - pokemon.min_loss).min() < 1e-6                    # and came close before
    assert lecture.diverged_at is None


def test_every_burst_follows_an_unstable_step(pokemon, lecture):
    bursts = runner.bursts(lecture, pokemon)
    stability = stability_number(lecture, pokemon)
    rose = lesson.crossings(stability, bursts)
    assert np.all(rose < bursts.starts)
    assert np.all(stability[bursts.starts - 1] > 2)
    assert np.all(bursts.starts - rose < 1000)
    # after each burst σ_w has grown and the step is stable again
    assert np.all(stability[bursts.ends[:-1]] < 2)


def test_warning_table_and_its_verdict_for_a_slide(pokemon, lecture, capsys):
    """The slide's verdict line is the table's last line, and says False when a burst starts
    while λ_max(D^t H) is below 2."""
    bursts = runner.bursts(lecture, pokemon)
    stability = stability_number(lecture, pokemon)
    lesson.warning_table(stability, bursts)
    whole = capsys.readouterr().out
    lesson.warning_table(stability, bursts, verdict=False)
    table = capsys.readouterr().out
    lesson.warning_verdict(stability, bursts)
    verdict = capsys.readouterr().out
    assert table + verdict == whole and len(verdict.splitlines()) == 1 and len(table.splitlines()) == 7
    assert verdict == f"every one of the {len(bursts)} bursts starts after λ_max(D^t H) rose above 2: True\n"
    calm = stability.copy()
    calm[bursts.starts[3] - 1] = 1.0                     # burst 4 starts from a stable step
    lesson.warning_verdict(calm, bursts)
    assert capsys.readouterr().out.rstrip().endswith(": False")


def test_stability_number_is_the_spectrum_of_DH(pokemon, lecture):
    t = 700
    D = np.diag(lecture.step_size[t])
    expected = np.max(np.linalg.eigvals(D @ pokemon.H).real)
    assert stability_number(lecture, pokemon)[t] == pytest.approx(expected, rel=1e-10)


def test_the_teaching_code_lives_in_the_notebook_only():
    for name in ("stability_number", "step_growth"):
        assert callable(TEACHING[name]) and not hasattr(lesson, name), name


def test_step_growth_by_hand():
    assert TEACHING["step_growth"](np.array([1.0, 2.0, 3.0, 1.5])) == pytest.approx(2.0)
    assert TEACHING["step_growth"](np.array([4.0, 2.0, 1.0])) == pytest.approx(0.5)


# ---------------------------------------------------------------------------------------
# Section 3 and 4: the decay removes them, and it is torch's Adagrad

def test_decay_removes_the_bursts(pokemon, decayed):
    assert len(runner.bursts(decayed, pokemon)) == 0
    assert step_growth(decayed) <= 1 + 1e-12
    assert stability_number(decayed, pokemon).max() < 0.2
    assert decayed.loss[-1] - pokemon.min_loss > 100      # but with η = 1 it is slow


def test_decay_with_a_larger_eta_reaches_the_minimum_smoothly(pokemon):
    large = descend(pokemon, optim.LectureAdagrad(lr=10.0), pokemon.start, N,
                    schedule=schedules.InverseSqrtDecay())
    assert len(runner.bursts(large, pokemon)) == 0
    assert large.loss[-1] - pokemon.min_loss < 1e-9


def test_constant_lr_step_grows(lecture):
    assert step_growth(lecture) > 1.05


def test_decayed_lecture_adagrad_is_torch_adagrad(pokemon, decayed):
    torch_form = descend(pokemon, optim.Adagrad(lr=1.0, eps=0), pokemon.start, N)
    relative = np.abs(decayed.params - torch_form.params) / np.abs(torch_form.params)
    assert relative.max() < 1e-12


def test_parity_table_and_its_gap_for_a_slide(pokemon, decayed, capsys):
    """The slide's gap line is the table's last line; a run that differs shows its gap."""
    torch_form = descend(pokemon, optim.Adagrad(lr=1.0, eps=0), pokemon.start, 1000)
    lesson.parity_table(decayed, torch_form, shown=(0, 1, 10))
    whole = capsys.readouterr().out
    lesson.parity_table(decayed, torch_form, shown=(0, 1, 10), verdict=False)
    table = capsys.readouterr().out
    lesson.parity_gap(decayed, torch_form)
    gap = capsys.readouterr().out
    assert table + gap == whole and len(table.splitlines()) == 5
    assert gap == "largest relative gap over all 1,001 points: < 1e-12 (rounding)\n"
    other = descend(pokemon, optim.Adagrad(lr=1.1, eps=0), pokemon.start, 1000)
    lesson.parity_gap(decayed, other)
    expected = runner.relative_error(decayed.params[:1001], other.params)
    assert expected > 1e-6 and capsys.readouterr().out.rstrip().endswith(f"points: {expected:.1e}")


def test_torch_adagrad_reaches_the_minimum_in_the_lectures_100000_steps(pokemon):
    path = descend(pokemon, optim.Adagrad(lr=1.0, eps=0), pokemon.start, 100_000)
    assert path.loss[-1] - pokemon.min_loss < 0.05
    np.testing.assert_allclose(path.endpoint, pokemon.minima[0], atol=0.1)


# ---------------------------------------------------------------------------------------
# Section 5: the gallery

def test_gallery(pokemon, lecture, decayed):
    runs = {"constant": lecture, "1/sqrt(t+1)": decayed}
    for name, schedule in {"step": schedules.StepLR(step_size=2000, gamma=0.5),
                           "exponential": schedules.ExponentialLR(gamma=0.9998),
                           "cosine": schedules.CosineAnnealingLR(T_max=N)}.items():
        runs[name] = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, N,
                             schedule=schedule)
    counts = {name: len(runner.bursts(path, pokemon)) for name, path in runs.items()}
    assert counts["constant"] >= 15 and counts["1/sqrt(t+1)"] == 0
    assert all(1 <= counts[name] <= 8 for name in ("step", "exponential", "cosine"))
    for name in ("step", "exponential", "cosine"):
        last = runner.bursts(runs[name], pokemon).starts[-1]
        assert last < N // 4                                     # the bursts end early
        assert runs[name].loss[-1] - pokemon.min_loss < 1e-5     # and the run gets there
    assert lesson.gap_text(runs["exponential"], pokemon) == "< 1e-09"
    with course_style():
        fig = lesson.gallery_figure(pokemon, runs)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert len(shown) == len(runs) + 1                              # η^t, then one panel per run
    assert max(len([ax for ax in shown if abs(ax.get_position().y0 - row.get_position().y0) < 1e-6])
               for row in shown) <= 3                               # at most three to a row
    for ax, (name, path) in zip(shown[1:], runs.items()):         # the ▲ are runner.bursts' peaks
        marks = [line for line in ax.get_lines() if line.get_marker() == "^"]
        peaks = runner.bursts(path, pokemon).peaks
        assert (marks[0].get_xdata().tolist() if marks else []) == peaks.tolist()
    assert not too_small(fig), too_small(fig)
    assert not raw_notation(fig), raw_notation(fig)
    lesson.plots.plt.close(fig)


def test_other_figures_are_readable(pokemon, lecture, decayed):
    bursts = runner.bursts(lecture, pokemon)
    with course_style():
        figures = (lesson.burst_figure(pokemon, lecture, bursts),
                   lesson.why_figure(pokemon, {"constant": (lecture, stability_number(lecture, pokemon)),
                                               "1/sqrt(t+1)": (decayed, stability_number(decayed, pokemon))},
                                     bursts),
                   lesson.fix_figure(pokemon, {"constant": (lecture, "C0"), "decayed": (decayed, "C1")}))
    for fig in figures:
        assert not too_small(fig), too_small(fig)
        assert not raw_notation(fig), raw_notation(fig)                # σ_w^t, λ_max(D^t H) as mathtext
        lesson.plots.plt.close(fig)


def test_schedule_colors_follow_the_schedule_curves_cycle():
    from rugged import style
    assert [lesson.schedule_color(k) for k in lesson.SCHEDULE_KINDS] == style.CYCLE[:5]
    assert lesson.schedule_color("step: ×0.5 every 2000") == lesson.SCHEDULE_COLORS["step"]


# ---------------------------------------------------------------------------------------
# The panel

def test_panel_is_registered():
    assert widgets.PANELS["06 decay"] is lesson.decay_panel


@pytest.fixture(scope="module")
def panel():
    return lesson.decay_panel()


def test_panel_starts_with_the_bursts(panel):
    assert not panel.error
    assert re.match(r"4 bursts, starting at t = 7\d\d, ", panel.message), panel.message
    assert panel.image.value[:4] == b"\x89PNG"


def test_panel_noise_controls(panel):
    """Below batch size 10 the panel runs minibatches (the seed slider appears) and reports the
    median loss gap of the last steps; at 10 it is the exact run again."""
    panel.set(kind="constant", batch=10)
    exact = panel.message
    assert panel.controls["seed"].layout.display == "none"
    panel.set(batch=2, seed=3)
    assert panel.controls["seed"].layout.display != "none"
    assert re.match(r"minibatches of 2 \(seed 3\): median L − L\* over the last 500 steps ", panel.message)
    panel.set(batch=10)
    assert panel.message == exact


@pytest.mark.parametrize("batch_size", [1, 2, 5])
def test_with_noise_every_decay_ends_closer_than_a_constant_rate(batch_size):
    """What 06's notes say of the panel's noise: with minibatches a constant η = 1 keeps the loss
    gap of the last 500 steps far up, and every decay schedule of the panel brings it lower (5 seeds)."""
    surface = surfaces.pokemon()

    def tail(kind, seed):
        path = descend(surface, optim.LectureAdagrad(lr=1.0), surface.start, 2500,
                       schedule=lesson.make_schedule(kind), batch_size=batch_size, seed=seed)
        assert path.diverged_at is None
        return np.median(path.loss[-lesson.NOISY_TAIL:] - surface.min_loss)
    for seed in range(5):
        constant = tail("constant", seed)
        assert constant > 1e4
        for kind in lesson.SCHEDULE_KINDS:
            if kind != "constant":
                assert tail(kind, seed) < constant / 3, (kind, seed)


@pytest.mark.parametrize("kind", lesson.SCHEDULE_KINDS)
def test_panel_shows_only_the_relevant_sliders(panel, kind):
    panel.set(kind=kind)
    shown = {name for name in ("step_size", "step_gamma", "exp_gamma", "T_max")
             if panel.controls[name].layout.display != "none"}
    assert shown == set(lesson.RELEVANT[kind])


@pytest.mark.parametrize("kind", lesson.SCHEDULE_KINDS)
@pytest.mark.parametrize("end", ["min", "max"])
def test_panel_extremes(panel, kind, end):
    values = {"kind": kind}
    for name in ("eta", "step_size", "step_gamma", "exp_gamma", "T_max"):
        control = panel.controls[name]
        bound = getattr(control, end)
        values[name] = control.base ** bound if name == "eta" else bound
    panel.set(**values)
    assert not panel.error, panel.message
    assert "burst" in panel.message and "L − L*" in panel.message


def test_panel_cosine_restart_brings_bursts_back(panel):
    panel.set(kind="cosine", eta=1.0, T_max=1000)
    assert not panel.error
    assert int(panel.message.split()[0]) >= 1


def test_panel_decay_has_no_burst_at_eta_1(panel):
    panel.set(kind="1/sqrt(t+1)", eta=1.0)
    assert panel.message.startswith("no burst")


def test_make_schedule_rejects_unknown_kinds():
    with pytest.raises(ValueError, match="unknown schedule"):
        lesson.make_schedule("linear")
    assert isinstance(lesson.make_schedule("step", step_size=300, step_gamma=0.5), schedules.StepLR)


# ---------------------------------------------------------------------------------------
# Exercises

def test_inverse_sqrt_lr_check():
    assert lesson.inverse_sqrt_lr(None).message.startswith("Not answered yet")
    assert lesson.inverse_sqrt_lr(0.1).ok
    assert lesson.inverse_sqrt_lr(1 / np.sqrt(100)).ok
    assert "t+1" in lesson.inverse_sqrt_lr(1 / np.sqrt(99)).message
    assert "square root" in lesson.inverse_sqrt_lr(0.01).message
    assert "undecayed" in lesson.inverse_sqrt_lr(1).message
    assert not lesson.inverse_sqrt_lr(0.5).ok
    assert "number" in lesson.inverse_sqrt_lr("a tenth").message


def test_adagrad_sigmas_check():
    assert lesson.adagrad_sigmas(None).message.startswith("Not answered yet")
    assert lesson.adagrad_sigmas((5, np.sqrt(12.5))).ok
    assert lesson.adagrad_sigmas([5.0, 3.5355]).ok
    assert "swapped" in lesson.adagrad_sigmas((3.5355, 5)).message
    feedback = lesson.adagrad_sigmas((25, 12.5))
    assert not feedback.ok and "square root" in feedback.message and "torch's σ" in feedback.message
    assert "averages or adds |g|" in lesson.adagrad_sigmas((5, 3.5)).message
    assert "divides the root by 2" in lesson.adagrad_sigmas((5, 2.5)).message
    right_half = lesson.adagrad_sigmas((5, 4))
    assert not right_half.ok and "torch's σ" not in right_half.message
    assert "two numbers" in lesson.adagrad_sigmas(5).message


def test_cosine_lr_check():
    assert lesson.cosine_lr(None).message.startswith("Not answered yet")
    assert lesson.cosine_lr(0.05).ok
    assert "starting η" in lesson.cosine_lr(0.1).message
    assert "halfway" in lesson.cosine_lr(0).message
    assert "π t / (2 T_max)" in lesson.cosine_lr(0.1 * np.cos(np.pi / 4)).message
    assert not lesson.cosine_lr(0.03).ok
