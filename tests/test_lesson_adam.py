"""The claims of notebooks/04_adam.ipynb, checked on the library level, and its panel and exercises."""

import math

import numpy as np
import pytest

from rugged import descend, optim, surfaces
from rugged.lessons import adam as lesson


# ---------------------------------------------------------------------------------------
# Adam from its pieces

def test_hand_built_adam_matches_library_and_torch():
    eta, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    m, v = optim.EMA(beta1, shape=1), optim.SquareEMA(beta2, shape=1)
    theta, by_hand = np.array([1.0]), []
    for t in range(1, 4):
        g = 2 * theta
        m_hat = m.update(g) / (1 - beta1**t)
        sigma = np.sqrt(v.update(g) / (1 - beta2**t)) + eps
        theta = theta - eta / sigma * m_hat
        by_hand.append(theta[0])
    library = lesson.on_square(optim.Adam(lr=eta), steps=3)
    assert np.max(np.abs(np.array(by_hand) - library)) < 1e-15
    assert np.allclose(library, lesson.TORCH_SQUARE, rtol=0, atol=1e-10)


def test_parts_adam_equals_optim_adam():
    surface = surfaces.rosenbrock()
    a = descend(surface, optim.Adam(lr=0.05), surface.start, 300)
    b = descend(surface, lesson.PartsAdam(lr=0.05), surface.start, 300)
    assert np.max(np.abs(a.params - b.params)) < 1e-12


def test_optim_adam_bookkeeping():
    opt = optim.Adam(lr=0.1)
    opt.step(np.array([1.0]), np.array([2.0]))
    assert opt.m[0] == pytest.approx(0.2)
    assert opt.effective_lr == pytest.approx(1.0)
    assert opt.sigma[0] == pytest.approx(2.0 + 1e-8, rel=1e-15)


# ---------------------------------------------------------------------------------------
# Bias correction

def test_corrected_moments_are_right_from_the_first_step():
    mo = lesson.moments(np.full(50, 3.0))
    assert np.allclose(mo["m_hat"], 3.0) and np.allclose(mo["sigma_hat"], 3.0)
    assert mo["m"][0] == pytest.approx(0.3) and mo["rms"][0] == pytest.approx(3 * math.sqrt(0.001))


def test_step_ratios_of_the_variants():
    r = lesson.step_ratio(3000)
    first = {k: v[0] for k, v in r.items()}
    assert first["Adam (m and v corrected)"] == pytest.approx(1.0, abs=1e-6)
    assert first["no bias correction"] == pytest.approx(0.1 / math.sqrt(0.001), rel=1e-6)   # 3.16
    assert first["only m corrected"] == pytest.approx(1 / math.sqrt(0.001), rel=1e-6)        # 31.6
    assert first["only v corrected"] == pytest.approx(0.1, rel=1e-6)
    assert np.allclose(r["Adam (m and v corrected)"], 1.0, atol=1e-6)
    uncorrected = r["no bias correction"]
    assert int(np.argmax(uncorrected)) + 1 == 12 and uncorrected.max() == pytest.approx(6.57, abs=0.01)
    assert 1.0 < uncorrected[-1] < 1.05                 # back to η only after thousands of steps
    high = lesson.step_ratio(100, betas=(0.9, 0.9999))["no bias correction"]
    assert high[0] == pytest.approx(10, rel=1e-6) and high.max() == pytest.approx(20.7, abs=0.05)


def test_first_steps_on_the_square(capsys):
    lesson.first_steps(eta=0.1, steps=5)
    out = capsys.readouterr().out
    assert " 1   2.0000   2.0000   2.00000  1.000  0.9000" in out
    corrected = lesson.on_square(lesson.PartsAdam(lr=0.1), steps=5)
    uncorrected = lesson.on_square(lesson.PartsAdam(lr=0.1, correct_m=False, correct_v=False), steps=5)
    assert np.all(np.diff(np.r_[1.0, corrected]) < 0) and np.all(corrected > 0)
    assert uncorrected[2] == pytest.approx(-0.1621, abs=1e-4)    # jumped past the minimum at 0
    steps = np.abs(np.diff(np.r_[1.0, uncorrected])) / 0.1
    assert steps[:3] == pytest.approx([3.162, 4.136, 4.323], abs=1e-3)


