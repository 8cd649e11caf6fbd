"""09 summary: the notebook's claims on the library level, the composer panel and the checks."""

import pathlib
import re

import numpy as np
import pytest

from rugged import compose, descend, optim, schedules, surfaces, tuning, widgets
from rugged.compose import Composed
from rugged.lessons import summary as lesson

from teaching import definitions

statistics = definitions("09_summary")["statistics"]      # 09's teaching cell


def test_the_teaching_cell_is_the_only_copy():
    assert callable(statistics) and not hasattr(lesson, "statistics") and not hasattr(lesson, "sign_symmetry")


def test_statistics_are_what_adams_steps_use():
    """θ^t − θ^{t+1} = η·m̂^t/σ^t for the composer's Adam (ε = 0) fed the same gradients."""
    g = np.random.default_rng(2).normal(size=(30, 2))
    m_hat, sigma = statistics(g)
    adam = Composed(0.1, momentum=0.9, sigma="adam", bias_correction=True, eps=0.0)
    theta = np.zeros(2)
    for t, gt in enumerate(g):
        new = adam.step(theta, gt)
        np.testing.assert_allclose(theta - new, 0.1 * m_hat[t] / sigma[t], rtol=1e-12)
        theta = new


# --- 1. one ingredient at a time -------------------------------------------------------

@pytest.fixture(scope="module")
def build_up():
    surface = surfaces.rosenbrock()
    adam = Composed(0.5, momentum=0.9, sigma="adam", bias_correction=True)
    recipes = [(Composed(1e-3), None), (Composed(1e-2, momentum=0.9), None), (adam, None),
               (adam, schedules.WarmupCosine(100, 1000))]
    return surface, lesson.run_recipes(surface, recipes, steps=1000)


def test_each_ingredient_brings_rosenbrock_closer(build_up):
    surface, runs = build_up
    gap = {name: path.loss[-1] - surface.min_loss for name, path in runs.items()}
    assert list(gap) == ["SGD (plain gradient descent)", "SGD with momentum (EMA form)", "Adam",
                         "Adam + warmup + cosine decay"]
    assert gap["SGD (plain gradient descent)"] > 1
    assert gap["SGD with momentum (EMA form)"] < 1e-3
    assert gap["Adam"] < 1e-6
    assert gap["Adam + warmup + cosine decay"] < gap["Adam"] / 100
    goal = surface.min_loss + 1e-3 * (runs["Adam"].loss[0] - surface.min_loss)
    assert runs["Adam + warmup + cosine decay"].steps_to(goal) < runs["Adam"].steps_to(goal) / 1.5
    assert "— (not within 1000 steps)" in lesson.describe_runs(surface, runs)


def test_gd_at_three_times_the_lr_diverges_on_rosenbrock():
    surface = surfaces.rosenbrock()
    assert descend(surface, optim.GD(3e-3), surface.start, 100).diverged_at is not None


def test_the_momentum_of_the_build_up_is_torchs_sgd_at_the_gds_lr():
    assert compose.match(Composed(1e-2, momentum=0.9)).optimizer.lr == pytest.approx(1e-3)


def test_the_dampening_identities_hold():
    identity, gap, scaled = lesson.dampening_gap()
    assert identity < 1e-12 and scaled < 1e-12 and gap > 0.1
    assert lesson.describe_dampening().count("holds to 1e-12") == 2


# --- 2. momentum and σ don't cancel -----------------------------------------------------

