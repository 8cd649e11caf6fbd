"""The claims of notebooks/05_adam.ipynb, checked on the library level, and its panel and exercises."""

import math
import pathlib

import numpy as np
import pytest

from rugged import descend, optim, surfaces, tuning
from rugged.lessons import adam as lesson

from teaching import definitions

TAUGHT = ("moments", "correction_steps", "pure_memory")    # 05's teaching cells define these


@pytest.fixture(scope="module")
def taught():
    return definitions("05_adam")


def adam_from_parts(lr, beta2=0.999, corrected=True):
    """Adam from its ingredients, as notebook 05 builds it, with both corrections on or off."""
    return optim.Optimizer(lr, momentum=optim.EMA(0.9, bias_correction=corrected),
                           sigma=optim.RootEMA(beta2, eps=1e-8, bias_correction=corrected))


def test_the_teaching_cells_are_the_only_copy(taught):
    """The notebook defines the lesson's formulas; the lesson module no longer does."""
    for name in TAUGHT:
        assert callable(taught[name]) and not hasattr(lesson, name), name
    for gone in ("PartsAdam", "DEFAULTS", "Scaled", "first_steps_runs"):
        assert not hasattr(lesson, gone), gone


# ---------------------------------------------------------------------------------------
# Adam from its pieces

def test_hand_built_adam_matches_library_and_torch(taught):
    """Notebook 05's Adam by hand: the update from `moments` of the gradients so far."""
    eta, beta1, beta2, eps = 0.1, 0.9, 0.999, 1e-8
    theta, grads, by_hand = 1.0, [], []
    for _ in range(3):
        grads.append(2 * theta)
        mo = taught["moments"](grads, (beta1, beta2))
        theta = theta - eta / (mo["sigma_hat"][-1] + eps) * mo["m_hat"][-1]
        by_hand.append(theta)
    library = lesson.on_square(optim.Adam(lr=eta), steps=3)
    assert np.max(np.abs(np.array(by_hand) - library)) < 1e-15
    assert np.allclose(library, lesson.TORCH_SQUARE, rtol=0, atol=1e-10)


def test_adam_from_its_ingredients_is_optim_adam():
    surface = surfaces.rosenbrock()
    a = descend(surface, optim.Adam(lr=0.05), surface.start, 300)
    b = descend(surface, adam_from_parts(0.05), surface.start, 300)
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(lesson.on_square(adam_from_parts(0.1), 3), lesson.on_square(optim.Adam(lr=0.1), 3))


def test_optim_adam_bookkeeping():
    opt = optim.Adam(lr=0.1)
    opt.step(np.array([1.0]), np.array([2.0]))
    assert opt.last.m[0] == pytest.approx(0.2)                      # raw m
    assert opt.last.lr == pytest.approx(1.0)                        # η/(1 − β1): m's correction
    assert opt.last.sigma[0] == pytest.approx(2.0 + 1e-8, rel=1e-15)


# ---------------------------------------------------------------------------------------
# Bias correction

def test_corrected_moments_are_right_from_the_first_step(taught):
    mo = taught["moments"](np.full(50, 3.0))
    assert np.allclose(mo["m_hat"], 3.0) and np.allclose(mo["sigma_hat"], 3.0)
    assert mo["m"][0] == pytest.approx(0.3) and mo["rms"][0] == pytest.approx(3 * math.sqrt(0.001))
    g = np.random.default_rng(0).normal(size=40)                  # the recursions, written out
    m = v = 0.0
    for t, gt in enumerate(g):
        m, v = 0.8 * m + 0.2 * gt, 0.99 * v + 0.01 * gt**2
    mo = taught["moments"](g, (0.8, 0.99))
    assert mo["m"][-1] == pytest.approx(m, rel=1e-12) and mo["rms"][-1] == pytest.approx(math.sqrt(v), rel=1e-12)
    assert mo["m_hat"][-1] == pytest.approx(m / (1 - 0.8**40), rel=1e-12)
    assert mo["sigma_hat"][-1] == pytest.approx(math.sqrt(v / (1 - 0.99**40)), rel=1e-12)


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
    assert " 0   2.0000   2.0000    2.00000   1.000   0.9000" in out      # rows count t from 0
    assert " 5 " not in out and "θᵗ⁺¹" in out and "sigma_hat" in out
    assert "\u0302" not in out                   # no combining hat (m̂): code fonts draw it garbled
    head = out.splitlines()[1]
    for row in out.splitlines()[2:]:             # every column's header ends where its numbers end
        for name in ("gᵗ", "m_hat", "sigma_hat", "step/η"):
            end = head.index(name) + len(name)
            assert row[end - 1] != " " and (end == len(row) or row[end] == " "), (name, row)
    corrected = lesson.on_square(adam_from_parts(0.1), steps=5)
    uncorrected = lesson.on_square(adam_from_parts(0.1, corrected=False), steps=5)
    assert np.all(np.diff(np.r_[1.0, corrected]) < 0) and np.all(corrected > 0)
    assert uncorrected[2] == pytest.approx(-0.1621, abs=1e-4)    # jumped past the minimum at 0
    steps = np.abs(np.diff(np.r_[1.0, uncorrected])) / 0.1
    assert steps[:3] == pytest.approx([3.162, 4.136, 4.323], abs=1e-3)


