"""07 warmup: the notebook's claims, its panel and its exercise checks."""

import numpy as np
import pytest

from rugged import descend, optim, schedules, surfaces, widgets
from rugged.lessons import warmup as lesson

import notebook_text
from figure_checks import course_style, raw_notation, too_small
from teaching import definitions

ETA, N = 0.3, 200
TAUGHT = ("adaptive_lr", "chi_variance", "adaptive_steps", "saturation")   # 07's teaching cells define these
TAUGHT_NAMESPACE = definitions("07_warmup")
adaptive_lr, chi_variance, adaptive_steps, saturation = (TAUGHT_NAMESPACE[name] for name in TAUGHT)


def test_the_teaching_cells_are_the_only_copy():
    """The notebook defines the lesson's formulas; the lesson module no longer does."""
    for name in TAUGHT:
        assert callable(TAUGHT_NAMESPACE[name]) and not hasattr(lesson, name), name


# ---------------------------------------------------------------------------------------
# Section 1: the two warmups

def test_transformer_peak_is_at_warmup_steps():
    step, peak = lesson.transformer_peak()
    assert step == 4000
    assert peak == pytest.approx((512 * 4000) ** -0.5, rel=1e-12)
    assert f"{peak:.4e}" == "6.9877e-04"
    # the library's t counts from 0: the same peak at t = 3999
    assert schedules.TransformerSchedule().lr_at(3999) == pytest.approx(peak, rel=1e-12)
    assert lesson.transformer_lr(1) == pytest.approx(512 ** -0.5 * 4000 ** -1.5, rel=1e-12)
    assert lesson.transformer_lr(16_000) == pytest.approx(peak / 2, rel=1e-12)
    assert lesson.transformer_lr(100_000) == pytest.approx(peak / 5, rel=1e-12)


@pytest.mark.parametrize("d_model, warmup", [(64, 100), (512, 1000), (2048, 16_000), (128, 4000)])
def test_peak_formula(d_model, warmup):
    step, peak = lesson.transformer_peak(d_model, warmup)
    assert step == warmup
    assert peak == pytest.approx((d_model * warmup) ** -0.5, rel=1e-12)


def test_after_the_peak_the_warmup_length_does_not_matter():
    values = [lesson.transformer_lr(50_000, 512, w) for w in (1000, 4000, 16_000)]
    assert np.ptp(values) < 1e-18
    assert lesson.transformer_lr(50_000, 2048) == pytest.approx(lesson.transformer_lr(50_000, 512) / 2)


def test_resnet_warmup():
    schedule = schedules.ResNetWarmup(0.01, 400)
    assert schedule.lr_at(np.array([0, 100, 399]), 0.1).tolist() == [0.01] * 3
    assert schedule.lr_at(np.array([400, 1000]), 0.1).tolist() == [0.1] * 2


def test_tables_print(capsys):
    lesson.schedule_table()
    lesson.variants_table()
    out = capsys.readouterr().out
    assert "peak: η³⁹⁹⁹ = 6.9877e-04 at t = 3,999 (the paper's step 4,000)" in out
    assert "η⁰ = 1.7469e-07" in out                   # the lecture's t = 0 is the paper's step 1
    assert "η¹⁰⁰ = 0.01" in out and "η⁴⁰⁰ = 0.1" in out
    assert "^" not in out                               # ηᵗ as Unicode, not η^t
    assert out.count("1.9764e-04") == 3
    rows = [line.split() for line in out.splitlines() if line.strip().startswith("512")]
    assert [row[2] for row in rows] == ["999", "3,999", "15,999"]   # peaks at t = warmup_steps − 1


# ---------------------------------------------------------------------------------------
# Section 2: Monte Carlo of the adaptive learning rate

@pytest.fixture(scope="module")
def monte_carlo():
    grads = lesson.random_gradients(runs=10_000, steps=50, seed=0)
    return grads, adaptive_lr(optim.Adam(), grads), adaptive_lr(optim.RAdam(), grads)


def test_adaptive_lr_is_adams_bias_corrected_sigma(monte_carlo):
    grads, adam, _ = monte_carlo
    beta2, eps = 0.999, 1e-8
    v = np.zeros(grads.shape[1])
    for t, g in enumerate(grads, 1):
        v = beta2 * v + (1 - beta2) * g * g
        expected = 1 / (np.sqrt(v / (1 - beta2 ** t)) + eps)
        np.testing.assert_allclose(adam[t - 1], expected, rtol=1e-12)
    np.testing.assert_allclose(adam[0], 1 / (np.abs(grads[0]) + eps), rtol=1e-12)