def test_uncorrected_adam_jumps_up_in_the_valley():
    runs = lesson.first_steps_runs(eta=0.1, steps=80)
    corrected, plain, high = runs.values()
    start = corrected.loss[0]
    assert corrected.loss.max() == start
    assert 7 < plain.loss.max() / start < 7.5
    assert high.loss.max() / start > 100
    assert plain.loss[-1] < corrected.loss[-1] and high.loss[-1] < corrected.loss[-1]


def test_defaults_table(capsys):
    lesson.defaults_table()
    out = capsys.readouterr().out
    assert "10 gradients; m̂ needs correcting for 44 steps" in out
    assert "1000 squared gradients; v̂ needs correcting for 4603 steps" in out
    assert 1 - 0.9**44 >= 0.99 > 1 - 0.9**43


def test_adam_ignores_the_scale_of_the_loss(capsys):
    valley = surfaces.rosenbrock()
    big = lesson.Scaled(valley, 1000)
    a = descend(valley, optim.Adam(lr=0.1), valley.start, 200)
    b = descend(big, optim.Adam(lr=0.1), valley.start, 200)
    assert np.max(np.abs(a.params - b.params)) < 1e-8
    assert descend(big, optim.SGD(lr=1e-3), valley.start, 200).diverged_at == 3
    assert descend(valley, optim.SGD(lr=1e-3), valley.start, 200).diverged_at is None


# ---------------------------------------------------------------------------------------
# Parity with torch

def test_error_bucket():
    assert lesson.error_bucket(0.0) == "0"
    assert lesson.error_bucket(2e-16) == "< 1e-15"
    assert lesson.error_bucket(3e-14) == "< 1e-12"
    assert lesson.error_bucket(2.4e-9) == "2e-09"


def test_parity_with_recorded_torch(capsys):
    assert lesson.golden_file().exists()
    path, reference = lesson.replay("Adam", dict(lr=0.05), "rosenbrock")
    assert np.max(np.abs(path[:6] - reference[:6])) == 0.0
    assert lesson.parity_summary() < 1e-15
    lesson.parity_rows(steps=5)
    out = capsys.readouterr().out
    assert "14 recorded runs" in out and "< 1e-15" in out
    assert out.count("         0\n") == 6


def test_parity_with_live_torch():
    pytest.importorskip("torch", reason="torch is not installed; the recorded values are checked above")
    assert lesson.live_torch_parity() <= 1e-12


# ---------------------------------------------------------------------------------------
# The races

def test_saddle_escape():
    table = lesson.escape_table(eta=0.05, y0s=(1e-2, 1e-4, 1e-6, 1e-8))
    assert table["Adam"] in ([11, 11, 11, 12], [11, 11, 11, 11])
    assert all(90 <= b - a <= 100 for a, b in zip(table["SGD"], table["SGD"][1:]))
    assert all(20 <= b - a <= 30 for a, b in zip(table["Momentum"], table["Momentum"][1:]))
    assert max(table["RMSprop"]) <= 2
    paths = lesson.saddle_race(eta=0.05, steps=150)
    assert 1.0 <= lesson.largest_step(paths) < 1.1
    assert all(lesson.escape_step(p) is not None for p in paths.values())


@pytest.fixture(scope="module")
def valley():
    return lesson.valley_grid(etas=(1e-4, 3e-4, 1e-3, 2e-3, 5e-3, 1e-2, 3e-2, 0.1, 0.3), steps=2000)


def test_valley_grid(valley):
    table, best = valley
    assert best == {"SGD": 2e-3, "Momentum": 2e-3, "RMSprop": 5e-3, "Adam": 0.3}
    assert table["Momentum"][2e-3] == 292 and table["Adam"][0.3] == 724
    for eta in (5e-3, 1e-2, 3e-2, 0.1, 0.3):
        assert table["SGD"][eta] == table["Momentum"][eta] == "diverged"
    assert all(isinstance(table["Adam"][eta], int) for eta in (3e-2, 0.1, 0.3))
    assert all(r is None for r in table["RMSprop"].values())