def test_momentum_cancels_the_flipping_component_and_sigma_does_not():
    g = lesson.zigzag_gradients()
    steep = g @ lesson.STEEP
    assert np.all(np.sign(steep[1:]) != np.sign(steep[:-1])), "GD's steep component flips every step"
    stats = lesson.direction_statistics(g, statistics)
    ratio = {d: np.mean(np.abs(stats[d]["ratio"][5:])) for d in stats}
    assert ratio["steep"] < 0.05 and ratio["flat"] > 0.3 and ratio["flat"] / ratio["steep"] > 10
    assert np.all(stats["steep"]["sigma"][5:] > 4 * np.abs(stats["steep"]["g"][5:]).mean())
    table = lesson.describe_statistics(stats).splitlines()
    assert table[0].split()[-4:] == ["|g|", "|m_hat|", "σ", "|m_hat/σ|"] and "\u0302" not in "".join(table)
    assert [len(line) for line in table] == [len(table[0])] * 3         # headers end where the numbers end
    (m, sigma), (m_neg, sigma_neg) = statistics(g), statistics(-g)     # σ ignores the sign, m flips with it
    assert np.max(np.abs(sigma_neg - sigma)) == 0.0 and np.max(np.abs(m_neg + m)) == 0.0


def test_zigzag_paths():
    surface, runs = lesson.zigzag_runs()
    count = {label: lesson.reversals(path) for label, path in runs.items()}
    assert count["GD"] == 30
    assert count["momentum only"] <= 5
    assert count["σ only"] >= 25
    assert count["momentum + σ"] <= 6
    goal = 1e-3 * runs["GD"].loss[0]
    assert runs["σ only"].steps_to(goal) is None
    assert runs["momentum + σ"].steps_to(goal) is not None
    assert runs["GD"].steps_to(goal) < runs["momentum only"].steps_to(goal)   # the honest note
    half = descend(surface, Composed(0.5, sigma="adam"), surface.start, 100)
    assert lesson.reversals(half) == 0 and half.steps_to(goal) < 30
    # … but it does not stay: the loss bursts back above the goal (the table's "stays" is —)
    assert tuning.settle_steps(half, goal) is None
    assert half.loss[half.steps_to(goal):].max() > 10 * goal
    names = {label: compose.match(opt).name for label, opt in lesson.zigzag_variants().items()}
    assert names["momentum + σ"] == "Adam" and names["GD"].startswith("SGD")


def test_zigzag_table_uses_the_race_definition():
    """§2's steps are the race's (reach the goal and stay), so §2 and §4 can be compared: GD is
    the fastest in both."""
    surface, runs = lesson.zigzag_runs()
    goal = tuning.goal_fraction(surface, tuning.DEFAULT_TOLERANCE)
    settle = {label: tuning.settle_steps(path, goal) for label, path in runs.items()}
    assert settle["GD"] < settle["momentum only"] and settle["GD"] < settle["momentum + σ"]
    assert settle["σ only"] is None
    rows = lesson.describe_zigzag(surface, runs).splitlines()
    gd = next(row for row in rows if row.startswith("GD "))
    assert gd.split()[-1] == str(settle["GD"]) and gd.split()[-2] == str(runs["GD"].steps_to(goal))
    half = next(row for row in rows if row.startswith("σ only, η/2"))
    assert half.split()[-1] == "—" and half.split()[-2] != "—"
    assert max(len(row) for row in rows) <= 110


# --- 3. the torch table -------------------------------------------------------------------

def test_every_composable_row_of_the_table_is_exact():
    errors = lesson.verify_table()
    assert set(errors) == {"SGD", "SGD(momentum=μ)", "Adagrad", "RMSprop", "Adam"}
    assert all(err <= 1e-12 for _, err in errors.values())
    assert "DIFFERENT" not in lesson.describe_verification(errors)
    table = lesson.torch_table()
    for name in ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "RAdam", "NAdam", "nesterov"):
        assert name in table
    assert max(len(line) for line in table.splitlines()) <= 110


def test_torch_table_uses_notebook_07s_notation_in_unicode():
    """t from 0 with superscripts, as 07 writes ρ^t and r^t: ρᵗ, rᵗ, β₁ᵗ⁺¹; no carets, no m_i^t."""
    table = lesson.torch_table()
    for symbol in ("mᵢᵗ", "σᵢᵗ", "ηᵗ", "ρᵗ ≤ 5", "η·rᵗ once ρᵗ > 5", "μᵗ", "1 − β₁ᵗ⁺¹", "1 − β₂ᵗ⁺¹", "b⁰ = g⁰"):
        assert symbol in table
    options = lesson.adam_options()
    assert "1 − β₁ᵗ⁺¹" in options and "1 − β₂ᵗ⁺¹" in options
    for text in (table, options, lesson.describe_dampening(), lesson.describe_names([(None, False, "none", None)])):
        assert "^" not in text and "ρ_t" not in text and "β1" not in text and "EMA_" not in text


