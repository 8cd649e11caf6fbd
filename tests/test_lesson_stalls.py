"""01 stalls: the notebook's claims on the library level, the ravine panel and the exercise checks."""

import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rugged import descend, nets, optim, plots, surfaces, widgets
from rugged.curvature import EIG_TOL, find_critical_point, find_critical_points, minimum_ratio
from rugged.lessons import stalls as lesson

import notebook_text
from figure_checks import course_style, raw_notation, too_small
from teaching import definitions

ETA = nets.DEFAULT_ETA
TEACHING = definitions("01_critical_points")      # the notebook's teaching cells: bounce, closed_form
closed_form = TEACHING["closed_form"]


def bounce(problem, path, eta=ETA):
    """The notebook's `bounce` at the end of a run."""
    return TEACHING["bounce"](problem.hessian(path.endpoint), path.grad, eta)


# ---------------------------------------------------------------------------------------
# Shared runs, made once

@pytest.fixture(scope="module")
def network():
    problem, theta0 = nets.default_problem()
    return problem, descend(problem, optim.GD(lr=ETA), theta0, nets.DEFAULT_STEPS)


@pytest.fixture(scope="module")
def critical(network):
    problem, gd = network
    regularised = nets.Regression(problem.net, problem.X, problem.y, weight_decay=1e-3)
    return regularised, find_critical_point(regularised, gd.endpoint)


@pytest.fixture(scope="module")
def found():
    return lesson.census()


@pytest.fixture(scope="module")
def ravine():
    return surfaces.ravine()


@pytest.fixture(scope="module")
def ravine_runs(ravine):
    return (descend(ravine, optim.GD(lr=1e-2), ravine.start, 300),
            descend(ravine, optim.GD(lr=1e-7), ravine.start, 100_000))


# ---------------------------------------------------------------------------------------
# 1. The stall: the loss flattens, ‖∇L‖ does not go to zero

def test_the_teaching_code_lives_in_the_notebook_only():
    for name in ("bounce", "closed_form"):
        assert callable(TEACHING[name]) and not hasattr(lesson, name), name


def test_training_stalls_far_from_a_critical_point(network):
    _, gd = network
    first, last = lesson.halves(gd)
    half = gd.steps // 2
    assert gd.diverged_at is None and gd.loss[-1] < 0.05 * gd.loss[0]          # it learnt
    assert abs(gd.loss[-1] - gd.loss[half]) < 0.05 * gd.loss[half]             # then flattened
    assert (gd.loss[first].min() - gd.loss[last].min()) / gd.loss[first].min() < 0.01
    assert 0.13 < gd.grad_norm[last].min() and gd.grad_norm[last].max() < 0.18  # ‖g‖ stays large
    assert gd.grad_norm[last].min() > 1e7 * 1e-8                               # far from a critical point
    text = lesson.stall_summary(gd)
    assert "between 0.1387 and 0.1747" in text and "(-0.32%)" in text and "1.4e+07" in text


def test_the_search_from_the_stall_finds_a_saddle_nearby(network, critical):
    problem, gd = network
    regularised, point = critical
    stall = gd.endpoint
    assert point.converged and point.grad_norm <= 1e-10                        # a genuine critical point
    assert 2.5 < np.linalg.norm(point.theta - stall) < 3.5
    assert problem.loss(point.theta) < 0.6 * problem.loss(stall)               # with a lower data loss
    assert point.loss < regularised.loss(stall)
    wd_norm = np.linalg.norm(regularised.grad(stall))
    assert abs(wd_norm - gd.grad_norm[-1]) < 0.01 * gd.grad_norm[-1]          # decay barely changes ‖∇L‖
    assert np.sum(point.eigenvalues < 0) == 2 and not point.is_local_min       # a saddle point
    assert point.minimum_ratio == pytest.approx(95 / 97)
    assert 1 - ETA * point.eigenvalues.max() < -2                              # GD could not stay there
    text = lesson.critical_summary(problem, regularised, stall, point)
    assert "≤ 1e-10" in text and "95 of 97" in text and "a saddle point" in text