def first_steps_runs(steps=80):
    """Notebook 05's runs: Adam, and its ingredients without correction with β2 = 0.999 and 0.9999."""
    valley = surfaces.rosenbrock()
    return {label: descend(valley, opt, valley.start, steps) for label, opt in (
        ("Adam (bias-corrected), β2 = 0.999", optim.Adam(lr=0.1)),
        ("no bias correction, β2 = 0.999", adam_from_parts(0.1, corrected=False)),
        ("no bias correction, β2 = 0.9999", adam_from_parts(0.1, 0.9999, corrected=False)))}


def test_uncorrected_adam_jumps_up_in_the_valley():
    runs = first_steps_runs(80)
    corrected, plain, high = runs.values()
    start = corrected.loss[0]
    assert corrected.loss.max() == start
    assert 7 < plain.loss.max() / start < 7.5
    assert high.loss.max() / start > 100
    assert plain.loss[-1] < corrected.loss[-1] and high.loss[-1] < corrected.loss[-1]


def test_defaults_table(taught, capsys):
    correction_steps = taught["correction_steps"]
    lesson.defaults_table(correction_steps)
    out = capsys.readouterr().out
    assert "10 gradients; m_hat needs correcting for 44 steps" in out
    assert "1000 squared gradients; v_hat needs correcting for 4603 steps" in out
    assert "\u0302" not in out
    assert 1 - 0.9**44 >= 0.99 > 1 - 0.9**43
    for beta in (0.5, 0.9, 0.99, 0.999):          # the weights 1 − β^k: within 1% of 1 from k on, not before
        k = correction_steps(beta)
        weights = optim.EMA(beta).values(np.ones(k))     # the average of a constant 1 is its weights' sum
        assert weights[-1] >= 0.99 - 1e-12 and (k == 1 or weights[-2] < 0.99), beta


def test_adam_ignores_the_scale_of_the_loss(capsys):
    valley = surfaces.rosenbrock()
    big = surfaces.Scaled(valley, 1000)
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
    assert lesson.torch_version().startswith("2.13")
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

@pytest.fixture(scope="module")
def saddle_race():
    return lesson.saddle_race()


@pytest.fixture(scope="module")
def valley_race():
    return lesson.valley_race()


def _factor(tuned):
    band = tuned.band()
    return None if band is None else band[1] / band[0]


def test_the_races_give_each_racer_its_own_tuned_eta(saddle_race, valley_race):
    for results in (saddle_race, valley_race):
        assert list(results) == list(lesson.RACERS)
        assert len({t.best_eta for t in results.values()}) > 1
        for t in results.values():
            assert t.n_starts == tuning.STARTS >= 3 and not t.at_edge
            i = t.best                             # a fine grid (16 per decade) on both sides of the best η
            assert np.log10(t.etas[i + 1] / t.etas[i]) <= 1 / tuning.FINE + 1e-9
            assert np.log10(t.etas[i] / t.etas[i - 1]) <= 1 / tuning.FINE + 1e-9


def test_saddle_race_claims(saddle_race, capsys):
    steps = {name: t.best_steps for name, t in saddle_race.items()}
    assert tuning.winners(saddle_race) == ["SGD"]                      # of these four, SGD is the fastest
    assert "fastest: SGD" in tuning.table(saddle_race)
    assert sorted(steps, key=steps.get)[1] == "RMSprop"                 # RMSprop next
    assert min(steps["Adam"], steps["Momentum"]) > 3 * max(steps["SGD"], steps["RMSprop"])
    factors = {name: _factor(t) for name, t in saddle_race.items()}
    assert max(factors["SGD"], factors["RMSprop"]) < 3 < 10 < min(factors["Adam"], factors["Momentum"])
    paths = lesson.race_paths(saddle_race)
    assert 0.99 <= lesson.largest_step(paths) <= 1.0 + 1e-6
    assert all(lesson.escape_step(p) is not None for p in paths.values())
    # the escape table, each racer at its best η
    table = lesson.escape_table(saddle_race, y0s=(1e-2, 1e-4, 1e-6, 1e-8))
    for name in ("SGD", "Momentum"):
        extra = np.diff(table[name])
        assert np.all(extra > 3) and extra.max() - extra.min() <= 2, (name, table[name])
    assert max(table["Adam"] + table["RMSprop"]) <= 3
    assert "each racer at its best η" in capsys.readouterr().out