def test_the_slides_markdown_torch_table_has_the_printed_tables_cells():
    """The table rendered on the slide and the printed one: the same rows and cells in the same
    order, with the characters Markdown would read as markup (_, |, *) escaped."""
    printed = [re.split(r"\s{2,}", line) for line in lesson.torch_table().splitlines() if not line.startswith("─")]
    markdown = lesson.torch_table_markdown()
    lines = markdown.splitlines()
    assert lines[1] == "|---|---|---|---|"
    rendered = [[re.sub(r"\\(.)", r"\1", c.strip()) for c in re.split(r"(?<!\\)\|", line)[1:-1]]
                for line in lines[:1] + lines[2:]]
    assert rendered == printed and len(rendered) == 1 + len(lesson.TORCH_TABLE)
    assert "lr\\_decay" in markdown and "lr_decay" not in markdown


# --- 4. the race ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def race():
    return lesson.run_race()


def test_race_covers_every_surface_and_optimizer(race):
    assert list(race) == list(surfaces.all_surfaces())
    for surface, tuned in race.values():
        assert list(tuned) == list(lesson.RACE_OPTIMIZERS)
        for t in tuned.values():                  # each at its own η, tuned on a fine grid
            assert t.n_starts == tuning.STARTS and t.budget == tuning.BUDGET.get(surface.name,
                                                                                 tuning.DEFAULT_BUDGET)
            assert not t.at_edge
            i = t.best
            assert np.log10(t.etas[i + 1] / t.etas[i]) <= 1 / tuning.FINE + 1e-9
            assert np.log10(t.etas[i] / t.etas[i - 1]) <= 1 / tuning.FINE + 1e-9


def test_race_claims(race):
    """What the text after the steps table says."""
    assert lesson.fastest(race, "zigzag") == ["GD"]          # as in §2
    assert lesson.fastest(race, "ravine") == ["Adagrad"]
    steps = lesson.race_steps(race)
    assert steps["ravine"]["Adagrad"] * 3 < min(n for k, n in steps["ravine"].items() if n and k != "Adagrad")
    assert lesson.fastest(race, "pokemon") == ["Adam"]
    reached = {k for k, n in steps["pokemon"].items() if n is not None}
    assert reached and reached <= {"Adagrad", "RMSprop", "Adam", "RAdam", "NAdam"}    # all with a σ
    assert lesson.fastest(race, "rosenbrock") == ["Momentum"]
    rosenbrock = race["rosenbrock"][1]
    assert rosenbrock["Adam"].best_steps > 1.5 * rosenbrock["Momentum"].best_steps          # ahead of Adam
    assert sum(t.n_starts / 2 < t.best_reached < t.n_starts for t in rosenbrock.values()) >= 2  # most, not all
    assert sorted(lesson.fastest(race, "saddle")) == ["Adagrad", "GD"]                   # a tie …
    saddle = race["saddle"][1]
    assert abs(saddle["Adagrad"].best_steps - saddle["GD"].best_steps) <= 1              # … within a step
    assert lesson.fastest(race, "plateau_cliff") == ["Adagrad"]
    plateau = race["plateau_cliff"][1]
    assert 3 * plateau["Adagrad"].best_steps < min(t.best_steps for n, t in plateau.items()
                                                   if t.ranked and n != "Adagrad")          # by far
    assert lesson.fastest(race, "rugged") == [] and all(v is None for v in steps["rugged"].values())
    rugged = race["rugged"][1]
    assert sum(t.best_reached == 0 for t in rugged.values()) > len(rugged) / 2             # most get none
    count = {label: sum(steps[s][label] is not None for s in steps) for label in lesson.RACE_OPTIMIZERS}
    assert sorted(n for n, c in count.items() if c == min(count.values())) == ["GD", "RAdam"]
    assert all(steps[s]["GD"] is None for s in ("pokemon", "ravine", "rosenbrock"))
    for name in ("pokemon", "rosenbrock"):       # RAdam's momentum-SGD start forces a tiny η
        tuned = race[name][1]
        assert tuned["RAdam"].best_eta < tuned["Adam"].best_eta / 10