def test_variance_falls_with_t(monte_carlo):
    _, adam, _ = monte_carlo
    var = adam.var(axis=1)
    assert var[0] > 1e4 and var[1] > 100          # t = 1, 2: infinite in truth
    assert np.all(np.diff(var) < 0)               # falls at every step
    assert var[49] == pytest.approx(0.01074, rel=1e-3)
    assert np.mean(adam[0] > 2) == pytest.approx(0.375, abs=0.001)
    low, high = np.quantile(adam[49], [0.01, 0.99])
    assert 0.80 < low < 0.82 and 1.28 < high < 1.30


def test_chi_model_matches_monte_carlo(monte_carlo, capsys):
    _, adam, radam = monte_carlo
    t = np.arange(50)
    np.testing.assert_array_equal(lesson.rho_at(t), optim.radam_rho(t + 1))
    model = chi_variance(lesson.rho_at(t))
    var = adam.var(axis=1)
    assert np.isinf(model[:2]).all()
    gap = lesson.model_gap(adam, chi_variance)
    np.testing.assert_allclose(gap[2:], model[2:] / var[2:] - 1)
    assert 0.2 < gap[2] < 0.25                           # t = 2: about a fifth too high
    assert np.max(np.abs(gap[5:])) < 0.04                # from t = 5 on: a few percent
    lesson.variance_table(adam, radam, chi_variance)
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert f"{gap[2]:+.1%} at t = 2" in last and f"±{np.max(np.abs(gap[5:])):.1%} for t = 5 … 49" in last
    assert chi_variance(lesson.rho_inf())[0] == pytest.approx(2.506e-4, rel=1e-3)


def test_variance_table_and_its_verdict_for_a_slide(monte_carlo, capsys):
    """The slide's line is the table's last line, from the same gaps."""
    _, adam, radam = monte_carlo
    lesson.variance_table(adam, radam, chi_variance)
    whole = capsys.readouterr().out
    lesson.variance_table(adam, radam, chi_variance, verdict=False)
    table = capsys.readouterr().out
    lesson.model_verdict(adam, chi_variance)
    verdict = capsys.readouterr().out
    assert table + verdict == whole and len(verdict.splitlines()) == 1
    assert "the χ² model against the Monte Carlo" not in table
    gap = lesson.model_gap(adam, chi_variance)
    lesson.model_verdict(adam, chi_variance, close_from=2)
    assert f"within ±{np.max(np.abs(gap[2:])):.1%} for t = 2 … 49" in capsys.readouterr().out


def test_chi_variance_is_the_variance_of_sqrt_rho_over_chi_square():
    """The formula against a direct Monte Carlo of ψ = sqrt(ρ/χ²_ρ) and against the known E[ψ²]."""
    rng = np.random.default_rng(3)
    for rho in (6.0, 10.0, 40.0):
        psi = np.sqrt(rho / rng.chisquare(rho, size=400_000))
        assert chi_variance(rho)[0] == pytest.approx(psi.var(), rel=0.03), rho
    assert np.isinf(chi_variance([1.0, 2.0])).all() and np.isfinite(chi_variance(2.0 + 1e-9)).all()


def test_the_estimate_settles_only_where_the_variance_is_finite(monte_carlo):
    _, adam, _ = monte_carlo
    first = [adam[0, :n].var() for n in (100, 1000, 10_000)]
    assert first[2] > 5 * first[1] > 5 * first[0]
    late = [adam[19, :n].var() for n in (1000, 10_000)]
    assert abs(late[1] / late[0] - 1) < 0.05


def test_radam_rectified_variance_stays_below_the_long_run(monte_carlo):
    _, _, radam = monte_carlo
    np.testing.assert_array_equal(radam[:5], 1.0)          # momentum SGD: σ = 1
    var = radam[5:].var(axis=1)
    limit = chi_variance(lesson.rho_inf())[0]
    assert np.all(var < limit)
    assert var[0] == pytest.approx(1.136e-4, rel=1e-3) and var[-1] > 0.9 * limit


def test_variance_figure_and_tables(monte_carlo, capsys):
    _, adam, radam = monte_carlo
    lesson.spread_table(adam)
    lesson.settling_table(adam)
    lesson.variance_table(adam, radam, chi_variance)
    out = capsys.readouterr().out
    assert "37.5%" in out and "– (SGD step)" in out
    with course_style():
        fig = lesson.variance_figure(adam, radam, chi_variance)
    assert len(fig.axes) == 2
    assert not too_small(fig) and not raw_notation(fig), (too_small(fig), raw_notation(fig))
    lesson.plots.plt.close(fig)