def test_valley_race_claims(valley_race):
    momentum, adam, sgd, rms = (valley_race[name] for name in ("Momentum", "Adam", "SGD", "RMSprop"))
    assert tuning.winners(valley_race) == ["Momentum"]                  # momentum wins …
    assert "fastest: Momentum" in tuning.table(valley_race)
    assert adam.best_steps > 1.5 * momentum.best_steps                  # … clearly ahead of Adam
    assert [name for name, t in valley_race.items() if t.ranked] == ["Momentum", "Adam"]   # the only two
    for t in (sgd, rms):                       # most starts at their best η, all of them at none
        assert t.working() is None and t.n_starts / 2 < t.best_reached < t.n_starts
    i = sgd.best                               # SGD: one start lost at its best η, too slow below it
    assert sgd.lost[i] >= 1 and np.all(sgd.lost[:i] == 0) and np.all(sgd.reached[:i] < sgd.best_reached)
    assert np.all(rms.lost[rms.reached == rms.best_reached] == 0)   # RMSprop: the start that misses ends above
    # momentum is fast only in a narrow band, just below an η at which a start is lost; Adam is
    # within twice its best over a much wider range and reaches from every start across ~ a decade
    assert momentum.lost[momentum.best + 1] >= 1 and _factor(momentum) < 2
    assert _factor(adam) > 5 and _factor(adam) > 3 * _factor(momentum)
    low, high = adam.working()
    assert 8 < high / low < 20


def test_pure_memory_is_what_adam_does_without_new_gradients(taught):
    """σ̂ of the library's Adam after gradients that stop at step `first`: it shrinks by pure_memory."""
    g = np.r_[np.random.default_rng(1).normal(size=301), np.zeros(500)]
    sigma = optim.RootEMA(0.999, bias_correction=True).values(g)
    assert sigma[800] / sigma[300] == pytest.approx(taught["pure_memory"](300, 800), rel=1e-12)


def test_late_steps_show_what_the_takeaway_says(valley_race, taught, capsys):
    """RMSprop's gradient flips nearly every step and σ ≈ |g|; Adam's does not flip, and its σ̂
    is the memory of earlier, larger gradients (it decays as if no new gradient counted)."""
    pure_memory = taught["pure_memory"]
    late = lesson.late_steps(valley_race, pure_memory, first=1000)
    out = capsys.readouterr().out
    rms, adam = late["RMSprop"], late["Adam"]
    assert np.all(rms["flips"] > 0.8)
    assert np.all((rms["sigma"] / rms["grad"] > 0.7) & (rms["sigma"] / rms["grad"] < 1.5))
    assert np.all((rms["step"] > 0.8) & (rms["step"] < 1.2))
    assert np.all(adam["flips"] < 0.05)
    assert np.all(adam["sigma"] > 1) and np.all(adam["sigma"] / adam["grad"] > 1e4)
    assert np.all(adam["step"] < 1e-4)
    budget = valley_race["Adam"].budget
    assert np.allclose(adam["memory"], pure_memory(1000, budget - 1), rtol=0, atol=1e-3)
    assert pure_memory(1000, budget - 1) < 0.9
    assert "g flips sign" in out and "if no gradient after t = 1000 counted at all" in out
    valley = surfaces.rosenbrock()                 # RMSprop ends inside the goal but no closer
    goal = tuning.goal_fraction(valley, tuning.DEFAULT_TOLERANCE) - valley.min_loss
    end = descend(valley, optim.RMSprop(valley_race["RMSprop"].best_eta), valley.start, budget).loss[-1]
    assert goal / 10 < end - valley.min_loss < goal