def test_sensitivity_claims(race):
    """Adam: within twice its best steps over a factor ≥ 10 of η on most surfaces it reaches;
    GD: never more than a factor 3; momentum: forgiving on the zig-zag and the saddle only."""
    factor = {name: {label: lesson.band_factor(t) for label, t in tuned.items()}
              for name, (_, tuned) in race.items()}
    adam = [f["Adam"] for f in factor.values() if f["Adam"] is not None]
    assert sum(f >= 10 for f in adam) > len(adam) / 2
    assert max(f["GD"] for f in factor.values() if f["GD"] is not None) < 3
    assert factor["zigzag"]["Momentum"] >= 10 and factor["saddle"]["Momentum"] >= 10
    assert factor["rosenbrock"]["Momentum"] < 3
    zigzag = race["zigzag"][1]["GD"]               # GD's best η on the zig-zag is next to divergence
    above = zigzag.etas[zigzag.best + 1]
    assert zigzag.lost[zigzag.best + 1] == zigzag.n_starts and above / zigzag.best_eta < 1.2


def test_rugged_bowl_ends_in_local_minima(race):
    surface = race["rugged"][0]
    gaps = lesson.final_gaps(race, "rugged")
    goal = tuning.goal_fraction(surface, tuning.DEFAULT_TOLERANCE) - surface.min_loss
    assert min(gaps.values()) > 10 * goal
    assert "lowest median L − L* at the end" in lesson.describe_rugged(race)


