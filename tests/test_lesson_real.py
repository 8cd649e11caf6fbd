"""Notebook 08 (training a real network): the side-by-side trainer, tuning and the exercise checks."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from figure_checks import course_style, raw_notation, too_small

from rugged import descend, optim, schedules
from rugged.lessons import real


@pytest.fixture(scope="module")
def problems():
    return real.digits_problems((64, 6, 10))


def test_a_row_of_train_is_the_descend_run(problems):
    train = problems[0]
    warmup = schedules.LinearLR(start_factor=0.1, total_iters=5)
    blocks = {"Adam": (real.RACERS["Adam"], [0.003, 0.03], warmup),
              "SGD + momentum": (real.RACERS["SGD + momentum"], [0.1], None)}
    run = real.train(train, blocks, seeds=(0, 4), steps=12, batch_size=8, every=3, progress=False)
    assert run.final.shape == (6, train.n_params) and run.batch_loss.shape == (12, 6)
    assert run.recorded.tolist() == [0, 3, 6, 9, 12]
    for row in range(6):
        name, eta, seed = run.names[row], run.etas[row], int(run.seeds[row])
        path = descend(train, real.RACERS[name](eta), train.net.init(seed), 12, schedule=blocks[name][2],
                       batch_size=8, seed=seed)
        np.testing.assert_allclose(run.final[row], path.params[-1], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(run.params[:, row], path.params[run.recorded], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(run.batch_loss[:, row], [train.batch_loss(p, b) for p, b in
                                                            zip(path.params[:-1], path.batches[:-1])], rtol=1e-12)


def test_tune_picks_the_lowest_mean_validation_loss(problems):
    train, validation, _ = problems
    blocks = {"SGD": (real.RACERS["SGD"], [1e-4, 0.3, 1e3], None)}
    run = real.train(train, blocks, seeds=(0, 1), steps=20, batch_size=16, progress=False)
    tuned = real.tune(run, validation)["SGD"]
    assert tuned.validation.shape == (3, 2)
    assert tuned.best_eta == 0.3 and not tuned.at_edge
    assert np.isinf(tuned.validation[2]).all() or tuned.validation[2].mean() > tuned.validation[1].mean()


def test_noise_runs_full_batch_is_the_plain_path():
    runs = real.noise_runs(steps=200, batch_sizes=(2, 10))
    surface = real.surfaces.pokemon()
    full = descend(surface, optim.Adam(lr=1.0), surface.start, 200)
    assert np.array_equal(runs["Adam"][10].params, full.params)
    assert not np.allclose(runs["Adam"][2].params, full.params)


def test_panel_draws_and_refuses_bad_values():
    panel = real.noise_panel(steps=100)
    assert "after 100 steps" in panel.message
    with pytest.raises(ValueError):
        real.noise_panel(batch_size=11)


@pytest.mark.parametrize("answer, ok", [(5, True), ("5", True), (5.0, True), (0.2, False), (1, False),
                                        (0.5, False), (7, False)])
def test_check_scale(answer, ok):
    assert real.check_scale(answer).ok is ok


@pytest.mark.parametrize("answer, ok", [(33, True), ("33", True), (34, False), (1078, False), (32, False)])
def test_check_updates_per_epoch(answer, ok):
    assert real.check_updates_per_epoch(answer).ok is ok


def test_checks_say_when_unanswered():
    assert "Not answered yet" in real.check_scale(None).message
    assert "Not answered yet" in real.check_updates_per_epoch(None).message


# ---------------------------------------------------------------------------------------
# What the notebook's prose says, checked on the library's runs

@pytest.fixture(scope="module")
def noise():
    runs = real.noise_runs()
    return runs, real.noise_levels(runs)


def test_noise_gd_stalls_far_from_the_minimum_with_or_without_noise(noise):
    runs, _ = noise
    surface = real.surfaces.pokemon()
    for path in runs["GD"].values():
        assert path.distance(surface.minima[0]) > 50             # the minimum is ~70 away in b
        assert abs(path.params[-1, 1] - surface.minima[0][1]) < 0.5   # but it is on the valley floor in w


def test_noise_full_batch_adagrad_and_adam_get_far_lower_than_with_minibatches(noise):
    _, levels = noise
    for name in ("Adagrad", "Adam"):
        assert levels[name][10] < min(levels[name][r] for r in (1, 2, 5)) / 10


def test_noise_rmsprop_full_batch_bounces_between_the_walls(noise):
    runs, levels = noise
    w = runs["RMSProp"][10].params[-200:, 1]
    turns = np.sign(np.diff(w))
    assert np.mean(turns[1:] * turns[:-1]) < -0.9                # w goes up, down, up, …
    assert levels["RMSProp"][10] > 1e4


def test_noise_level_of_adagrad_and_rmsprop_hardly_depends_on_the_batch_size(noise):
    _, levels = noise
    for name in ("Adagrad", "RMSProp"):
        noisy = [levels[name][r] for r in (1, 2, 5)]
        assert max(noisy) / min(noisy) < 2.5


def test_noise_level_of_adam_falls_as_the_batch_grows(noise):
    _, levels = noise
    adam = [levels["Adam"][r] for r in (1, 2, 5, 10)]
    assert all(a > 2 * b for a, b in zip(adam, adam[1:]))


def test_noise_raises_sigma_more_for_smaller_batches(noise):
    runs, _ = noise
    for name in ("Adagrad", "Adam"):
        late = {r: np.exp(np.mean(np.log(path.sigma[100:, 1]))) for r, path in runs[name].items()}
        assert late[1] > late[2] > late[5] > late[10]


def test_spread_ratio_is_the_exact_ratio_of_the_pokemon_spreads():
    import itertools
    surface = real.surfaces.pokemon()
    spread = {r: np.std([surface.batch_grad(surface.start, np.array(rows))
                         for rows in itertools.combinations(range(10), r)], axis=0) for r in (1, 5)}
    np.testing.assert_allclose(spread[1] / spread[5], real.spread_ratio(1, 5, 10), rtol=1e-12)
    assert real.spread_ratio(2, 5, 10) == pytest.approx(np.sqrt(8 * 5 / (2 * 5)))


@pytest.mark.parametrize("answer, ok", [(3, True), ("3", True), (3.0, True), (" 3.000 ", True), (3.0004, True),
                                        (np.sqrt(5), False), (5, False), (9, False), (1 / 3, False),
                                        (3.05, False), (7, False), ("three", False)])
def test_check_spread_ratio(answer, ok):
    assert real.check_spread_ratio(answer).ok is ok


def test_check_spread_ratio_names_the_slips():
    assert "with replacement" in real.check_spread_ratio(2.236).message
    assert "variances" in real.check_spread_ratio(9).message
    assert "upside down" in real.check_spread_ratio(1 / 3).message
    assert "sampling error" in real.check_spread_ratio(3.05).message
    assert "positive" in real.check_spread_ratio(-3).message


def _tuned_by_hand(etas, means):
    validation = np.array(means, dtype=float)[:, None] * np.ones((1, 3))
    return real.Tuned("x", np.asarray(etas, dtype=float), validation)


def test_search_steps_out_from_an_end_then_refines_towards_the_better_neighbour():
    k = np.array([-6, -4, -2])
    assert real._next_points(_tuned_by_hand(real.lattice(k), [0.1, 0.2, 0.3])) == [-8]
    assert real._next_points(_tuned_by_hand(real.lattice(k), [0.3, 0.2, 0.1])) == [0]
    assert real._next_points(_tuned_by_hand(real.lattice(k), [0.3, 0.1, 0.2])) == [-3]
    assert real._next_points(_tuned_by_hand(real.lattice(k), [0.2, 0.1, 0.3])) == [-5]
    assert real._next_points(_tuned_by_hand(real.lattice([-6, -5, -4, -2]), [0.3, 0.1, 0.2, 0.4])) == []
    assert real._next_points(_tuned_by_hand(real.lattice(k), [np.inf, np.inf, np.inf])) == [-8]
    lo = real.SEARCH_RANGE[0]
    assert real._next_points(_tuned_by_hand(real.lattice([lo, lo + 2]), [0.1, 0.2])) == []


def test_search_finds_the_best_of_a_lattice_and_trains_only_what_it_needs(problems):
    train, validation, _ = problems
    starts = {"SGD": (real.RACERS["SGD"], None, 4)}          # starts too high: η = 1e0.5 … 1e1.5
    run, tuned = real.search(train, validation, starts, seeds=(0, 1), steps=30, batch_size=16, progress=False)
    t = tuned["SGD"]
    assert not t.at_edge and len(run.names) == 2 * len(t.etas)
    k = np.rint(4 * np.log10(t.etas)).astype(int)
    assert k[0] < 2 and np.diff(k).min() == 1              # it stepped down, then refined once
    full = real.train(train, {"SGD": (real.RACERS["SGD"], real.lattice(np.arange(k[0], k[-1] + 1)), None)},
                      seeds=(0, 1), steps=30, batch_size=16, progress=False)
    everywhere = real.tune(full, validation)["SGD"]
    assert everywhere.validation.mean(axis=1).min() == pytest.approx(t.validation[t.best].mean(), rel=1e-12) \
        or abs(np.log10(everywhere.best_eta / t.best_eta)) <= 0.25 + 1e-9


def test_joined_trainings_keep_every_row():
    train = real.digits_problems((64, 4, 10))[0]
    parts = [real.train(train, {"SGD": (real.RACERS["SGD"], [eta], None)}, seeds=(0,), steps=6, every=3,
                        progress=False) for eta in (0.1, 0.2)]
    both = real.Training.joined(parts)
    assert both.etas.tolist() == [0.1, 0.2] and both.batch_loss.shape == (6, 2) and both.params.shape[1] == 2
    with pytest.raises(ValueError):
        real.Training.joined([parts[0], real.train(train, {"SGD": (real.RACERS["SGD"], [0.1], None)},
                                                   seeds=(0,), steps=6, every=2, progress=False)])


@pytest.fixture(scope="module")
def race():
    train, validation, test = real.digits_problems()
    run, tuned = real.search(train, validation, progress=False)
    return train, validation, test, run, tuned


def test_race_every_tuned_eta_is_framed_on_a_fine_grid_and_sgd_needs_a_larger_eta(race):
    *_, run, tuned = race
    assert len(tuned) == 14 and len(run.names) == 3 * sum(len(t.etas) for t in tuned.values())
    for label, t in tuned.items():
        assert not t.at_edge, label
        gaps = np.diff(np.log10(t.etas))
        assert min(gaps[t.best - 1], gaps[t.best]) <= 0.25 + 1e-9    # known to a quarter of a decade
        mean = t.validation.mean(axis=1)
        assert mean[0] > 1.05 * mean[t.best] and mean[-1] > 1.05 * mean[t.best]   # rises on both sides
    assert tuned["SGD"].best_eta > 10 * tuned["Adam"].best_eta
    assert tuned["SGD"].validation[-1].mean() > 0.6                  # above the plot's top
    for name in real.RACERS:                                         # decay: the best η up, or the same
        assert tuned[name + real.DECAYED].best_eta >= tuned[name].best_eta


def _test_scores(race, label):
    *_, test, run, tuned = race
    rows = run.rows(label, tuned[label].best_eta)
    t = tuned[label]
    return t.validation[t.best].mean(), 100 * test.accuracy(run.final[rows])


def test_race_tuned_optimizers_land_close_together(race):
    means, spreads = [], []
    for name in real.RACERS:
        _, accuracy = _test_scores(race, name)
        means.append(accuracy.mean())
        spreads.append(accuracy.std())
    assert 93 < min(means) and max(means) < 97                # "about 95%"
    assert max(means) - min(means) < max(spreads)             # gaps about the size of the seeds' spread


def test_decay_helps_the_optimizers_with_momentum_and_not_the_others(race):
    for name in ("SGD + momentum", "Adam", "AdamW", "RAdam"):
        (val, acc), (val_d, acc_d) = _test_scores(race, name), _test_scores(race, name + real.DECAYED)
        assert val_d < val and 0.8 < acc_d.mean() - acc.mean() < 2.2 and acc_d.std() < acc.std()
    for name in ("SGD", "Adagrad", "RMSprop"):
        (val, acc), (val_d, acc_d) = _test_scores(race, name), _test_scores(race, name + real.DECAYED)
        assert val_d > val and acc_d.mean() < acc.mean() + 0.3
    for name in ("Adagrad", "RMSprop"):
        assert _test_scores(race, name + real.DECAYED)[0] > 1.08 * _test_scores(race, name)[0]   # "clearly worse"


def test_test_table_prints_both_kinds(race, capsys):
    *_, test, run, tuned = race
    real.test_table(run, tuned, test)
    real.test_table(run, tuned, test, decayed=True)
    out = capsys.readouterr().out
    assert out.count("\n") == 16 and "grid edge" not in out and out.index("constant η") < out.index("cosine decay")


def test_race_loss_falls_while_the_gradient_norm_stalls(race, capsys):
    train, _, _, run, tuned = race
    rows = real.tuned_rows(run, tuned)
    at = [int(np.flatnonzero(run.recorded == t)[0]) for t in (50, 200)]
    for name in ("SGD + momentum", "Adam"):
        loss, norm = real.full_measures(run, train, rows[name], every=1)
        loss, norm = loss[at].mean(axis=1), norm[at].mean(axis=1)
        assert loss[0] / loss[1] > 2.5                       # "falls several-fold"
        assert norm[0] / norm[1] < 2 and norm[1] > 0.05      # "changes far less", "well above zero"
    real.stall_table(run, tuned, train)
    assert "t = 50 ÷ end" in capsys.readouterr().out


def test_warmup_does_not_rescue_adam_at_a_large_eta_and_radam_steps_stay_small(race):
    train, validation, _, _, tuned = race
    warm = real.train(train, real.warmup_blocks(0.1), seeds=real.WARMUP_SEEDS, progress=False)
    loss = validation.loss(warm.final)
    mean = {name: loss[warm.rows(name)].mean() for name in ("Adam", "Adam + warmup", "RAdam")}
    adam_tuned = tuned["Adam"].validation[tuned["Adam"].best].mean()
    for name in ("Adam", "Adam + warmup"):
        assert mean[name] > 1.3 * mean["RAdam"] and mean[name] > 1.3 * adam_tuned
    assert 0.1 / tuned["Adam"].best_eta > 2                  # "several times its tuned value"
    assert tuned["RAdam"].best_eta == pytest.approx(0.1)     # RAdam's own tuned η
    r = real.optim.radam_rectification(real.optim.radam_rho(np.array([200.0])))
    assert 0.25 < r[0] < 0.4                                 # "about a third still at step 200"


def test_panel_seed_moves_show_the_run_of_that_seed():
    panel = real.noise_panel(steps=200)
    panel.set(seed=7)
    surface = real.surfaces.pokemon()
    path = descend(surface, optim.Adam(lr=1.0), surface.start, 200, batch_size=2, seed=7)
    assert f"L − L* = {path.gap(surface)[-1]:.3g} with batch 2" in panel.message
    with pytest.raises(ValueError):
        real.noise_panel(seed=real.widgets.MAX_SEED + 1)


def test_figures_are_readable_at_900_px_and_use_mathtext(noise, race):
    runs, _ = noise
    train, _, _, run, tuned = race
    with course_style():
        figures = [real.noise_figure(runs), real.sigma_figure(runs), real.digits_figure(),
                   real.sensitivity_figure(tuned), real.curves_figure(run, tuned),
                   real.stall_figure(run, tuned, train), real.noise_panel(steps=50).figure]
        for fig in figures:
            assert not too_small(fig) and not raw_notation(fig)
            plt.close(fig)


@pytest.mark.parametrize("lecture", [False, True])
def test_the_progress_bar_shows_except_on_a_slide(problems, capsys, lecture):
    blocks = {"SGD": (real.RACERS["SGD"], [0.1], None)}
    with plt.rc_context():
        real.style.use(lecture=lecture)
        try:
            real.train(problems[0], blocks, seeds=(0,), steps=16, batch_size=8)
        finally:
            real.style.use(lecture=False)
    shown = capsys.readouterr().out
    assert ("training: 100%" in shown) is (not lecture)