def test_valley_race_settles(valley):
    _, best = valley
    paths = lesson.valley_race(best, steps=2000)
    size = {label.split(" (")[0]: (np.abs(np.diff(p.params, axis=0)).max(axis=1) / p.lr)[-100:].mean()
            for label, p in paths.items()}
    assert 0.9 < size["RMSprop"] < 1.1
    assert size["Adam"] < 1e-9
    final = {label.split(" (")[0]: p.loss[-1] for label, p in paths.items()}
    assert final["RMSprop"] > 1e-3 and final["Adam"] < 1e-20


# ---------------------------------------------------------------------------------------
# The panel

def test_panel_draws_every_surface_and_extreme_setting():
    panel = lesson.adam_panel()
    assert not panel.error and "left the saddle (|θ_y| > 0.5) at step 11" in panel.message
    extremes = [dict(eta=1.0, beta1=0.99, beta2=0.5, eps=1e-12),
                dict(eta=1e-4, beta1=0.0, beta2=0.9999, eps=1.0),
                dict(eta=1.0, beta1=0.0, beta2=0.9999, eps=1e-12)]
    for surface in lesson.PANEL_SURFACES:
        for values in extremes:
            seconds = panel.set(surface=surface, **values)
            assert not panel.error, (surface, values, panel.message)
            assert panel.message.startswith("after ") or "diverged at step" in panel.message
            assert seconds < 5
    assert panel.image.value[:4] == b"\x89PNG"


def test_panel_suggestions():
    saddle, zigzag = surfaces.saddle(), surfaces.zigzag()
    # ε = 1 turns Adam into momentum SGD: it no longer leaves the saddle within 150 steps
    assert lesson.escape_step(descend(saddle, optim.Adam(lr=0.05, eps=1.0), saddle.start, 150)) is None
    # β1 = 0 on the zigzag: slower
    with_momentum = descend(zigzag, optim.Adam(lr=0.05), zigzag.start, 300)
    without = descend(zigzag, optim.Adam(lr=0.05, betas=(0.0, 0.999)), zigzag.start, 300)
    assert without.loss[-1] > 5 * with_momentum.loss[-1]
    # β2 = 0.5: steps can exceed η
    erratic = descend(zigzag, optim.Adam(lr=0.05, betas=(0.9, 0.5)), zigzag.start, 300)
    assert np.abs(np.diff(erratic.params, axis=0)).max() / 0.05 > 2


def test_panel_is_registered():
    from rugged import widgets
    assert widgets.PANELS["04 adam"] is lesson.adam_panel


# ---------------------------------------------------------------------------------------
# Exercises

def test_check_first_moment():
    assert lesson.check_first_moment(None).message.startswith("Not answered yet")
    assert lesson.check_first_moment((0.2, 2)).ok
    assert lesson.check_first_moment((0.2, 2.0000001)).ok
    assert "swapped" in lesson.check_first_moment((1.8, 2)).message
    assert "corrected m̂^1" in lesson.check_first_moment((2, 2)).message
    assert "still the raw average" in lesson.check_first_moment((0.2, 0.2)).message
    assert "1 − β1²" in lesson.check_first_moment((0.2, 0.2 / 0.19)).message
    assert "two numbers" in lesson.check_first_moment(0.2).message
    assert not lesson.check_first_moment((0.3, 3)).ok


def test_check_first_step():
    assert lesson.check_first_step(None).message.startswith("Not answered yet")
    assert lesson.check_first_step(1).ok
    assert "cancels" in lesson.check_first_step(5).message
    assert "WITHOUT bias" in lesson.check_first_step(3.162).message
    assert "correcting m but not v" in lesson.check_first_step(31.62).message
    assert "correcting v but not m" in lesson.check_first_step(0.1).message
    assert "should be a number" in lesson.check_first_step("eta").message
    assert not lesson.check_first_step(2).ok


def test_check_memory():
    assert lesson.check_memory(None).message.startswith("Not answered yet")
    for right in ("beta2", "β2", " Beta2 ", "0.999"):
        assert lesson.check_memory(right).ok, right
    assert "momentum" in lesson.check_memory("beta1").message
    assert "averages nothing" in lesson.check_memory("lr").message
    assert "finite" in lesson.check_memory("eps").message
    assert "not one of the defaults" in lesson.check_memory("alpha").message