def test_race_figures(race):
    import figure_checks
    for name in ("zigzag", "ravine"):
        fig = lesson.race_figure(race, name)
        assert fig.get_figwidth() <= 9.5
        assert figure_checks.too_small(fig) == [] and figure_checks.raw_notation(fig) == []
        drawn = [line.get_label() for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")]
        shown = {"GD", "Adam", *lesson.fastest(race, name)}
        assert sorted(drawn) == sorted(race[name][1][n].label for n in shown)   # a few paths, not seven
        assert len(fig.axes[1].get_lines()) == len(lesson.RACE_OPTIMIZERS)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "leaves the window" in labels           # Adagrad's first step on the ravine


def test_tables_print_every_cell(race):
    steps = lesson.steps_table(race)
    assert "—" in steps and "fastest" in steps and "ranked on" in steps
    for name, (_, tuned) in race.items():
        row = next(line for line in steps.splitlines() if line.startswith(name + " "))
        cells = row.split()
        for t in tuned.values():                   # every score beside its reached/starts
            score = "—" if t.best_steps is None else str(t.best_steps)
            assert f"{score} {t.best_reached}/{t.n_starts}" in row
            assert score in cells
        names = lesson.fastest(race, name)
        assert row.endswith("none" if not names else " = ".join(names))
    saddle = next(line for line in steps.splitlines() if line.startswith("saddle "))
    assert saddle.endswith("Adagrad = GD") and "(A = B)" in steps
    assert max(len(line) for line in steps.splitlines()) <= 110
    assert len(lesson.eta_table(race).splitlines()) == 3 + len(race)
    assert f"{race['zigzag'][1]['GD'].best_eta:.3g}" in lesson.eta_table(race)
    assert "×" in lesson.sensitivity_table(race)
    for table in (steps, lesson.eta_table(race), lesson.sensitivity_table(race)):
        assert max(len(line) for line in table.splitlines()) <= 100


# --- the panel ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def panel():
    return lesson.composer_panel()


def test_panel_is_registered():
    assert widgets.PANELS["09 composer"] is lesson.composer_panel


def test_composer_title_and_labels_have_no_caret_notation(panel):
    title = panel.widget.children[0].value
    assert "θᵗ⁺¹" in title and "^" not in title and "_" not in title
    labels = [ax.get_ylabel() for ax in panel.figure.axes] + [ax.get_xlabel() for ax in panel.figure.axes]
    for label in labels:
        plain = re.sub(r"\$.*?\$", "", label)
        assert "^" not in plain and "_" not in plain, label


def test_panel_starts_where_the_static_figure_ends(panel):
    assert not panel.error
    assert panel.message.startswith("Adam + warmup + cosine decay")
    assert panel.image.value[:4] == b"\x89PNG"


@pytest.mark.parametrize("surface", list(surfaces.all_surfaces()))
def test_panel_draws_every_setting_at_the_extremes(panel, surface):
    for momentum in ("off", "ema", "corrected"):
        for _, sigma in lesson.SIGMA_OPTIONS:
            for _, schedule in lesson.SCHEDULE_OPTIONS[::3]:
                for eta in (1e-7, 1e2):
                    panel.set(surface=surface, momentum=momentum, beta1=0.99, sigma=sigma,
                              schedule=schedule, eta=eta)
                    assert not panel.error, panel.message
                    assert panel.message
    panel.set(surface="rosenbrock", momentum="corrected", beta1=0.9, sigma=("adam", "torch"),
              schedule="warmup_cosine", eta=0.5)


def test_panel_reports_divergence_and_names(panel):
    panel.set(surface="pokemon", momentum="off", sigma=("none", "torch"), schedule="constant", eta=1e-2)
    assert "diverged at step" in panel.message and not panel.error
    panel.set(surface="zigzag", momentum="off", sigma=("adagrad", "lecture"), schedule="decay", eta=1.0)
    assert panel.message.startswith("Adagrad (= the lecture's mean form")
    panel.set(surface="zigzag", momentum="ema", sigma=("rmsprop", "torch"), schedule="warmup", eta=0.1)
    assert "no named optimizer" in panel.message and "+ warmup" in panel.message
    panel.set(surface="rosenbrock", momentum="corrected", beta1=0.9, sigma=("adam", "torch"),
              schedule="warmup_cosine", eta=0.5)


def test_panel_keeps_one_background_per_surface(panel):
    for name in surfaces.all_surfaces():
        panel.set(surface=name)
    assert set(panel._backgrounds) == set(surfaces.all_surfaces())
    panel.set(surface="rosenbrock")


def test_make_schedule_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="schedule"):
        lesson.make_schedule("step", 100)


# --- the panel's minibatch noise (Pokémon only) ------------------------------------------------

def drawn_path(panel):
    """The path line on the panel's contour (the longest line there) and the loss curve, as arrays."""
    contour, loss_ax = panel.figure.axes[0], panel.figure.axes[1]
    path = max(contour.get_lines(), key=lambda line: len(line.get_xdata())).get_xydata()
    loss = max(loss_ax.get_lines(), key=lambda line: len(line.get_xdata())).get_ydata()
    return path, loss


def composer_run(surface, batch_size=None, seed=None, momentum="corrected", sigma=("adam", "torch"),
                 schedule="warmup_cosine", eta=0.5, beta1=0.9):
    """The run the panel makes for these settings, through `descend` directly."""
    steps = lesson.panel_steps(surface.name)
    return descend(surface, lesson.composed_from(momentum, beta1, sigma, eta), surface.start, steps,
                   schedule=lesson.make_schedule(schedule, steps), batch_size=batch_size, seed=seed)


DEFAULTS = dict(surface="rosenbrock", momentum="corrected", beta1=0.9, sigma=("adam", "torch"),
                schedule="warmup_cosine", eta=0.5, batch=10, seed=0)