def test_first_steps_of_adam_and_rmsprop_on_the_saddle(saddle_race):
    """Adam's first step is η per parameter, torch's RMSprop's about η/√(1 − α) = 10η (no bias
    correction), while the gradient is well above ε; from θ_y⁰ = 10⁻⁸ (|g_y| ≈ ε) the step along y
    is shorter, and both need one more step to leave the saddle."""
    saddle = surfaces.saddle()
    for make, expected in ((optim.Adam, 1.0), (optim.RMSprop, 10.0)):
        for y0 in (1e-2, 1e-4, 1e-6):
            step = np.abs(np.diff(descend(saddle, make(0.03), (1.0, y0), 1).params, axis=0))[0] / 0.03
            assert np.allclose(step, expected, rtol=0.1)
        step = np.abs(np.diff(descend(saddle, make(0.03), (1.0, 1e-8), 1).params, axis=0))[0] / 0.03
        assert step[1] < 0.95 * expected
    table = lesson.escape_table(saddle_race, y0s=(1e-2, 1e-4, 1e-6, 1e-8))
    for name in ("Adam", "RMSprop"):
        assert table[name][:3] == [2, 2, 2] and table[name][3] == 3


def test_race_figures_are_readable(saddle_race, valley_race, taught):
    import figure_checks
    for surface, results, escape in ((surfaces.saddle(), saddle_race, True),
                                     (surfaces.rosenbrock(), valley_race, False)):
        fig = lesson.race_figure(surface, results, escape=escape)
        assert fig.get_figwidth() <= 9.5
        assert figure_checks.too_small(fig) == [] and figure_checks.raw_notation(fig) == []
    for fig in (lesson.bias_figure(taught["moments"], steps=300), lesson.first_steps_figure(first_steps_runs(20))):
        assert figure_checks.too_small(fig) == [] and figure_checks.raw_notation(fig) == []


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
    assert widgets.PANELS["05 adam"] is lesson.adam_panel


# The panel's gradient noise: the controls, the paths it draws, and the claims of its Try line

def _noise(surface, share):
    return share * float(np.linalg.norm(surface.grad(np.array(surface.start))))