def test_tables_count_t_from_0(monte_carlo, capsys):
    """The lecture's t counts from 0: the first row of every table is t = 0, the step
    that rests on one gradient, where 1/σ^0 = 1/|g^0| (torch's step k = 1)."""
    grads, adam, radam = monte_carlo
    lesson.spread_table(adam)
    first = capsys.readouterr().out.splitlines()[1].split()
    assert first[0] == "0" and first[-1] == f"{np.mean(1 / np.abs(grads[0]) > 2):.1%}"
    lesson.variance_table(adam, radam, chi_variance)
    first = capsys.readouterr().out.splitlines()[1].split()
    assert first[:3] == ["0", "1", "1.000"] and first[4] == "∞"        # t = 0, k = 1, ρ^0 = 1
    assert float(first[3]) == pytest.approx((1 / (np.abs(grads[0]) + 1e-8)).var(), rel=1e-3)
    lesson.settling_table(adam)
    assert "Var, t = 0" in capsys.readouterr().out
    lesson.rho_table()
    out = capsys.readouterr().out
    assert "ρ⁰" in out.splitlines()[0] and "t = 5 (step 6)" in out and "t = 4 (step 5)" in out


@pytest.mark.parametrize("name", ["02_adagrad", "03_rmsprop", "06_lr_decay", "07_warmup"])
def test_notebooks_count_t_from_0(name):
    """Prose says 'from 1' only where it names the step count of torch or a paper, k = t + 1."""
    import json
    import pathlib
    import re
    path = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / f"{name}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for match in re.finditer(r"(counted|counts|counting|\(|\\text\{) ?from\}? 1\b", text):
        near = text[max(0, match.start() - 160):match.end() + 160]
        assert re.search(r"t ?\+ ?1", near) and re.search(r"torch|paper", near), near
    assert not re.search(r"\bt = 1 \\dots|t = 1 …|\$t = 1\$ \(the first", text)
    outputs = "".join("".join(out.get("text", "")) for c in cells if c["cell_type"] == "code"
                      for out in c.get("outputs", []))
    assert not re.search(r"ρ_\d|ρ_t\b|\br_t\b|σ_t\b|\(from 1\)", outputs)      # the papers' subscript t


# ---------------------------------------------------------------------------------------
# Section 3: ρ_t and r_t

def test_rho_and_the_first_rectified_step():
    assert optim.radam_rho(5) == pytest.approx(4.996, abs=5e-4)
    assert optim.radam_rho(6) == pytest.approx(5.994, abs=5e-4)
    assert lesson.first_rectified_step(0.999) == 6
    assert lesson.first_rectified_step(0.999, threshold=4) == 5
    for beta2 in (0.9, 0.98):
        assert lesson.first_rectified_step(beta2) == 6
        assert lesson.first_rectified_step(beta2, threshold=4) == 5
    with pytest.raises(ValueError):
        lesson.first_rectified_step(0.5)            # ρ∞ = 3: never above 5


def test_torch_radam_rectifies_from_step_6():
    opt = optim.RAdam(lr=0.1)
    theta = np.ones(3)
    flags = []
    for _ in range(8):
        theta = opt.step(theta, theta)
        flags.append(bool(opt.rectified))
    assert flags == [False] * 5 + [True] * 3


def test_rectifier_is_undefined_until_rho_exceeds_4():
    t = np.arange(1, 8)
    assert np.isnan(optim.radam_rectification(optim.radam_rho(t))[:4]).all()   # ρ_1 … ρ_4 ≤ 4
    r = lesson.rectifier(t)
    assert np.isnan(r[:4]).all()
    assert np.isfinite(r[4:]).all()
    assert lesson.rectifier(6) == pytest.approx(0.0258, abs=1e-4)
    assert lesson.rectifier(200) == pytest.approx(0.307, abs=1e-3)
    assert lesson.rectifier(np.array([10_000]))[0] > 0.99


# ---------------------------------------------------------------------------------------
# Section 4: the argument measured with noise (minibatch Adam on the Pokémon surface)

NOISY_SEEDS, NOISY_STEPS, NOISY_ETA = 200, 30, 1.0       # the notebook's setting


def noisy_runs(seeds):
    pokemon = surfaces.pokemon()
    starts = np.tile(pokemon.start, (len(seeds), 1))
    warmup = schedules.LinearLR(start_factor=0.01, total_iters=20)
    return {
        "Adam": descend(pokemon, optim.Adam(lr=NOISY_ETA), starts, NOISY_STEPS, batch_size=1, seed=seeds),
        "Adam + warmup": descend(pokemon, optim.Adam(lr=NOISY_ETA), starts, NOISY_STEPS, schedule=warmup,
                                 batch_size=1, seed=seeds),
    }


@pytest.fixture(scope="module")
def noisy():
    return noisy_runs(np.arange(NOISY_SEEDS))


def spreads(runs):
    """(std ÷ mean of Adam's 1/σᵢᵗ, spread ratio warmup ÷ Adam, the same for 1/σᵢᵗ alone, η^t/η)."""
    adam, warm = (adaptive_steps(runs[name]) for name in lesson.NOISY)
    factor = runs["Adam + warmup"].lr / NOISY_ETA
    ratio = warm.std(axis=1) / adam.std(axis=1)
    return adam.std(axis=1) / adam.mean(axis=1), ratio, ratio / factor[:, None], factor


def test_adaptive_steps_is_eta_over_adams_sigma(noisy):
    """η^t/σ̂ᵢᵗ with σ̂ built by hand from the minibatch gradients the run saw, and the step
    θ^{t+1} − θ^t = −(η^t/σ̂ᵢᵗ) m̂ᵢᵗ with m̂ the bias-corrected momentum."""
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for name, path in noisy.items():
        steps = adaptive_steps(path)
        assert steps.shape == (NOISY_STEPS, NOISY_SEEDS, 2)
        v = m = np.zeros((NOISY_SEEDS, 2))
        for t in range(NOISY_STEPS):
            g = path.grad[t]
            v = beta2 * v + (1 - beta2) * g * g
            m = beta1 * m + (1 - beta1) * g
            sigma = np.sqrt(v / (1 - beta2 ** (t + 1))) + eps
            np.testing.assert_allclose(steps[t], path.lr[t] / sigma, rtol=1e-10)
            np.testing.assert_allclose(path.params[t + 1] - path.params[t],
                                       -steps[t] * m / (1 - beta1 ** (t + 1)), rtol=1e-8, atol=1e-9)
    one = descend(surfaces.pokemon(), optim.Adam(lr=1.0), surfaces.pokemon().start, 5, batch_size=1, seed=0)
    np.testing.assert_allclose(adaptive_steps(one), noisy["Adam"].lr[:5, None] / one.sigma)   # one start: (steps, d)
    np.testing.assert_array_equal(adaptive_steps(one), adaptive_steps(noisy_runs([0])["Adam"])[:5, 0])


def test_warmup_spread_is_below_adams_at_every_step(noisy):
    """The claim of section 4: the spread of η^t/σᵢᵗ over the seeds is smaller with warmup, at
    every t and for b and w; at t = 0 (same example, same σ) by exactly the factor 0.01."""
    _, ratio, alone, factor = spreads(noisy)
    assert np.all(ratio < 1)
    np.testing.assert_allclose(ratio[0], 0.01, rtol=1e-9)
    np.testing.assert_allclose(alone[0], 1.0, rtol=1e-9)
    assert np.all(ratio[9:] < 0.3)                 # several times below Adam's from one pass on
    assert np.all(ratio[20:] < 0.3) and np.allclose(factor[20:], 1)   # also once the warmup is over


def test_the_claim_holds_for_other_seeds():
    _, ratio, _, _ = spreads(noisy_runs(np.arange(NOISY_SEEDS, 2 * NOISY_SEEDS)))
    assert np.all(ratio < 1)


def test_early_sigma_is_as_unreliable_with_warmup(noisy):
    """In the first steps the warmup's spread is about its factor η^t/η: 1/σᵢᵗ alone is about as
    spread as without warmup. After one pass through the ten examples (t = 9) it is far less."""
    relative, ratio, alone, factor = spreads(noisy)
    assert np.all(alone[:6] > 0.4) and np.all(alone[:6] <= 1 + 1e-9)
    assert np.all(np.abs(np.log(ratio[:4] / factor[:4, None])) < np.log(1.5))   # close to the factor
    assert np.all(alone[9] < 0.2)
    for k in (0, 1):                               # the warmed-up runs are still close together
        assert noisy["Adam + warmup"].params[9, :, k].std() < noisy["Adam"].params[9, :, k].std() / 2


def test_adams_early_sigma_varies_widely_but_stays_finite(noisy):
    relative, *_ = spreads(noisy)
    b, w = relative[0]
    assert 0.6 < b < 1.4 and 1.5 < w < 2.6          # about its mean (b), about twice it (w)
    assert np.all(relative[-1] < relative[0] / 2)
    sigma0 = noisy["Adam"].sigma[0]
    assert np.all(sigma0 > 1e-3 * np.median(sigma0, axis=0))   # no example's gradient near 0


def test_radams_rectifier_is_below_the_warmups_factor(noisy, capsys):
    _, _, _, factor = spreads(noisy)
    t = np.arange(5, NOISY_STEPS)
    assert np.all(lesson.rectifier(t + 1) < factor[5:])
    lesson.noise_table(noisy, adaptive_steps, NOISY_ETA)
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("spread with warmup below without at every t = 0 … 29: b yes, w yes")
    assert out[-1] == "RAdam's rᵗ below the warmup's ηᵗ/η at every t = 5 … 29: yes"


def test_radam_cannot_run_at_adams_eta_on_pokemon():
    """Its first steps are momentum SGD with no σ: the Pokémon gradient for w is about 10⁷ (full loss)
    and the first step throws w more than 10⁵ away, in every run."""
    pokemon = surfaces.pokemon()
    seeds = np.arange(20)
    path = descend(pokemon, optim.RAdam(lr=NOISY_ETA), np.tile(pokemon.start, (20, 1)), 3, batch_size=1, seed=seeds)
    assert 5e6 < abs(pokemon.grad(np.array(pokemon.start))[1]) < 5e7
    assert np.all(np.abs(path.params[1, :, 1] - pokemon.start[1]) > 1e5)


def test_noise_table_rows_and_the_step_size_variant(noisy, capsys):
    """Rows start at t = 0 with the factor 0.01 and no r; the notebook's Try (path.step_size,
    Adam's momentum bias correction folded in) changes no column of the table."""
    lesson.noise_table(noisy, adaptive_steps, NOISY_ETA)
    out = capsys.readouterr().out
    first = next(line.split() for line in out.splitlines() if line.split()[:1] == ["0"])
    assert first[:3] == ["0", "0.0100", "–"] and first[5:] == ["0.0100", "0.0100", "1.0000", "1.0000"]
    assert "^" not in out and "_" not in out
    assert max(len(line) for line in out.splitlines()) <= 92          # no wrapping on a slide
    lesson.noise_table(noisy, lambda path: path.step_size, NOISY_ETA)
    assert capsys.readouterr().out == out


def test_noise_table_and_its_verdict_for_a_slide(noisy, capsys):
    """The slide's two lines are the table's last two; they say no where the spread with
    warmup is not below Adam's."""
    lesson.noise_table(noisy, adaptive_steps, NOISY_ETA)
    whole = capsys.readouterr().out
    lesson.noise_table(noisy, adaptive_steps, NOISY_ETA, verdict=False)
    table = capsys.readouterr().out
    lesson.noise_verdict(noisy, adaptive_steps, NOISY_ETA)
    verdict = capsys.readouterr().out
    assert table + verdict == whole and len(verdict.splitlines()) == 2
    assert verdict.startswith("spread with warmup below without at every t = 0 … 29: b yes, w yes")
    swapped = {"Adam": noisy["Adam + warmup"], "Adam + warmup": noisy["Adam"]}
    lesson.noise_verdict(swapped, adaptive_steps, NOISY_ETA)
    assert ": b no, w no" in capsys.readouterr().out


def test_noise_figure(noisy):
    with course_style():
        fig = lesson.noise_figure(noisy, adaptive_steps, NOISY_ETA)
    assert len(fig.axes) == 3
    assert not too_small(fig) and not raw_notation(fig), (too_small(fig), raw_notation(fig))
    lesson.plots.plt.close(fig)


# ---------------------------------------------------------------------------------------
# Section 5: the network race

@pytest.fixture(scope="module")
def race():
    problem = lesson.network_problem()
    starts = lesson.network_starts(problem, seeds=6)
    warmup = schedules.LinearLR(start_factor=0.01, total_iters=40)
    runs = {
        "Adam": descend(problem, optim.Adam(lr=ETA), starts, N),
        "Adam + warmup": descend(problem, optim.Adam(lr=ETA), starts, N, schedule=warmup),
        "RAdam": descend(problem, optim.RAdam(lr=ETA), starts, N),
    }
    return problem, starts, warmup, runs


def test_problem_shape(race):
    problem, starts, _, _ = race
    assert problem.n_params == 321 and starts.shape == (6, 321)


def test_adams_first_step_moves_every_parameter_by_eta(race):
    _, _, _, runs = race
    largest, median = lesson.update_sizes(runs["Adam"])
    np.testing.assert_allclose(largest[0], ETA, rtol=1e-6)
    np.testing.assert_allclose(median[0], ETA, rtol=1e-4)       # up to ε = 1e-8 next to |g|
    smallest = np.abs(np.diff(runs["Adam"].params[:2], axis=0)).min()
    assert 0.97 * ETA < smallest < ETA
    largest, median = lesson.update_sizes(runs["Adam + warmup"])
    np.testing.assert_allclose(largest[0], 0.01 * ETA, rtol=1e-6)
    _, median = lesson.update_sizes(runs["RAdam"])
    assert np.median(median[0]) < 0.01 * ETA


def test_adam_without_warmup_jumps_saturates_and_fails(race):
    problem, _, _, runs = race
    adam = runs["Adam"]
    assert np.median(lesson.early_peak(adam)) > 20
    assert np.median(saturation(problem, adam.params[10])) > 0.7
    # "Some runs never recover: they end on a plateau near 0.09 that they never leave"
    never = np.all(adam.loss > lesson.FAILED, axis=0)
    assert never.any()
    plateau = adam.loss[-50:, never]
    assert np.all(np.abs(plateau - 0.09) < 0.01) and np.all(plateau.max(axis=0) < 1.05 * plateau.min(axis=0))
    for name in ("Adam + warmup", "RAdam"):                # "no large early jump, almost no saturation"
        path = runs[name]
        assert np.median(lesson.early_peak(path)) == pytest.approx(1.0) and lesson.early_peak(path).max() < 2
        assert np.median(saturation(problem, path.params[10])) < 0.05
    # "a run that has fitted can still lose it there … a failure that late is not the first
    # steps' doing": every failed warmup run had fitted, and lost it after the warmup's 40 steps
    warm = runs["Adam + warmup"]
    for k in np.flatnonzero(lesson.late_loss(warm) > lesson.FAILED):
        best = int(np.argmin(warm.loss[:, k]))
        assert warm.loss[best, k] < lesson.FAILED and best > 40
        assert warm.loss[:41, k].max() < 1.5 * warm.loss[0, k]


def test_saturation_matches_a_direct_forward_pass(race):
    problem, starts, _, _ = race
    (W1, b1), (W2, b2), _ = problem.net.unflatten(starts[0])
    z2 = np.tanh(problem.X @ W1 + b1) @ W2 + b2
    assert saturation(problem, starts[0]) == pytest.approx(np.mean(np.abs(z2) > 3))
    z1 = problem.X @ W1 + b1
    assert saturation(problem, starts[0], layer=0) == pytest.approx(np.mean(np.abs(z1) > 3))
    np.testing.assert_allclose(saturation(problem, starts[:3]),
                               [saturation(problem, theta) for theta in starts[:3]], rtol=1e-15)


@pytest.fixture(scope="module")
def sweep(race):
    problem, starts, warmup, runs = race
    return lesson.eta_sweep(problem, starts, (0.01, 0.03, 0.1, 0.3, 1.0), N, warmup, known={ETA: runs})


def test_sweep(race, sweep):
    runs = race[3]
    assert all(sweep[ETA][name] is path.loss for name, path in runs.items())      # reused, not rerun
    failed = {eta: {name: int(np.sum(lesson.late_loss(p) > lesson.FAILED)) for name, p in r.items()}
              for eta, r in sweep.items()}
    for eta in (0.01, 0.03, 0.1):
        assert set(failed[eta].values()) == {0}
    assert failed[0.3]["Adam"] >= 1                           # "without warmup some runs fail"
    assert failed[1.0]["Adam"] == 6                           # "every Adam run fails"
    assert failed[1.0]["Adam + warmup"] > 3                   # "most of its runs fail"
    assert failed[1.0]["RAdam"] < 3                           # "most of RAdam's runs still fit"
    peaks = [np.median(lesson.early_peak(sweep[eta]["Adam"])) for eta in sweep]
    assert peaks[0] == pytest.approx(1.0) and np.all(np.diff(peaks) > 0)   # "the more the larger η"
    assert 1.05 < peaks[1] < 2 and 2 < peaks[2] < 10                       # "a little", "several times"
    assert 10 < peaks[3] and 100 < peaks[4] < 1000                         # "tens to hundreds"
    assert 1.5 < np.median(lesson.early_peak(sweep[1.0]["Adam + warmup"])) < 10   # "a few times"
    for eta in (0.01, 0.03, 0.1, 0.3):
        assert np.median(lesson.early_peak(sweep[eta]["Adam + warmup"])) == pytest.approx(1.0)
    # small η: warmup changes little, RAdam is a little behind
    late = {name: np.median(lesson.late_loss(p)) for name, p in sweep[0.01].items()}
    assert abs(late["Adam + warmup"] / late["Adam"] - 1) < 0.05
    assert late["RAdam"] > 1.3 * late["Adam"]
    # at η = 0.1 Adam without warmup even ends a little lower
    late = {name: np.median(lesson.late_loss(p)) for name, p in sweep[0.1].items()}
    assert late["Adam"] < late["Adam + warmup"] < late["RAdam"]


def test_failures_say_how_each_failed_run_failed(capsys):
    """`failures` sorts the failed runs (late loss above FAILED) into never fitted and fitted,
    then lost it, with the lowest loss, its step and the first step back above FAILED."""
    t = np.arange(201.0)
    fine = 0.25 * np.exp(-t / 20) + 0.005
    never = np.full(201, 0.09)
    lost = fine.copy()
    lost[150:] = 0.5
    lesson.failures({"A": np.stack([fine, never, lost], axis=1), "B": np.stack([fine, fine], axis=1)})
    out = capsys.readouterr().out.splitlines()
    assert out[1] == ("A              2 of 3: 1 never below 0.03 (late loss 0.09 … 0.09); 1 fitted, then lost it "
                      "(lowest 0.0051 at t = 149, above 0.03 again from t = 150)")
    assert out[2] == "B              none of 2"


def test_prose_quotes_no_count_of_failed_runs():
    """Which of six chaotic runs fail depends on the last bits of the arithmetic (another CPU,
    WebAssembly's libm), so 07 prints the counts (nbval checks them) and its prose only says
    "some", "most", "every": never "three of the six runs", "one warmup run", "half of …"."""
    import re
    count = (r"\b(?:one|two|three|four|five|six|half|\d+)\s+(?:of\s+(?:the\s+)?(?:six\s+|\d+\s+)?)?"
             r"(?:(?:Adam|RAdam|warmup|failed|Adam's|RAdam's)\s+)*runs?\b")
    for text in notebook_text.markdown("07_warmup").values():
        for sentence in re.split(r"(?<=[.;:])\s", text):
            if re.search(r"fail|lose|loses|lost|plateau|burst", sentence):
                assert not re.search(count, sentence), sentence
    assert re.search(count, "half of the Adam runs fail") and re.search(count, "loses one run")
    assert re.search(count, "three of the six runs end on a plateau")


def test_notebook_text_has_no_raw_notation():
    """Maths in markdown is in $…$ (warmup_steps too); printed text writes ηᵗ, ρ⁴, |Δθᵢ|."""
    assert notebook_text.raw_markdown("07_warmup") == []
    assert notebook_text.raw_output("07_warmup") == []


def test_eta_sweep_runs_what_it_is_not_given(race):
    """Every row of the side-by-side sweep is the loss of its own `descend` run, bit for bit,
    warmup schedule included; a run that diverges is NaN from where `descend` marks it."""
    problem, starts, warmup, _ = race
    etas, limit = (0.05, 0.3, 1e4), 1e3
    out = lesson.eta_sweep(problem, starts[:2], etas, 12, warmup, limit=limit)
    for eta in etas:
        direct = {"Adam": descend(problem, optim.Adam(lr=eta), starts[:2], 12, limit=limit),
                  "Adam + warmup": descend(problem, optim.Adam(lr=eta), starts[:2], 12, schedule=warmup,
                                           limit=limit),
                  "RAdam": descend(problem, optim.RAdam(lr=eta), starts[:2], 12, limit=limit)}
        for name, path in direct.items():
            expected = np.full((13, 2), np.nan)
            expected[:len(path.loss)] = path.loss
            np.testing.assert_array_equal(out[eta][name], expected, err_msg=f"{name} at η = {eta:g}")
    assert np.isnan(out[1e4]["Adam"][-1]).all()          # beyond ±limit at η = 1e4: marked so


def test_race_figures_and_tables(race, sweep, capsys):
    problem, _, _, runs = race
    lesson.race_table(problem, runs, saturation)
    table = capsys.readouterr().out
    assert "^" not in table and "θ_" not in table                     # |Δθᵢ|, L/L(θ⁰)
    lesson.failures(runs)
    lines = capsys.readouterr().out.splitlines()[1:]
    for name, path in runs.items():                  # the lines count what the table counts
        n = int(np.sum(lesson.late_loss(path) > lesson.FAILED))
        row = next(line for line in table.splitlines() if line.startswith(name + " "))
        line = next(line for line in lines if line.startswith(name + " "))
        assert row.endswith(f"{n:3d} of 6")
        assert line.endswith("none of 6") if n == 0 else f" {n} of 6: " in line
    lesson.sweep_table(sweep)
    out = capsys.readouterr().out
    assert "6/6" in out
    with course_style():
        figures = (lesson.race_figure(problem, runs, ETA, saturation), lesson.sweep_figure(sweep))
    for fig in figures:
        assert not too_small(fig) and not raw_notation(fig), (too_small(fig), raw_notation(fig))
        lesson.plots.plt.close(fig)


def test_other_figures_build():
    with course_style():
        figures = (lesson.schedules_figure(), lesson.variants_figure(), lesson.rho_figure())
    for fig in figures:
        assert fig.axes
        assert not too_small(fig) and not raw_notation(fig), (too_small(fig), raw_notation(fig))
        labels = [ax.get_xlabel() for ax in fig.axes]
        assert not [x for x in labels if "from 1" in x]           # t from 0; torch's step named as t + 1
        lesson.plots.plt.close(fig)


# ---------------------------------------------------------------------------------------
# The panel

def test_panel_is_registered_and_draws_extremes():
    assert widgets.PANELS["07 transformer schedule"] is lesson.transformer_panel
    panel = lesson.transformer_panel()
    assert not panel.error and "peak lr = 6.9877e-04 at step 4,000" in panel.message
    for d_model in (64, 4096):
        for warmup in (100, 20_000):
            seconds = panel.set(d_model=d_model, warmup_steps=warmup)
            assert not panel.error, panel.message
            assert f"at step {warmup:,}" in panel.message
            assert panel.image.value[:4] == b"\x89PNG"
            assert seconds < 2
    panel.set(d_model=256, warmup_steps=8000)        # the same product as the paper's
    assert "1× the paper's" in panel.message


def test_panel_peak_beyond_the_window():
    panel = lesson.transformer_panel(steps=10_000)
    panel.set(warmup_steps=20_000)
    assert not panel.error and "beyond the 10,000 steps shown" in panel.message


# ---------------------------------------------------------------------------------------
# Exercises

def test_check_transformer_peak():
    assert "Not answered" in lesson.check_transformer_peak(None).message
    assert lesson.check_transformer_peak((4000, 6.988e-4)).ok
    assert lesson.check_transformer_peak((4000, (512 * 4000) ** -0.5)).ok
    fb = lesson.check_transformer_peak((3999, 6.988e-4))
    assert not fb.ok and "counted from 0" in fb.message and "counts steps from 1" in fb.message
    fb = lesson.check_transformer_peak((4001, 6.988e-4))
    assert not fb.ok and "one too late" in fb.message
    fb = lesson.check_transformer_peak((4000, 4000 ** -0.5))
    assert not fb.ok and "forgets the factor 1/√d_model" in fb.message
    fb = lesson.check_transformer_peak((4000, 512 ** 0.5 * 4000 ** -0.5))
    assert not fb.ok and "uses √d_model instead" in fb.message
    fb = lesson.check_transformer_peak((1, 512 ** -0.5 * 4000 ** -1.5))
    assert not fb.ok and "lr at step 1" in fb.message
    fb = lesson.check_transformer_peak((4000, 6.9e-4))
    assert not fb.ok and "lr = 0.00069 is close: it is the peak value cut to 2 significant digits; give at least" \
        in fb.message
    fb = lesson.check_transformer_peak((2000, 1e-3))
    assert not fb.ok and "Step 2000 is not the peak" in fb.message and "not the peak value" in fb.message
    assert lesson.check_transformer_peak((3999.999999999998, 6.988e-4)).ok   # a computed 4000
    fb = lesson.check_transformer_peak((4000.5, 6.988e-4))
    assert not fb.ok and "4000.5 is not a whole step" in fb.message
    assert not lesson.check_transformer_peak(4000).ok              # not a pair
    assert not lesson.check_transformer_peak(("a", "b")).ok


def test_check_rectify_step():
    assert "Not answered" in lesson.check_rectify_step(None).message
    assert lesson.check_rectify_step(6).ok
    fb = lesson.check_rectify_step(5)
    assert not fb.ok and "paper's threshold" in fb.message and "lecture's t" in fb.message
    fb = lesson.check_rectify_step(3)
    assert not fb.ok and "Too early" in fb.message
    fb = lesson.check_rectify_step(7)
    assert not fb.ok and "Too late" in fb.message
    assert not lesson.check_rectify_step(5.5).ok
    fb = lesson.check_rectify_step(5.9999999999)
    assert fb.ok and "reading 5.9999999999 as 6" in fb.message
    assert lesson.check_rectify_step("6").ok and lesson.check_rectify_step(6.0).ok
    assert "Too late" in lesson.check_rectify_step(10**400).message
    assert not lesson.check_rectify_step("six").ok


def test_check_resnet_lr():
    assert "Not answered" in lesson.check_resnet_lr(None).message
    assert lesson.check_resnet_lr((0.01, 0.1)).ok
    fb = lesson.check_resnet_lr((0.1, 0.01))
    assert not fb.ok and "swapped" in fb.message
    fb = lesson.check_resnet_lr((0.1, 0.1))
    assert not fb.ok and "still on" in fb.message
    fb = lesson.check_resnet_lr((0.001, 0.1))
    assert not fb.ok and "not a factor" in fb.message
    fb = lesson.check_resnet_lr((0.01, 0.01))
    assert not fb.ok and "warmup is over" in fb.message
    assert not lesson.check_resnet_lr(0.01).ok