def test_without_weight_decay_the_search_from_the_stall_does_not_converge(network):
    """Why the notebook adds weight decay: on the plain loss the search creeps towards larger
    weights, ‖∇L‖ fading but not reaching the tolerance in the search's 200 iterations."""
    problem, gd = network
    point = find_critical_point(problem, gd.endpoint)
    assert not point.converged and point.grad_norm > 1e-8
    assert point.grad_norm < 1e-3 * gd.grad_norm[-1]                           # the gradient fades …
    assert np.linalg.norm(point.theta) > np.linalg.norm(gd.endpoint)           # … as the weights grow


def test_gd_bounces_across_the_steep_directions_at_the_stall(network):
    problem, gd = network
    lam, share, along, flips = bounce(problem, gd)
    assert np.all(np.diff(lam) >= 0) and along.shape == (gd.steps + 1,)
    assert abs(lam[-1] - 2 / ETA) < 0.1 * (2 / ETA)                            # λ_max ≈ 2/η
    assert np.sum(lam > 1 / ETA) == 3 and share > 0.99                         # ‖g‖ lies in the overshooting directions
    assert flips == 1.0                                                        # g·v_max flips every step
    assert np.sum(np.abs(lam) < 1e-2) > len(lam) / 2                           # most directions are flat
    assert np.sum(lam < 0) > 20                                                # the stall is no minimum
    text = lesson.bounce_summary(lam, share, flips, eta=ETA)
    assert "3 of 97" in text and "99.9%" in text and "100% of the last 100" in text


# ---------------------------------------------------------------------------------------
# The 2-D ravine

def test_ravine_gd_bounces_between_the_walls(ravine, ravine_runs):
    bouncing, _ = ravine_runs
    y = bouncing.params[:, 1]
    assert np.all(np.sign(y[1:]) == -np.sign(y[:-1]))                          # a wall at every step
    assert abs(y[-1]) / abs(y[0]) == pytest.approx(0.998 ** 300, rel=1e-9)
    assert bouncing.grad_norm.min() > 80                                       # ‖g‖ stays large
    assert abs(bouncing.grad[-1, 1]) > 100 * abs(bouncing.grad[-1, 0])        # and is almost all y
    assert bouncing.distance(ravine.minima[0]) > 6
    text = lesson.ravine_summary(ravine, bouncing, 1e-2)
    assert "-0.9980" in text and "87.67" in text


def test_a_tiny_eta_is_still_far_after_100000_updates(ravine, ravine_runs):
    _, slow = ravine_runs
    assert slow.steps == 100_000
    assert slow.distance(ravine.minima[0]) > 8.9
    np.testing.assert_allclose(slow.endpoint, closed_form(ravine, 1e-7, 100_000), rtol=1e-9)
    assert slow.endpoint[0] == pytest.approx(-9 * (1 - 1e-8) ** 100_000)
    text = lesson.closed_form_reason(ravine, 1e-7, 100_000, closed_form)
    assert "-8.9910" in text and "+0.1085" in text


def test_steps_to_reach_agrees_with_descend(ravine):
    n = lesson.steps_to_reach(ravine, 1e-2, closed_form)
    path = descend(ravine, optim.GD(lr=1e-2), ravine.start, n + 10)
    assert path.first(np.linalg.norm(path.params - ravine.minima[0], axis=1) <= 1e-2) == n
    assert lesson.steps_to_reach(ravine, 1.1e-2, closed_form) is None          # diverges
    assert lesson.steps_to_reach(ravine, 2 / 199.8, closed_form) is None       # bounces for ever (1 − ηλ = −1)
    assert lesson.steps_to_reach(ravine, 1e-3, closed_form) > 9 * n            # 10× smaller η, ~10× slower
    table = lesson.rate_table(ravine, [1e-7, 1e-2, 1.1e-2], closed_form)
    assert "6,799" in table and "never: diverges" in table


# ---------------------------------------------------------------------------------------
# The census