def test_panel_noise_controls_and_paths():
    from rugged import widgets
    panel = lesson.adam_panel()
    assert panel.controls["seed"].disabled and "noise" not in panel.message
    for surface, noise, seed, beta1 in (("saddle", 0.2, 3, 0.9), ("zigzag", 0.05, 0, 0.5), ("rosenbrock", 1.0, 20, 0.9)):
        panel.set(surface=surface, noise=noise, seed=seed, beta1=beta1)
        assert not panel.controls["seed"].disabled and not panel.error, panel.message
        s = surfaces.all_surfaces()[surface]
        steps = lesson.PANEL_SURFACES[surface]
        mine = descend(s, optim.Adam(lr=0.05, betas=(beta1, 0.999)), s.start, steps, noise=_noise(s, noise), seed=seed)
        defaults = descend(s, optim.Adam(lr=0.05), s.start, steps, noise=_noise(s, noise), seed=seed)
        ref_line, path_line = panel._animated[:2]
        np.testing.assert_array_equal(path_line.get_xdata(), mine.params[:, 0])
        np.testing.assert_array_equal(path_line.get_ydata(), mine.params[:, 1])
        np.testing.assert_array_equal(ref_line.get_xdata(), defaults.params[:, 0])
        tail, level = widgets.hovering(mine.loss - s.min_loss, steps // 4)
        assert panel.message.startswith(widgets.noise_text(noise, _noise(s, noise), seed) + ": after ")
        assert f"hovers at L − L* ≈ {level:.2e} (median of the last {tail})" in panel.message
    panel.set(noise=0.0, beta1=0.9, surface="saddle")
    assert panel.controls["seed"].disabled and panel.message.startswith("after ")
    assert "left the saddle (|θ_y| > 0.5) at step 11" in panel.message
    with pytest.raises(ValueError, match="Invalid seed: 2; the seed draws the gradient noise"):
        lesson.adam_panel(seed=2)
    with pytest.raises(ValueError, match="Invalid noise: 1.5"):
        panel.set(noise=1.5)


@pytest.mark.parametrize("surface", list(lesson.PANEL_SURFACES))
def test_noisy_status_keeps_to_two_lines(surface):
    from test_backrow import _wrapped_lines, mode
    with mode(True):
        panel = lesson.adam_panel(surface=surface, noise=1.0, seed=20)
        for values in (dict(noise=1.0), dict(noise=0.01, eta=1.0), dict(eta=1.0, beta1=0.0, beta2=0.5, noise=0.2)):
            panel.set(**values)
            assert panel.message.startswith("noise s = ") and not panel.error, panel.message
            assert _wrapped_lines(panel.message) <= 2, panel.message


def test_noisy_panel_moves_are_fast():
    import time
    panel = lesson.adam_panel(noise=0.05)
    panel.prepare()
    times = []
    for k, surface in enumerate(list(lesson.PANEL_SURFACES) * 3):
        start = time.process_time()
        panel.set(surface=surface, beta1=0.5 + k / 100, noise=(0.05, 0.2, 1.0)[k % 3], seed=k % 7)
        times.append(time.process_time() - start)
    assert np.percentile(times, 95) < 0.25, times      # the target is 0.1 s; a shared machine is noisy


def test_try_noise_keeps_adam_on_the_saddle_longer():
    """05's Try line: on the saddle at the panel's η = 0.05, with 20% noise Adam leaves the saddle
    later than without noise for every seed of the panel (its steps along y lose their steady
    push: less way made along y in the steps the exact run needs), and it then hovers, well above
    where the exact run ends."""
    saddle = surfaces.saddle()
    exact = descend(saddle, optim.Adam(lr=0.05), saddle.start, 150)
    first = lesson.escape_step(exact)
    assert first is not None
    exact_way = abs(exact.params[first, 1] - exact.params[0, 1])
    assert np.all(np.diff(exact.params[:first + 1, 1]) > 0.7 * 0.05), "without noise each early step along y is about η"
    s = _noise(saddle, 0.2)
    for seed in range(21):
        noisy = descend(saddle, optim.Adam(lr=0.05), saddle.start, 150, noise=s, seed=seed)
        escaped = lesson.escape_step(noisy)
        assert escaped is None or escaped > first, (seed, escaped, first)
        assert abs(noisy.params[first, 1] - noisy.params[0, 1]) < exact_way, seed
        assert np.median(noisy.loss[-37:] - saddle.min_loss) > 100 * (exact.loss[-1] - saddle.min_loss)


def test_try_line_is_in_the_notebook():
    import notebook_text
    text = " ".join(notebook_text.markdown("05_adam").values())
    assert "**Try, with noise:**" in text and "20%" in text


# ---------------------------------------------------------------------------------------
# Exercises

def test_check_first_moment():
    assert lesson.check_first_moment(None).message.startswith("Not answered yet")
    assert lesson.check_first_moment((0.2, 2)).ok
    assert lesson.check_first_moment((0.2, 2.0000001)).ok
    assert "swapped" in lesson.check_first_moment((1.8, 2)).message
    assert "corrected m̂⁰" in lesson.check_first_moment((2, 2)).message
    assert "still the raw average" in lesson.check_first_moment((0.2, 0.2)).message
    assert "1 − β₁²" in lesson.check_first_moment((0.2, 0.2 / 0.19)).message
    assert "The two are swapped" in lesson.check_first_moment((2, 0.2)).message
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
    for right in ("beta2", "β2", " Beta2 ", "0.999", "beta 2", "β₂", "b2", "second beta", "beta_2",
                  "betas[1]", "beta2 = 0.999", 0.999):
        assert lesson.check_memory(right).ok, right
    assert "momentum" in lesson.check_memory("beta1").message
    assert "averages nothing" in lesson.check_memory("lr").message
    assert "finite" in lesson.check_memory("eps").message
    assert "no α of its own" in lesson.check_memory("alpha").message
    assert "not one of the defaults" in lesson.check_memory("gamma").message


# ---------------------------------------------------------------------------------------
# The notebook's text

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "05_adam.ipynb"


def test_notebook_text_has_no_raw_caret_notation():
    """Maths in markdown is in $…$; printed tables write ρᵗ, β₁ᵗ⁺¹, not ρ^t, β1^{t+1}."""
    import notebook_text
    assert notebook_text.raw_markdown(NOTEBOOK) == []
    assert notebook_text.raw_output(NOTEBOOK) == []


def test_notebook_text_checker_finds_raw_notation(tmp_path):
    import nbformat
    import notebook_text
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("fine: $\\eta^t$, `lr_decay`, [a](b_c.ipynb)\nraw: η^t and EMA_β"),
                nbformat.v4.new_code_cell("print()", outputs=[nbformat.v4.new_output(
                    "stream", name="stdout", text="ρᵗ plateau_cliff m1_hat\nσ_i^t\nEMA_β1(g)\n")])]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, str(path))
    assert notebook_text.raw_markdown(path) == [(0, "raw: η^t and EMA_β")]
    assert notebook_text.raw_output(path) == [(1, "σ_i^t"), (1, "EMA_β1(g)")]


def test_torch_version_quoted_is_the_recorded_one():
    """Every "torch 2.13" in the notebook is the version the recorded values come from."""
    import notebook_text
    recorded = ".".join(str(lesson.torch_version()).split(".")[:2])
    quoted = notebook_text.torch_versions(NOTEBOOK)
    assert quoted and quoted == {recorded}