def test_noise_controls_are_disabled_off_pokemon_and_say_why(panel):
    """Batch size and seed act on the Pokémon surface only: elsewhere both are disabled, their
    tooltips and the status line say why; on Pokémon the batch size is enabled, and the seed too
    below batch size 10."""
    batch, seed = panel.controls["batch"], panel.controls["seed"]
    for name in surfaces.all_surfaces():
        panel.set(**{**DEFAULTS, "surface": name})
        assert not panel.error, panel.message
        if name == "pokemon":
            assert not batch.disabled and seed.disabled
            assert lesson.NO_EXAMPLES not in panel.message and "10 Pokémon" in seed.tooltip
            continue
        assert batch.disabled and seed.disabled, name
        assert panel.message.endswith(" · " + lesson.NO_EXAMPLES), panel.message
        assert "Pokémon" in batch.tooltip and "Pokémon" in seed.tooltip
    panel.set(surface="pokemon", batch=3, seed=2)
    assert not batch.disabled and not seed.disabled
    assert panel.message.startswith("minibatches of 3 (seed 2): Adam + warmup + cosine decay")
    assert "median of the last 100: " in panel.message
    assert "batch 3, seed 2" in panel.figure.texts[0].get_text()
    # Kept from Pokémon, a batch size of 3 is shown disabled on another surface, whose run stays exact.
    panel.set(surface="ravine")
    assert batch.disabled and seed.disabled and batch.value == 3
    assert panel.message.endswith(lesson.NO_EXAMPLES) and "minibatches" not in panel.message
    ravine = surfaces.ravine()
    path, _ = drawn_path(panel)
    np.testing.assert_array_equal(path, composer_run(ravine).params)
    panel.set(**DEFAULTS)


def test_panel_at_batch_size_10_is_the_full_batch_run(panel):
    pokemon = surfaces.pokemon()
    for sigma, eta in ((("adam", "torch"), 3.0), (("adagrad", "lecture"), 1.0)):
        panel.set(**{**DEFAULTS, "surface": "pokemon", "sigma": sigma, "eta": eta, "batch": 10})
        exact = composer_run(pokemon, sigma=sigma, eta=eta)
        path, loss = drawn_path(panel)
        np.testing.assert_array_equal(path, exact.params)
        np.testing.assert_array_equal(loss, exact.gap(pokemon))
        assert panel.message.endswith(f"L − L* = {exact.loss[-1] - pokemon.min_loss:.3g}")
        assert not panel.message.startswith("minibatches")
    panel.set(**DEFAULTS)


@pytest.mark.parametrize("batch_size, seed", [(1, 0), (2, 7), (5, 20), (9, 3)])
def test_panel_minibatch_path_is_descends(panel, batch_size, seed):
    """Below batch size 10 the panel's path and loss curve are `descend(batch_size=, seed=)`'s,
    and its status gives that run's last and median-of-the-tail L − L*."""
    pokemon = surfaces.pokemon()
    panel.set(**{**DEFAULTS, "surface": "pokemon", "eta": 3.0, "batch": batch_size, "seed": seed})
    noisy = composer_run(pokemon, batch_size=batch_size, seed=seed, eta=3.0)
    path, loss = drawn_path(panel)
    np.testing.assert_array_equal(path, noisy.params)
    np.testing.assert_array_equal(loss, noisy.gap(pokemon))
    gap = noisy.loss - pokemon.min_loss
    assert panel.message.startswith(f"minibatches of {batch_size} (seed {seed}): ")
    assert panel.message.endswith(f"L − L* = {gap[-1]:.3g}, median of the last 100: {np.median(gap[-100:]):.3g}")
    assert not np.array_equal(path, composer_run(pokemon, eta=3.0).params)
    panel.set(**DEFAULTS)


def test_changing_the_seed_changes_the_path(panel):
    panel.set(**{**DEFAULTS, "surface": "pokemon", "eta": 3.0, "batch": 2, "seed": 0})
    first, _ = drawn_path(panel)
    panel.set(seed=1)
    second, _ = drawn_path(panel)
    assert first.shape == second.shape and not np.array_equal(first, second)
    panel.set(seed=0)
    np.testing.assert_array_equal(drawn_path(panel)[0], first)          # and the same seed, the same path
    panel.set(**DEFAULTS)


