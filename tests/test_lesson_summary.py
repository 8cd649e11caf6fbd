"""07 summary: the notebook's claims on the library level, the composer panel and the checks."""

import numpy as np
import pytest

from rugged import descend, optim, schedules, surfaces, widgets
from rugged.compose import Composed
from rugged.lessons import summary as lesson


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
    assert Composed(1e-2, momentum=0.9).match().optimizer.lr == pytest.approx(1e-3)


def test_the_dampening_identities_hold():
    identity, gap, scaled = lesson.dampening_gap()
    assert identity < 1e-12 and scaled < 1e-12 and gap > 0.1
    assert lesson.describe_dampening().count("holds to 1e-12") == 2


# --- 2. momentum and σ don't cancel -----------------------------------------------------

def test_momentum_cancels_the_flipping_component_and_sigma_does_not():
    g = lesson.zigzag_gradients()
    steep = g @ lesson.STEEP
    assert np.all(np.sign(steep[1:]) != np.sign(steep[:-1])), "GD's steep component flips every step"
    stats = lesson.direction_statistics(g)
    ratio = {d: np.mean(np.abs(stats[d]["ratio"][5:])) for d in stats}
    assert ratio["steep"] < 0.05 and ratio["flat"] > 0.3 and ratio["flat"] / ratio["steep"] > 10
    assert np.all(stats["steep"]["sigma"][5:] > 4 * np.abs(stats["steep"]["g"][5:]).mean())
    assert lesson.sign_symmetry(g) == (0.0, 0.0)


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
    names = {label: opt.known_name() for label, opt in lesson.zigzag_variants().items()}
    assert names["momentum + σ"] == "Adam" and names["GD"].startswith("SGD")


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


# --- 4. the race ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def race():
    results = lesson.run_race()
    return results, lesson.race_steps(results)


def test_race_covers_every_surface_and_optimizer(race):
    results, steps = race
    assert list(results) == list(surfaces.all_surfaces())
    assert all(set(paths) == set(lesson.RACE_OPTIMIZERS) for _, paths in results.values())
    assert set(lesson.ETA) == set(results)


def test_race_claims(race):
    results, steps = race
    reached = {label: sum(steps[s][label] is not None for s in steps) for label in lesson.RACE_OPTIMIZERS}
    assert reached["Adam"] == reached["NAdam"] == 6
    assert reached["GD"] == reached["RAdam"] == 3
    assert all(v is None for v in steps["rugged"].values())

    def fastest(surface):
        row = {k: v for k, v in steps[surface].items() if v is not None}
        return {k for k, v in row.items() if v == min(row.values())}
    assert fastest("pokemon") == {"Adam"}
    assert fastest("saddle") == {"GD"}
    assert fastest("rosenbrock") == {"Momentum"}
    assert fastest("ravine") <= {"Adagrad", "RMSprop", "Adam", "NAdam"}
    assert fastest("plateau_cliff") <= {"Adagrad", "RMSprop", "Adam", "NAdam"}
    assert fastest("zigzag") <= {"Adagrad", "RMSprop", "Adam", "NAdam"}
    # RAdam's momentum-SGD start forces a tiny η where gradients are large
    assert lesson.ETA["pokemon"]["RAdam"] < 1e-5 and lesson.ETA["rosenbrock"]["RAdam"] < 0.01


def test_rugged_bowl_ends_in_local_minima(race):
    results, _ = race
    surface = results["rugged"][0]
    gaps = lesson.final_gaps(results, "rugged")
    assert min(gaps.values()) > 10 * (lesson.threshold(surface) - surface.min_loss)
    assert "lowest L − L* at the end" in lesson.describe_rugged(results)


def test_race_figure_claims(race):
    results, _ = race
    pokemon, paths = results["pokemon"]
    for label in ("GD", "Momentum"):
        b, w = lesson._first_start(paths[label])[-1]
        assert -135 < b < -115, label
    for label in ("Adagrad", "Adam"):
        b, w = lesson._first_start(paths[label])[-1]
        assert abs(b - pokemon.minima[0, 0]) < 5, label
    x, _ = lesson._first_start(results["ravine"][1]["GD"])[-1]
    assert -6 < x < -4.5          # a third to a half of the floor crossed
    grad_y = np.abs(results["ravine"][1]["GD"].grad[-200:, 0, 1])
    assert grad_y.max() < 1e-6    # no bouncing between the walls at this η


def test_tables_print_every_cell(race):
    _, steps = race
    table = lesson.steps_table(steps)
    assert "—" in table and "fastest" in table and "reached" in table
    assert len(lesson.eta_table().splitlines()) == 3 + len(lesson.ETA)


def test_eta_is_what_tune_eta_finds():
    surface = surfaces.zigzag()
    assert lesson.tune_eta(surface, "Adam") == lesson.ETA["zigzag"]["Adam"]
    assert all(any(np.isclose(v, m * 10.0**k) for k in range(-8, 3) for m in (1, 2, 5))
               for row in lesson.ETA.values() for v in row.values())


# --- the panel ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def panel():
    return lesson.composer_panel()


def test_panel_is_registered():
    assert widgets.PANELS["07 composer"] is lesson.composer_panel


def test_panel_starts_where_the_static_figure_ends(panel):
    assert not panel.error
    assert panel.message.startswith("<b>Adam + warmup + cosine decay</b>")
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
    assert panel.message.startswith("<b>Adagrad (= the lecture's mean form")
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
    assert not schedule.ok and "same η^t" in schedule.message
    assert "Answer 'momentum'" in lesson.check_zigzag_ingredient("adam").message


def test_name_the_optimizer_check():
    assert "Not answered" in lesson.check_name_the_optimizer(None).message
    for right in ("Adagrad", "torch.optim.Adagrad", " adagrad "):
        assert lesson.check_name_the_optimizer(right).ok, right
    lecture = lesson.check_name_the_optimizer("LectureAdagrad")
    assert not lecture.ok and "constant η" in lecture.message
    assert not lesson.check_name_the_optimizer("lecture adagrad").ok
    assert "forgets" in lesson.check_name_the_optimizer("RMSprop").message
    assert "σ = 1" in lesson.check_name_the_optimizer("SGD").message
    assert "There is one" in lesson.check_name_the_optimizer("no named optimizer").message
    assert "simplify" in lesson.check_name_the_optimizer("Newton").message