def test_every_counted_point_is_critical(found):
    """Each point the census counts has ‖∇L‖ below the printed bound (and the 1e-8 of the prose),
    recomputed from its θ; its loss and eigenvalues are those of the census's loss there."""
    problem = lesson.census_problem()
    assert found.theta.shape == (len(found.loss), problem.n_params) == (len(found.loss), 46)
    norms = np.linalg.norm(problem.grad(found.theta), axis=1)
    np.testing.assert_array_equal(norms, found.grad_norm)
    assert norms.max() < 1e-12 and "the largest ‖∇L‖ among them: < 1e-12" in lesson.census_summary(found)
    np.testing.assert_allclose(found.loss, problem.loss(found.theta), rtol=1e-12)
    for i in (0, len(found.loss) // 2, -1):
        np.testing.assert_allclose(found.eigenvalues[i], np.linalg.eigvalsh(problem.hessian(found.theta[i])),
                                   atol=1e-10)
        assert found.minimum_ratio[i] == minimum_ratio(found.eigenvalues[i])


def test_census_ratio_takes_many_values_and_most_points_are_saddles(found):
    assert found.n_nets == 150 and len(found.loss) >= 0.9 * found.n_nets
    ratios = np.unique(found.minimum_ratio)
    assert len(ratios) >= 12 and ratios.min() < 0.75 and ratios.max() == 1.0      # not three columns
    assert 0 < found.is_local_min.sum() <= 0.05 * len(found.loss)                 # true minima are rare
    minima, saddles = found.loss[found.is_local_min], found.loss[~found.is_local_min]
    assert saddles.min() < minima.min()                                             # and no lower than saddles
    text = lesson.census_summary(found)
    assert f"minimum ratio: {len(ratios)} different values" in text
    assert f"true local minima (ratio 1): {len(minima)}; saddle points: {len(saddles)}" in text


def test_census_sign_count_does_not_hinge_on_the_tolerance(found):
    """Every eigenvalue is far from the line between "positive" and "not positive" (EIG_TOL times
    the largest): the ratios are the same for a tolerance 10 times smaller or larger."""
    assert lesson.census_margin(found) > 10 * EIG_TOL
    for tol in (EIG_TOL / 10, EIG_TOL * 10):
        np.testing.assert_array_equal([minimum_ratio(e, tol) for e in found.eigenvalues], found.minimum_ratio)


def test_census_two_groups_what_the_prose_says(found):
    """01's notes: a high-loss group at about 0.22 with the lowest ratios, a low-loss group at 0.07–0.1
    with mostly ratios above 0.85; the ratio rises as the loss falls."""
    high = lesson.census_groups(found)
    assert 0 < high.sum() < len(high)
    assert np.all(np.abs(found.loss[high] - 0.22) < 0.01)
    low = found.loss[~high]
    assert 0.06 < low.min() and low.max() < 0.1
    assert found.minimum_ratio[high].min() < found.minimum_ratio[~high].min()
    assert np.median(found.minimum_ratio[~high]) > np.median(found.minimum_ratio[high])
    assert np.mean(found.minimum_ratio[~high] > 0.85) > 0.5
    assert found.n_negative[high].max() >= 12 and found.is_local_min[high].sum() == 0
    assert not any(np.sum(found.loss[~found.is_local_min] < v) == 0 for v in found.loss[found.is_local_min])


def test_batched_hessians_equal_the_complex_step():
    net = nets.MLP((2, 4, 1))
    X, y = nets.synthetic_data(30, seed=2)
    problem = nets.Regression(net, np.c_[X, np.cos(X)], y, weight_decay=1e-2)
    thetas = np.array([net.init(s) + 0.1 * s for s in range(3)])
    H = nets.one_hidden_layer_hessians(problem, thetas)
    for theta, h in zip(thetas, H):
        np.testing.assert_allclose(h, problem.hessian(theta), atol=1e-13)
    with pytest.raises(ValueError, match="one_hidden_layer_hessians needs"):
        nets.one_hidden_layer_hessians(nets.Regression(nets.MLP((1, 3, 3, 1)), X, y), np.zeros((1, 22)))
    with pytest.raises(ValueError, match="stack of shape"):
        nets.one_hidden_layer_hessians(problem, thetas[0])


def test_batched_search_finds_what_the_single_search_finds():
    """`find_critical_points` from a stack of starts reaches the same critical points as
    `find_critical_point` from each start alone."""
    problem = lesson.census_problem()
    net = problem.net
    starts = np.array([net.init(s) for s in range(4)])
    for _ in range(200):
        starts -= 0.3 * problem.grad(starts)
    batch = find_critical_points(problem, starts, nets.one_hidden_layer_hessians)
    for i, start in enumerate(starts):
        one = find_critical_point(problem, start)
        assert one.converged == batch.converged[i]
        if one.converged:
            np.testing.assert_allclose(batch.theta[i], one.theta, atol=1e-6)
            assert batch.minimum_ratio[i] == one.minimum_ratio
    assert batch.converged.sum() >= 3
    with pytest.raises(ValueError, match="stack of starts"):
        find_critical_points(problem, starts[0], nets.one_hidden_layer_hessians)


# ---------------------------------------------------------------------------------------
# Figures

def test_figures_draw(network, critical, found, ravine, ravine_runs):
    problem, gd = network
    _, point = critical
    bouncing, slow = ravine_runs
    with course_style():
        figures = [
            lesson.stall_figure(gd, label="GD (η = 0.7)"),
            lesson.bounce_figure(*bounce(problem, gd)[::2], point, eta=ETA),
            lesson.ravine_figure(ravine, bouncing, label="GD (η = 1e-2)"),
            lesson.census_figure(found, title="census"),
            lesson.one_rate_figure(ravine, {"GD (η = 1e-2)": (1e-2, bouncing), "GD (η = 1e-7)": (1e-7, slow)}),
        ]
    for fig in figures:
        assert not too_small(fig), too_small(fig)            # readable 900 px wide
        assert not raw_notation(fig), raw_notation(fig)      # σ_w^t only as mathtext
        plt.close(fig)


def test_census_scatter_keeps_every_ratio_in_0_1(found):
    """The scatter spreads equal ratios sideways, but a ratio is a share: never above 1 or
    below 0 (once 1.0 was drawn at 1.005 and 1.02)."""
    ratios = np.array([0.0, 0.0, 0.5, 0.9, 1.0, 1.0, 1.0] * 20)
    x = lesson.census_positions(ratios)
    assert np.all((0 <= x) & (x <= 1)) and np.all(np.abs(x - ratios) <= 0.018)
    assert np.ptp(x[ratios == 1.0]) > 0.005                      # still spread out
    fig = lesson.census_figure(found, title="census")
    drawn = np.concatenate([line.get_xdata() for line in fig.axes[0].get_lines()])
    assert drawn.size == len(found.loss)
    assert np.all((0 <= drawn) & (drawn <= 1))
    plt.close(fig)


def test_the_search_without_decay_drifts_to_larger_weights(network):
    """01 says: without weight decay, the search from the stall does not converge in its 100
    iterations; from iteration 25 on it creeps towards larger weights while ‖∇L‖ fades without
    vanishing. The notebook prints this table."""
    problem, gd = network
    rows = lesson.search_without_decay(problem, gd.endpoint)
    assert [r[0] for r in rows] == [0, 25, 50, 75, 100] and not any(r[4] for r in rows)
    norms, largest, grads = (np.array([r[k] for r in rows[1:]]) for k in (1, 2, 3))
    assert np.all(np.diff(norms) > 0) and np.all(np.diff(largest) > 0)
    assert np.all(np.diff(grads) < 0) and grads[-1] > 1e-6                   # fading, not vanishing
    assert rows[1][1] < rows[0][1]             # the first jump shrinks ‖θ‖: why the claim starts at 25
    text = lesson.drift_summary(rows)
    assert "converged (‖∇L‖ ≤ 1e-10): False" in text
    assert text.endswith("from iteration 25 to 100, ‖θ‖ and max |θᵢ| grew from every row to the next: True")


def _printed_rows(text):
    return [tuple(float(v) for v in line.split()) for line in text.splitlines()
            if line.strip() and line.split()[0].isdigit()]


@pytest.mark.parametrize("rows", [
    [(0, 5.0, 1.0, 0.1, False), (25, 4.0, 1.2, 0.01, False), (50, 4.5, 1.3, 0.005, False)],
    [(0, 5.0, 1.0, 0.1, False), (25, 4.0, 1.2, 0.01, False), (50, 4.5, 1.1, 0.005, False),
     (75, 4.6, 1.4, 0.004, False)],
    [(0, 5.0, 1.0, 0.1, False), (25, 5.5, 1.2, 0.01, False), (50, 5.4, 1.3, 0.005, False)],
])
def test_the_printed_drift_claim_is_true_of_the_printed_rows(rows):
    """The last line of `drift_summary` says which rows it speaks of, and is true of exactly those
    rows as printed (once it said "at every chunk: True" above a row where ‖θ‖ fell)."""
    text = lesson.drift_summary(rows)
    printed = _printed_rows(text)
    claim = text.splitlines()[-1]
    first, last = (int(v) for v in re.match(r"from iteration (\d+) to (\d+),", claim).groups())
    stretch = [r for r in printed if first <= r[0] <= last]
    assert [r[0] for r in stretch] == [r[0] for r in rows[1:]]
    truth = all(b[1] > a[1] and b[2] > a[2] for a, b in zip(stretch, stretch[1:]))
    assert claim.endswith(f": {truth}")


def test_notebook_prints_a_true_drift_claim_and_the_prose_matches_it():
    """01's printed claim holds for the rows it prints, and the prose claims no more than the
    100 iterations show (no "critical points at infinity" as a fact)."""
    (text,) = [t for t in notebook_text.outputs("01_critical_points").values()
               if "without weight decay, the search from the stall" in t]
    drift = text[text.index("without weight decay"):]
    printed = _printed_rows(drift)
    claim = [line for line in drift.splitlines() if line.startswith("from iteration")][0]
    first, last = (int(v) for v in re.match(r"from iteration (\d+) to (\d+),", claim).groups())
    stretch = [r for r in printed if first <= r[0] <= last]
    assert len(stretch) >= 3 and claim.endswith(": True")
    assert all(b[1] > a[1] and b[2] > a[2] for a, b in zip(stretch, stretch[1:]))
    prose = "\n".join(notebook_text.markdown("01_critical_points").values())
    assert f"in its {int(printed[-1][0])} iterations" in prose and f"From iteration {first} on" in prose
    assert "lies, if\nanywhere, at infinity" not in prose and "at infinity" not in prose
    assert "cannot tell" in prose


@pytest.mark.parametrize("name", ["00_index", "01_critical_points"])
def test_notebook_text_has_no_raw_notation(name):
    """Maths in markdown is in $…$ (00's map once wrote η^t = η/√(t+1) raw); printed text writes
    gᵗ, λₘₐₓ, θᵢ, not g^t, λ_max, θ_i."""
    assert notebook_text.raw_markdown(name) == []
    assert notebook_text.raw_output(name) == []


def test_printed_summaries_use_unicode_notation(network, ravine, ravine_runs):
    problem, gd = network
    lam, share, _, flips = bounce(problem, gd)
    texts = [lesson.bounce_summary(lam, share, flips, eta=ETA),
             lesson.ravine_summary(ravine, ravine_runs[0], 1e-2),
             lesson.one_rate_summary(ravine, {"GD": (1e-2, ravine_runs[0])}, closed_form),
             lesson.closed_form_reason(ravine, 1e-7, 100_000, closed_form),
             lesson.rate_table(ravine, [1e-3, 1e-2], closed_form)]
    for text in texts:
        assert "^" not in text and "λ_" not in text and "θ_" not in text, text
    assert "gᵗ · v_max" in texts[0] and "(1 − ηλ)ᴺ with N = 100,000" in texts[3]


# ---------------------------------------------------------------------------------------
# The panel

def test_panel_is_registered():
    assert widgets.PANELS["01 ravine"] is lesson.ravine_panel


@pytest.mark.parametrize("eta, steps", [(1e-8, 10), (1e-8, 5000), (1e-2, 300), (5e-3, 5000), (1e-1, 5000)])
def test_panel_draws_extreme_settings(eta, steps):
    panel = lesson.ravine_panel()
    panel.set(eta=eta, steps=steps)
    assert not panel.error and panel.image.value[:4] == b"\x89PNG"
    if eta == 1e-1:
        assert "diverged at step" in panel.message and "|1 − ηλ_max| > 1" in panel.message
    else:
        assert "distance to ★" in panel.message
    plt.close("all")


def test_panel_offers_the_100000_updates_of_section_5(ravine, ravine_runs):
    """The steps slider reaches section 5's run (η = 1e-7, 100,000 updates), drawn from about
    2,000 of its points with its ends where the run's are."""
    _, slow = ravine_runs
    panel = lesson.ravine_panel()
    assert panel.controls["steps"].max == 100_000
    panel.set(eta=1e-7, steps=100_000)
    assert not panel.error and f"(x, y) = ({slow.endpoint[0]:.3f}, {slow.endpoint[1]:+.3f})" in panel.message
    contour, loss_ax = panel.figure.axes[:2]
    drawn = max(contour.get_lines(), key=lambda line: len(line.get_xdata())).get_xydata()
    assert 1000 < len(drawn) <= 2001 and np.allclose(drawn[[0, -1]], slow.params[[0, -1]])
    loss = max(loss_ax.get_lines(), key=lambda line: len(line.get_xdata()))
    assert len(loss.get_xdata()) <= 2001 and loss.get_xdata()[-1] == 100_001
    panel.set(eta=1e-2, steps=100_000)                      # the band, thinned
    band = [patch for patch in contour.patches if len(patch.get_xy()) > 10]
    assert band and len(band[0].get_xy()) <= 2002
    plt.close("all")


def test_panel_status_reads_the_factors():
    panel = lesson.ravine_panel()
    assert "1 − ηλ_max = -0.9980" in panel.message and "distance to ★ 6.68" in panel.message
    panel.set(eta=1e-8)
    assert "1 − ηλ_min = 1 − 1e-09" in panel.message


# ---------------------------------------------------------------------------------------
# The panel's gradient noise: the controls, the path it draws, and the claims of its Try line

PANEL_SEEDS = range(widgets.MAX_SEED + 1)      # every seed the panel offers
TRY_STEPS = 10_000                             # the Try line's number of steps


def _ravine_noise(share):
    surface = surfaces.ravine()
    return share * float(np.linalg.norm(surface.grad(np.array(surface.start))))


def _drawn(panel):
    """The panel's path on the contour (thinned as drawn) and its loss and ‖g‖ lines."""
    path_line, loss_line, grad_line = panel._animated[3], panel._animated[-2], panel._animated[-1]
    return path_line.get_xydata(), loss_line.get_ydata(), grad_line.get_ydata()


def test_the_seed_is_enabled_only_with_noise():
    panel = lesson.ravine_panel()
    assert panel.controls["seed"].disabled and "exact gradient" in panel.controls["seed"].tooltip
    assert "noise" not in panel.message and [label for label, _ in panel.controls["noise"].options][:3] == \
        ["0%", "1%", "2%"]
    panel.set(noise=0.05, seed=4)
    assert not panel.controls["seed"].disabled and "seed" in panel.controls["seed"].tooltip
    assert panel.message.startswith("noise s = 7.99 (5% of ‖∇L(θ⁰)‖), seed 4: 1 − ηλ_min = 0.9990")
    assert "hovers at L − L* ≈" in panel.message and "last 75 steps" in panel.message
    assert "noise 5%" in panel.figure.axes[0].get_title()
    panel.set(noise=0.0)
    assert panel.controls["seed"].disabled and "noise" not in panel.message
    with pytest.raises(ValueError, match="Invalid seed: 3; the seed draws the gradient noise"):
        lesson.ravine_panel(seed=3)
    with pytest.raises(ValueError, match="Invalid noise: 2"):
        panel.set(noise=2)
    with pytest.raises(ValueError, match="Invalid seed: 21"):
        panel.set(seed=21)
    plt.close("all")


@pytest.mark.parametrize("noise, seed, steps", [(0.01, 0, 300), (0.05, 7, 10_000), (1.0, 20, 100_000)])
def test_the_panels_noisy_path_is_descends(ravine, noise, seed, steps):
    eta = 10 ** -2.5                       # no bounce (ηλ_max < 1): the path is drawn as a line
    panel = lesson.ravine_panel(eta=eta, steps=steps, noise=noise, seed=seed)
    path = descend(ravine, optim.GD(lr=eta), ravine.start, steps, noise=_ravine_noise(noise), seed=seed)
    keep = plots.thin(len(path.params), keep=2000)
    xy, loss, grad = _drawn(panel)
    np.testing.assert_array_equal(xy, path.params[keep])
    np.testing.assert_array_equal(loss, path.loss[keep])
    np.testing.assert_array_equal(grad, path.grad_norm[keep])
    tail, level = widgets.hovering(path.gap(ravine), steps // 4)
    assert f"GD hovers at L − L* ≈ {level:.3g} (median of its last {tail:,} steps)" in panel.message
    exact = descend(ravine, optim.GD(lr=eta), ravine.start, steps)
    assert not np.array_equal(xy, exact.params[keep])
    plt.close("all")


@pytest.mark.parametrize("eta, steps", [(10 ** -2.5, 300), (1e-7, 100_000)])
def test_noise_0_is_the_exact_panel(ravine, eta, steps):
    panel = lesson.ravine_panel(eta=eta, steps=steps)
    panel.set(noise=0.2, seed=5)
    panel.set(noise=0.0)                   # back to the exact gradient: the old panel's path and status
    path = descend(ravine, optim.GD(lr=eta), ravine.start, steps)
    keep = plots.thin(len(path.params), keep=2000)
    xy, loss, grad = _drawn(panel)
    np.testing.assert_array_equal(xy, path.params[keep])
    np.testing.assert_array_equal(grad, path.grad_norm[keep])
    x, y = path.endpoint
    assert f"(x, y) = ({x:.3f}, {y:+.3f}), distance to ★ {path.distance(ravine.minima[0]):.3g}" in panel.message
    plt.close("all")


def test_the_bouncing_band_and_divergence_with_noise():
    panel = lesson.ravine_panel(noise=0.05, seed=2)          # η = 10⁻²: drawn as a band
    band = panel._animated[0]
    assert len(band.get_xy()) > 10 and not panel.error
    panel.set(eta=0.1)
    assert panel.message.startswith("noise s = 7.99 (5% of ‖∇L(θ⁰)‖), seed 2: GD with η = 1.00e-01 diverged")
    plt.close("all")


def test_noisy_status_keeps_to_two_lines():
    from test_backrow import _wrapped_lines, mode
    with mode(True):
        panel = lesson.ravine_panel(noise=1.0, seed=20)
        for eta, steps in [(1e-8, 10), (1e-2, 300), (10 ** -2.3, 100_000), (0.1, 300)]:
            for noise in (0.01, 1.0):
                panel.set(eta=eta, steps=steps, noise=noise)
                assert panel.message.startswith("noise s = ") and not panel.error, panel.message
                assert _wrapped_lines(panel.message) <= 2, panel.message
    plt.close("all")


def p95_of_moves(panel, moves):
    """The 95th percentile of the CPU seconds `panel.set(**values)` takes, over `moves`."""
    import time
    times = []
    for values in moves:
        start = time.process_time()
        panel.set(**values)
        times.append(time.process_time() - start)
    plt.close("all")
    return np.percentile(times, 95)


def test_noisy_panel_moves_are_fast():
    moves = [dict(eta=0.01 * (1 - k / 100), noise=noise, seed=k % 5)
             for k, noise in enumerate([0.01, 0.02, 0.05, 0.1, 0.2] * 3)]
    assert p95_of_moves(lesson.ravine_panel(noise=0.01), moves) < 0.25   # the target is 0.1 s; a shared machine is noisy


def _hover(eta, share, steps=TRY_STEPS):
    """For each seed of the panel: where GD hovers (the panel's median L − L* over the last quarter)
    and the median of the noisy ‖g^t‖ it steps with over the same steps."""
    surface = surfaces.ravine()
    starts = np.array([surface.start] * len(PANEL_SEEDS))
    path = descend(surface, optim.GD(lr=eta), starts, steps, noise=_ravine_noise(share), seed=list(PANEL_SEEDS))
    tail = steps // 4
    return np.median(path.gap(surface)[-tail:], axis=0), np.median(path.grad_norm[-tail:], axis=0)


@pytest.mark.parametrize("small", [5e-3, 10 ** -2.3])       # the slider's stop nearest 5·10⁻³, and 5·10⁻³
def test_try_with_noise_the_bouncing_eta_hovers_far_higher(ravine, small):
    """01's Try line: at 10,000 steps, without noise η = 10⁻² ends lower than η = 5·10⁻³; with 1% noise
    it hovers more than ten times higher for every seed (its steep factor −0.998 keeps the noise fed
    into y; at 5·10⁻³ the steep factor is about 0). And the ‖g^t‖ that GD steps with scatters
    about √2·s, the size of the noise (median within 10%), while its loss is below 10⁻³ of the start's."""
    exact_big = descend(ravine, optim.GD(lr=1e-2), ravine.start, TRY_STEPS).gap(ravine)[-1]
    exact_small = descend(ravine, optim.GD(lr=small), ravine.start, TRY_STEPS).gap(ravine)[-1]
    assert exact_big < exact_small
    big, _ = _hover(1e-2, 0.01)
    low, grad = _hover(small, 0.01)
    assert np.all(big > 10 * low), big / low
    s = _ravine_noise(0.01)
    assert np.all(np.abs(grad / (np.sqrt(2) * s) - 1) < 0.1), grad / (np.sqrt(2) * s)
    assert np.all(low < 1e-3 * (ravine.loss(np.array(ravine.start)) - ravine.min_loss))


def test_try_line_is_in_the_notebook():
    text = " ".join(notebook_text.markdown("01_critical_points").values())
    assert "**Try, with noise:**" in text and "10,000 steps" in text and "1%" in text


# ---------------------------------------------------------------------------------------
# Exercise checks

def test_largest_stable_lr(ravine):
    check = lambda answer: lesson.largest_stable_lr(answer, ravine)  # noqa: E731
    assert check(2 / 199.8).ok and check(0.01).ok and check("0.01001").ok
    assert "Not answered yet" in check(None).message
    assert "should be a number" in check("abc").message
    assert not check(0.02).ok and "diverges" in check(0.02).message
    limit = 2 / 199.8
    for eta in (limit * 1.0001, 0.0102, limit * 1.02, 1.0, 10**400):      # the limit is one-sided
        assert not check(eta).ok and "That diverges: 2/λ_max = 0.01001" in check(eta).message, eta
    for eta in (0.0096, 0.0099, limit * 0.999999):
        assert check(eta).ok, eta
    assert lesson.largest_stable_lr(0.01).ok                       # the notebook's ravine is the default
    assert not check(20).ok and "2/λ_min" in check(20).message
    assert not check(1 / 199.8).ok and "stops overshooting" in check(1 / 199.8).message
    assert not check(1e-3).ok and "not the largest" in check(1e-3).message
    assert not check(-0.01).ok and "positive" in check(-0.01).message


def test_steps_to_halve(ravine):
    check = lambda answer: lesson.steps_to_halve(answer, ravine, eta=1e-2)  # noqa: E731
    assert check(693).ok and check(np.log(2) / -np.log(0.999)).ok
    assert "Not answered yet" in check(None).message
    assert not check(346).ok and "steep direction" in check(346).message
    assert not check(1000).ok and "factor e" in check(1000).message
    assert not check(100).ok and "too few" in check(100).message
    assert not check(5000).ok and "too many" in check(5000).message
    assert "0.1 is too few" in check(0.1).message                  # not "0 is too few"
    assert "ln 2" in check(0.693).message and not check(0.693).ok


def test_minimum_ratio_answer():
    H = lesson.exercise_hessian()
    np.testing.assert_allclose(np.linalg.eigvalsh(H), [-1, 0.5, 1, 5])
    assert np.all(np.diag(H) > 0)                                              # the trap: a positive diagonal
    check = lesson.minimum_ratio_answer
    for right in ((0.75, False), (3 / 4, False), [0.75, "no"], (0.75, "saddle"), (0.75, np.False_),
                  {"ratio": 0.75, "is_minimum": False}):
        assert check(right).ok and "saddle point" in check(right).message, right
    assert "Not answered yet" in check(None).message and "Not answered yet" in check((None, None)).message
    half = check(0.75)                                             # the ratio alone: ask for the other half
    assert not half.ok and "ratio 0.75 is right" in half.message and "local minimum" in half.message
    assert "second half" in check((0.75, None)).message
    fb = check((0.75, True))
    assert not fb.ok and "not a local minimum" in fb.message and "-1 is negative" in fb.message
    assert not check((0.75, 1)).ok and "True or False" in check((0.75, 1)).message
    assert "swapped" in check((False, 0.75)).message
    assert not check(0.25).ok and "negative" in check(0.25).message
    assert not check(1).ok and "diagonal" in check(1).message
    assert not check(1.5).ok and "between 0 and 1" in check(1.5).message
    assert not check(0.5).ok and "eigvalsh" in check(0.5).message
    assert check((1.0, True), np.diag([1.0, 2.0])).ok
    assert "local minimum" in check((1.0, True), np.diag([1.0, 2.0])).message
    assert not check((1.0, False), np.diag([1.0, 2.0])).ok