@pytest.mark.parametrize("arguments, match", [
    (dict(surface="pokemon", batch_size=0), "batch size: 0"),
    (dict(surface="pokemon", batch_size=11), "batch size: 11"),
    (dict(surface="pokemon", batch_size=2.5), "batch size: 2.5"),
    (dict(surface="pokemon", batch_size=2, seed=-1), "seed: -1"),
    (dict(surface="pokemon", batch_size=2, seed=21), "seed: 21"),
    (dict(surface="rosenbrock", batch_size=3), "only 'pokemon'"),
    (dict(surface="pokemon", seed=4), "needs a batch size below 10"),
    (dict(surface="zigzag", seed=4), "needs a batch size below 10"),
])
def test_bad_noise_settings_are_a_clear_value_error(arguments, match):
    with pytest.raises(ValueError, match=match):
        lesson.composer_panel(**arguments)


def test_panel_set_refuses_noise_values_out_of_range(panel):
    for values in (dict(batch=0), dict(batch=11), dict(seed=-1), dict(seed=21), dict(batch=1.5)):
        with pytest.raises(ValueError):
            panel.set(**values)
    with pytest.raises(TypeError):
        panel.set(batch="3")
    assert panel.values["batch"] == 10 and panel.values["seed"] == 0


def test_the_noise_notes_claims():
    """What 09's notes say of noise in the composer, on the Pokémon surface over the seed slider's 21
    seeds: Adam with η = 10 and a constant schedule ends at L* with batch size 10; with batch size 1
    it hovers far above (median L − L* of the last 100 steps) because its steps per unit η,
    m̂/σ, keep their length instead of shrinking to nothing; warmup + cosine settles closer for
    every seed, by a factor above 10 for most, though not as close as with the exact gradient; plain
    GD at batch size 1 stays far from L* at every η of the slider (or diverges), for every seed."""
    pokemon = surfaces.pokemon()
    adam = dict(momentum="corrected", sigma=("adam", "torch"), eta=10.0)

    def tail(path):
        return np.median(path.loss[-100:] - pokemon.min_loss)

    def step_per_eta(path):
        return np.abs(np.diff(path.params, axis=0)[-100:] / path.lr[-100:, None]).max()

    exact = composer_run(pokemon, schedule="constant", **adam)
    assert exact.loss[-1] - pokemon.min_loss < 1e-6 and step_per_eta(exact) < 1e-9
    exact_cosine = tail(composer_run(pokemon, **adam))
    ratios = []
    for seed in range(widgets.MAX_SEED + 1):
        constant = composer_run(pokemon, batch_size=1, seed=seed, schedule="constant", **adam)
        cosine = composer_run(pokemon, batch_size=1, seed=seed, **adam)
        assert constant.diverged_at is None and tail(constant) > 1e4, seed
        assert step_per_eta(constant) > 1e-3, seed
        assert exact_cosine < tail(cosine) < tail(constant), seed
        ratios.append(tail(constant) / tail(cosine))
    assert np.median(ratios) > 10
    for eta in 10.0 ** np.arange(-7, 2.01, 0.1):
        for seed in range(widgets.MAX_SEED + 1):
            gd = composer_run(pokemon, batch_size=1, seed=seed, momentum="off", sigma=("none", "torch"),
                              schedule="constant", eta=eta)
            assert gd.diverged_at is not None or tail(gd) > 1e4, (eta, seed)


# --- exercises ------------------------------------------------------------------------------

def test_adam_ingredients_check():
    assert "Not answered" in lesson.check_adam_ingredients(None).message
    assert lesson.check_adam_ingredients("D").ok
    assert lesson.check_adam_ingredients(" d ").ok
    assert "letters" in lesson.check_adam_ingredients("F").message
    assert "no momentum" in lesson.check_adam_ingredients("E").message
    assert "no momentum" in lesson.check_adam_ingredients("A").message
    assert "σ = 1" in lesson.check_adam_ingredients("C").message
    assert "start at 0" in lesson.check_adam_ingredients("B").message
    assert all(not lesson.check_adam_ingredients(k).ok for k in "ABCE")


def test_zigzag_ingredient_check():
    assert "Not answered" in lesson.check_zigzag_ingredient(None).message
    good = lesson.check_zigzag_ingredient("momentum")
    assert good.ok and "reversals" in good.message
    assert lesson.check_zigzag_ingredient("m").ok
    sigma = lesson.check_zigzag_ingredient("σ")
    assert not sigma.ok and "+g and −g" in sigma.message and "29" in sigma.message
    schedule = lesson.check_zigzag_ingredient("schedule")
    assert not schedule.ok and "same ηᵗ" in schedule.message
    assert "Answer 'momentum'" in lesson.check_zigzag_ingredient("adam").message
    for right in ("Momentum", "the momentum", "heavy ball", "m^t", "mᵗ"):
        assert lesson.check_zigzag_ingredient(right).ok, right
    assert not lesson.check_zigzag_ingredient("η^t").ok and not lesson.check_zigzag_ingredient("sigma").ok


def test_name_the_optimizer_check():
    assert "Not answered" in lesson.check_name_the_optimizer(None).message
    for right in ("Adagrad", "torch.optim.Adagrad", " adagrad ", "optim.Adagrad", "Adagrad (torch)",
                  "torch's Adagrad", "Adagrad()", "ADAGRAD", "AdaGrad", optim.Adagrad):
        assert lesson.check_name_the_optimizer(right).ok, right
    lecture = lesson.check_name_the_optimizer("LectureAdagrad")
    assert not lecture.ok and "constant η" in lecture.message
    assert not lesson.check_name_the_optimizer("lecture adagrad").ok
    assert not lesson.check_name_the_optimizer("Adagrad (lecture)").ok
    assert "forgets" in lesson.check_name_the_optimizer("RMSprop").message
    assert "σ = 1" in lesson.check_name_the_optimizer("SGD").message
    assert "There is one" in lesson.check_name_the_optimizer("no named optimizer").message
    assert "simplify" in lesson.check_name_the_optimizer("Newton").message


# --- 05 and 09 agree -------------------------------------------------------------------------

def test_the_race_of_05_is_the_race_of_09(race):
    """One definition: the racers 05 and 09 share get the same η and score on the same surface, and
    05's winners among its four are 09's winners restricted to those four."""
    from rugged.lessons import adam
    same = {"SGD": "GD", "Momentum": "Momentum", "RMSprop": "RMSprop", "Adam": "Adam"}
    for name, four in (("saddle", adam.saddle_race()), ("rosenbrock", adam.valley_race())):
        seven = race[name][1]
        for a, b in same.items():
            assert four[a].best_eta == seven[b].best_eta and four[a].best_steps == seven[b].best_steps
            assert four[a].best_reached == seven[b].best_reached
        assert [same[n] for n in tuning.winners(four)] == tuning.winners({same[n]: seven[same[n]] for n in four})
    assert "GD" in lesson.fastest(race, "saddle")


# --- the notebook's text ----------------------------------------------------------------------

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "09_summary.ipynb"


def test_notebook_text_has_no_raw_caret_notation():
    """Maths in markdown is in $…$ (headings and exercise questions too); printed tables write
    ρᵗ, β₁ᵗ⁺¹, not ρ_t, β1^{t+1}."""
    import notebook_text
    assert notebook_text.raw_markdown(NOTEBOOK) == []
    assert notebook_text.raw_output(NOTEBOOK) == []


def test_torch_versions_quoted_are_the_recorded_one():
    import notebook_text
    from rugged.lessons import adam
    recorded = ".".join(str(adam.torch_version()).split(".")[:2])
    assert notebook_text.torch_versions(NOTEBOOK) <= {recorded}
