"""The Chinese edition of lessons 05 (Adam), 06 (decay), 07 (warmup) and 09 (summary): their
figures, tables, panels and exercise feedback speak Chinese, with every glyph in the font, and
English is unchanged."""

import pathlib
import re

import numpy as np
import pytest

from rugged import i18n, optim, schedules, surfaces
from rugged.lessons import adam, decay, summary, warmup
from rugged.runner import descend
from zh_support import drawn, printed
from zh_support import zh_tr as tr

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULES = ("lessons.adam", "lessons.decay", "lessons.warmup", "lessons.summary")


def moments(grads, betas):
    """The notebook's teaching function of 05: m, m̂, sqrt(v) and σ̂ over the gradients."""
    g = np.asarray(grads, dtype=float)[:, None]
    beta1, beta2 = betas
    return dict(m=optim.EMA(beta1).values(g)[:, 0], m_hat=optim.EMA(beta1, bias_correction=True).values(g)[:, 0],
                rms=optim.RootEMA(beta2, eps=0.0).values(g)[:, 0],
                sigma_hat=optim.RootEMA(beta2, eps=0.0, bias_correction=True).values(g)[:, 0])


def test_summary_figures_and_tables_in_chinese(zh):
    surface, runs = summary.zigzag_runs()
    fig = summary.zigzag_figure(surface, runs)
    shown = drawn(fig)
    assert any(tr("momentum only") in t and tr("{label} (η = {eta:g})\n{reversals} reversals in 30 steps")
               .split("{")[0] in t for t in shown)
    table = summary.describe_zigzag(surface, runs)
    assert tr("named optimizer") in table and tr("σ only, η/2") in table and "reaches" not in table
    torch_table = summary.torch_table()
    assert tr("as Adam") in torch_table and "as Adam" not in torch_table
    # columns line up on screen: every row of the table is as wide as the rule under the header
    widths = {i18n.display_width(line.rstrip()) for line in torch_table.split("\n")[1:2]}
    assert max(i18n.display_width(line) for line in torch_table.split("\n")) <= max(widths)
    feedback = summary.check_zigzag_ingredient("momentum").message
    assert feedback.startswith("对：") and "Yes" not in feedback
    assert tr("Answer 'momentum', 'sigma' or 'schedule'; got {answer}.").format(answer="'x'") == \
        summary.check_zigzag_ingredient("x").message


def test_summary_panel_in_chinese(zh):
    panel = summary.composer_panel()
    descriptions = [c.description for c in panel.controls.values()]
    assert tr("surface") in descriptions and tr("batch size") in descriptions
    labels = [label for label, _ in panel.controls["schedule"].options]
    assert tr("warmup + cosine") in labels
    assert tr("exact gradient: batch size and seed need examples (Pokémon only)") in panel.message
    drawn(panel.figure)


def test_summary_english_is_unchanged(en):
    header = summary.describe_names([(None, False, "none", None)]).split("\n")[0]
    assert header == f"{'momentum m':24s} {'σ':9s} {'schedule ηᵗ':18s} → named optimizer"
    stats = summary.describe_zigzag(*summary.zigzag_runs()).split("\n")
    assert stats[0] == f"{'':14s} {'named optimizer':48s} {'η':>5s}  reversals/30  {'reaches':>7s}  {'stays':>5s}"
    assert stats[-1].startswith("reaches: first t with L ≤ 1e-3·L(θ⁰); stays:")
    panel = summary.composer_panel()
    assert panel.message.endswith(" · " + summary.NO_EXAMPLES)
    assert summary.check_adam_ingredients("F").message == "Answer with one of the letters A, B, C, D, E; got 'F'."


def test_adam_figures_tables_and_feedback_in_chinese(zh):
    fig = adam.bias_figure(moments, steps=300)
    shown = drawn(fig)
    assert tr("step size, constant gradient") in shown and tr("only m corrected") in shown
    table = printed(adam.defaults_table, lambda beta: 10)
    assert tr("what it does, computed") in table and "whatever" not in table
    steps = printed(adam.first_steps, steps=2)
    assert tr("with bias correction (Adam)") in steps
    assert adam.check_memory("beta2").message == tr(
        "Yes: β₂ = 0.999 weighs the old v against the new g², so v (and σ̂) average about 1/(1 − β₂) = 1000 "
        "squared gradients.")
    panel = adam.adam_panel(eta=0.05, surface="saddle")
    assert panel.message.startswith("150 步后：θ = (") and "after" not in panel.message
    drawn(panel.figure)


def test_adam_english_is_unchanged(en):
    steps = printed(adam.first_steps, steps=1).split("\n")
    assert steps[0] == "    " + " with bias correction (Adam) ".center(44, "-") + "  " + \
        " without bias correction ".center(44, "-")
    assert adam.check_first_step(None).message.startswith("Not answered yet: set answer (the first step's size divided by η) in")
    assert "left the saddle (|θ_y| > 0.5) at step" in adam.adam_panel(eta=0.05, surface="saddle").message


@pytest.fixture(scope="module")
def pokemon_run():
    pokemon = surfaces.pokemon()
    path = descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 3000)
    return pokemon, path


def test_decay_figures_tables_panel_in_chinese(zh, pokemon_run):
    from rugged import runner
    pokemon, path = pokemon_run
    bursts = runner.bursts(path, pokemon)
    shown = drawn(decay.burst_figure(pokemon, path, bursts))
    assert any(t.endswith(tr("{n} bursts in {steps:,} steps (▲ = peak of a burst)").split("}")[-1]) for t in shown)
    runs = {"constant": path, "1/sqrt(t+1)": descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 3000,
                                                     schedule=schedules.InverseSqrtDecay())}
    shown = drawn(decay.gallery_figure(pokemon, runs))
    assert tr("the schedules") in shown and any(t.startswith(tr("constant") + "\n") for t in shown)
    table = printed(decay.gallery_table, pokemon, runs)
    assert tr("schedule") in table.split("\n")[0] and tr("constant") in table
    panel = decay.decay_panel(steps=600)
    assert [label for label, _ in panel.controls["kind"].options][0] == tr("constant")
    drawn(panel.figure)
    assert decay.cosine_lr(0.05).message.startswith("对：η⁵⁰ = ")


def test_decay_english_is_unchanged(en, pokemon_run):
    pokemon, path = pokemon_run
    table = printed(decay.gallery_table, pokemon, {"constant": path}).split("\n")
    assert table[0] == f"{'schedule':28s} {'bursts':>6s} {'last at t':>9s} {'final b':>9s} {'final w':>8s} {'L − L*':>10s}"
    assert table[1].startswith("constant ")
    assert decay.cosine_lr(0.0).message == "0 is where it ends, at t = T_max = 100; t = 50 is halfway."


def test_warmup_figures_tables_feedback_in_chinese(zh):
    shown = drawn(warmup.rho_figure(beta2=0.999))
    assert tr("rectifier r") in shown
    table = printed(warmup.rho_table)
    assert tr("torch (ρ > 5) from") in table and "step" not in table
    feedback = warmup.check_resnet_lr((0.1, 0.01)).message
    assert feedback == tr("The two are swapped: the warmup lr {lr_100:g} comes first, the base η = {lr_1000:g} "
                          "after.").format(lr_100=0.01, lr_1000=0.1)
    problems = warmup.check_transformer_peak((3999, 1.0)).message
    assert tr("; ") in problems and problems.endswith(tr("."))


def test_warmup_english_is_unchanged(en):
    table = printed(warmup.rho_table).split("\n")
    assert table[0].endswith(f"{'torch (ρ > 5) from':>20s}{'paper (ρ > 4) from':>20s}")
    assert warmup.check_transformer_peak((3999, 1.0)).message.startswith("Step 3999 is the peak counted from 0")


# 07 and 09: the lines the notebooks' own cells used to print, moved into the lessons

ENGLISH_WORD = re.compile(r"\b(?!(?:SGD|Adam|RAdam|torch|max)\b)[A-Za-z]{2,}")   # names and max excepted


def test_warmup_rectification_start_in_chinese_and_english(zh):
    k, k_paper = warmup.first_rectified_step(0.999), warmup.first_rectified_step(0.999, threshold=4)
    line = printed(warmup.rectification_start, k, k_paper)
    assert "ρ⁴ = 4.9960" in line and "t = 5" in line and not ENGLISH_WORD.search(line)
    i18n.set_language("en")
    assert printed(warmup.rectification_start, k, k_paper) == (
        f"β2 = 0.999: ρ⁴ = {warmup.rho_at(4):.4f}, ρ⁵ = {warmup.rho_at(5):.4f}; torch rectifies from "
        f"t = {k - 1} (its step {k}), the paper's ρ > 4 from t = {k_paper - 1}\n")


def test_warmup_rectifier_values_in_chinese_and_english(zh):
    t = np.array([5, 39, 199])
    values = ", ".join(f"{r:.3f}" for r in warmup.rectifier(t + 1))
    line = printed(warmup.rectifier_values, t)
    assert line.endswith(values + "\n") and not ENGLISH_WORD.search(line)
    i18n.set_language("en")
    assert printed(warmup.rectifier_values, t) == (
        "RAdam's rectifier r at t = 5, 39, 199 (torch's steps t + 1 = 6, 40, 200): " + values + "\n")


def test_warmup_method_label_shown_in_chinese(zh):
    losses = np.full((60, 2), 0.1)          # two starts that never fit
    sweep = {0.1: {"Adam": losses, "Adam + warmup": losses}}
    for table in (printed(warmup.failures, {"Adam + warmup": losses}), printed(warmup.sweep_table, sweep)):
        assert tr("Adam + warmup") in table and "warmup" not in table
    i18n.set_language("en")
    assert printed(warmup.failures, {"Adam + warmup": losses}).split("\n")[1].startswith("Adam + warmup  2 of 2: ")
    assert printed(warmup.sweep_table, sweep).split("\n")[0] == f"{'η':>6s}{'Adam':>25s}{'Adam + warmup':>25s}"


def test_summary_sign_check_in_chinese_and_english(zh):
    line = summary.describe_sign_check(0.0, 2.5e-17)
    assert "0.0e+00" in line and "2.5e-17" in line and not ENGLISH_WORD.search(line)
    i18n.set_language("en")
    assert summary.describe_sign_check(0.0, 2.5e-17) == (
        "σ computed from −g equals σ from g: max difference %.1e;  m from −g equals −m: max difference %.1e"
        % (0.0, 2.5e-17))


def test_summary_variants_in_chinese_and_english(zh):
    variants = summary.zigzag_variants()
    lines = summary.describe_variants(variants).split("\n")
    assert [line.split("Optimizer(")[0].strip() for line in lines] == ["GD"] + [
        tr(label) for label in ("momentum only", "σ only", "momentum + σ")]
    assert all(i18n.display_width(line.split("Optimizer(")[0]) == 15 for line in lines)     # reprs aligned
    i18n.set_language("en")
    assert summary.describe_variants(variants) == "\n".join(f"{label:14s} {opt!r}" for label, opt in variants.items())


# ---- 05's and 06's printed lines and labels that the notebooks' code cells used to write --

LATIN = re.compile(r"[A-Za-z]{2,}")


def _latin_words(text, names=("Adam", "optim", "torch", "Adagrad", "lr", "sqrt", "step_size", "T_max", "max")):
    """The words in Latin script of `text`, names and symbols (σ_w, λ_max …) excepted."""
    return [word for word in LATIN.findall(text) if word not in names]


def test_adam_by_hand_table_in_chinese(zh):
    rows = printed(adam.by_hand_table, [0.9000000005, 0.8004122287, 0.7015862729],
                   np.array(adam.TORCH_SQUARE)).split("\n")
    assert CJK_CHAR.search(rows[0]) and not _latin_words(rows[0].replace("torch.optim.Adam", ""))
    assert i18n.display_width(rows[0].split("optim.Adam")[0]) == len(" t   θᵗ⁺¹: by hand      ")   # columns kept
    assert rows[-2] == tr("largest |by hand − optim.Adam|: {error}").format(error="0")


def test_adam_by_hand_table_english_format(en):
    by_hand, library = [0.9000000005, 0.8004122287, 0.7015862729], np.array([0.9, 0.8004122287, 0.7015862729])
    rows = printed(adam.by_hand_table, by_hand, library).split("\n")
    assert rows[0] == " t   θᵗ⁺¹: by hand      optim.Adam     torch.optim.Adam 2.13"
    assert rows[1] == f"{0:2d}      {by_hand[0]:.10f}    {library[0]:.10f}   {adam.TORCH_SQUARE[0]:.10f}"
    assert rows[4] == "largest |by hand − optim.Adam|: 5e-10"


def test_adam_first_step_lines_in_chinese(zh):
    ratio = np.array([3.162, 5.0, 6.57, 6.0])
    lines = [adam.ingredients_difference(0.0), adam.uncorrected_step(0.999, ratio),
             adam.only_m_step(np.array([31.62, 20.0])), adam.largest_step_line(1.0)]
    for line in lines:
        assert CJK_CHAR.search(line) and not _latin_words(line), line
    assert "3.16 η" in lines[1] and "6.57 η" in lines[1] and "t = 2" in lines[1] and "31.6 η" in lines[2]
    step = optim.Adam(lr=0.1)
    step.step(np.array([1.0]), np.array([2.0]))
    raw = adam.raw_first_step(step.last)
    assert raw.startswith("m = 0.2000") and CJK_CHAR.search(raw) and "2.00000001" in raw


def test_adam_first_step_lines_english_format(en):
    ratio = np.array([3.162, 5.0, 6.57, 6.0])
    assert adam.ingredients_difference(0.0) == "largest |Adam from its ingredients − optim.Adam|: 0"
    assert adam.uncorrected_step(0.999, ratio) == (
        f"β2 = {0.999}: without correction the step is {ratio[0]:.3g} η at t = 0, "
        f"at most {ratio.max():.3g} η (t = {ratio.argmax()})")
    assert adam.only_m_step(np.array([31.62, 20.0])) == f"correcting only m (β2 = 0.999): {31.62:.3g} η at t = 0"
    assert adam.largest_step_line(0.999) == f"Adam's largest step in this race: {0.999:.2f} η per parameter"
    opt = optim.Adam(lr=0.1)
    opt.step(np.array([1.0]), np.array([2.0]))
    step = opt.last
    assert adam.raw_first_step(step) == (
        f"m = {step.m[0]:.4f} (raw),  lr = η/(1 − β1) = {step.lr:.4f},  σ = {step.sigma[0]:.8f}")


def test_adam_run_labels_in_chinese(zh):
    valley = surfaces.rosenbrock()
    labels = ["Adam (bias-corrected), β2 = 0.999", "no bias correction, β2 = 0.9999"]
    shown = [adam.run_label(label) for label in labels]
    assert all(CJK_CHAR.search(text) for text in shown) and not _latin_words(" ".join(shown))
    assert "0.9999" in shown[1] and adam.run_label("SGD (η = 0.001)") == "SGD (η = 0.001)"
    paths = {label: descend(valley, optim.Adam(lr=0.1), valley.start, 10) for label in labels}
    assert printed(adam.peak_losses, paths).split("\n")[1].startswith(shown[0])
    legend = drawn(adam.first_steps_figure(paths))
    assert shown[0] in legend and shown[1] in legend


def test_adam_run_labels_in_english(en):
    for label in ("Adam (bias-corrected), β2 = 0.999", "no bias correction, β2 = 0.999"):
        assert adam.run_label(label) == label


def test_decay_schedule_labels_in_chinese(zh):
    labels = ["step: ×0.5 every 2000", "exponential: γ = 0.9998", "cosine: T_max = 20000", "constant η = 1"]
    shown = [decay.schedule_name(label) for label in labels]
    assert all(CJK_CHAR.search(text) for text in shown) and not _latin_words(" ".join(shown))
    assert "2000" in shown[0] and "0.5" in shown[0] and "0.9998" in shown[1] and "20000" in shown[2]
    assert decay.schedule_name("η/sqrt(t+1), η = 10") == "η/sqrt(t+1), η = 10"


def test_decay_schedule_labels_in_english(en):
    for label in ("step: ×0.5 every 2000", "exponential: γ = 0.9998", "cosine: T_max = 20000", "constant η = 1"):
        assert decay.schedule_name(label) == label


def _step_growth(steps):
    return np.max(steps[1:] / steps[:-1])


def test_decay_printed_lines_in_chinese(zh, pokemon_run):
    from rugged import runner
    pokemon, path = pokemon_run
    bursts = runner.bursts(path, pokemon)
    calm = np.linspace(0.155, 0.0682, 3000)
    lines = [*decay.burst_lines(pokemon, path, bursts).split("\n"), decay.decayed_stability(calm),
             *decay.torch_endpoint(path, pokemon).split("\n")]
    assert len(lines) == 6
    for line in lines:
        assert CJK_CHAR.search(line) and not _latin_words(line), line
    assert "2,999" in lines[3] and "1,000" in lines[3]
    table = printed(decay.fix_table, pokemon, {"constant η = 1": path}, _step_growth).split("\n")
    assert table[1].startswith(tr("constant η = {eta}").format(eta="1")) and tr("never") in table[1]
    assert not _latin_words(table[0] + table[1])
    assert i18n.display_width(table[0]) == i18n.display_width(table[1])


def test_decay_printed_lines_english_format(en, pokemon_run):
    from rugged import runner
    pokemon, path = pokemon_run
    bursts = runner.bursts(path, pokemon)
    assert decay.burst_lines(pokemon, path, bursts) == "\n".join((
        "steps between successive bursts: " + ", ".join(f"{d:,}" for d in np.diff(bursts.starts)[:8]) + " …",
        f"highest burst: L = {path.loss[bursts.peaks].max():.4g}, "
        f"{path.loss[bursts.peaks].max() / pokemon.min_loss:.1f} × the minimum L* = {pokemon.min_loss:.7g}",
        f"lowest L − L* reached between bursts: {(path.loss - pokemon.min_loss).min():.3g}"))
    calm = np.linspace(0.155, 0.0682, 3000)
    assert decay.decayed_stability(calm) == (f"with the decay: λ_max(D^t H) = {calm[0]:.3f} at t = 0, "
                                             f"{calm[1000]:.4f} at t = 1,000, {calm[-1]:.4f} at t = 2,999")
    assert decay.torch_endpoint(path, pokemon) == (
        f"torch's Adagrad after {path.steps:,} steps: L − L* = {decay.gap_text(path, pokemon)}, "
        f"θ = ({path.endpoint[0]:.3f}, {path.endpoint[1]:.4f})\n"
        f"{'':30s}the minimum: θ* = ({pokemon.minima[0, 0]:.3f}, {pokemon.minima[0, 1]:.4f})")
    table = printed(decay.fix_table, pokemon, {"constant η = 1": path}, _step_growth).split("\n")
    assert table[0] == (f"{'run':20s} {'bursts':>6s} {'max growth of η^t/σ_w^t':>24s} {'L − L* at the end':>18s} "
                        f"{'L − L* < 1e-9 from t':>21s}")
    reached = path.steps_to(pokemon.min_loss + 1e-9)
    assert table[1] == (f"{'constant η = 1':20s} {len(bursts):6d} {_step_growth(path.step_size[:, 1]):>23.6f}× "
                        f"{decay.gap_text(path, pokemon):>18s} {'never' if reached is None else f'{reached:,}':>21s}")


CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


# ---- racers, surfaces, terms and status lines (one name per thing, read as Chinese) --------

RAW_NAMES = re.compile(r"\b(?:pokemon|ravine|zigzag|rosenbrock|saddle|plateau_cliff|rugged|Momentum)\b")


@pytest.fixture(scope="module")
def race_results():
    return summary.run_race()


def test_summary_race_tables_show_shown_names(zh, race_results):
    steps = summary.steps_table(race_results)
    tables = [steps, summary.eta_table(race_results), summary.sensitivity_table(race_results),
              summary.describe_rugged(race_results)]
    for text in tables:
        assert not RAW_NAMES.search(text), RAW_NAMES.search(text)
    lines = steps.split("\n")
    assert tr("Momentum") in lines[2] and lines[4].startswith("宝可梦 ") and "之字形山谷" in steps
    assert "（宝可梦 1e-06）" in steps and "宝可梦 3,000、狭长山谷 1,000、Rosenbrock 2,000" in steps
    eta = summary.eta_table(race_results).split("\n")
    assert len({i18n.display_width(line) for line in eta[1:2] + eta[3:]}) == 1       # columns line up
    fig = summary.race_figure(race_results, "zigzag")
    assert not any(RAW_NAMES.search(t) for t in drawn(fig))


def test_summary_race_tables_unchanged_in_english(en, race_results):
    lines = summary.steps_table(race_results).split("\n")
    assert lines[2].split()[:3] == ["surface", "GD", "Momentum"] and lines[4].startswith("pokemon  ")
    assert "(pokemon 1e-06)" in lines[-4] and "(pokemon 3,000, ravine 1,000, rosenbrock 2,000)" in lines[-3]
    assert summary.eta_table(race_results).split("\n")[6].startswith("rosenbrock ")


def test_summary_lines_read_as_chinese(zh):
    surface = surfaces.rosenbrock()
    from rugged.compose import Composed
    runs = summary.run_recipes(surface, [(Composed(1e-3), None), (Composed(1e-2, momentum=0.9), None)], steps=50)
    assert list(runs)[1].startswith(tr("Momentum") + " (")               # not "SGD 加动量"
    lines = summary.describe_runs(surface, runs).split("\n")
    where = [i18n.display_width(line[:line.index("e", 3) - 6]) for line in lines[1:]]   # before the number
    assert len(set(where)) == 1, lines                                     # its column lines up
    check = summary.describe_verification({"SGD": ("SGD (plain gradient descent)", 0.0)})
    assert "山谷上" in check and "山谷 上" not in check
    labels = [label for label, _ in summary.composer_panel().controls["sigma"].options]
    assert not any("的：" in label for label in labels)
    assert "恒定" in tr("constant") and "常数" not in summary.adam_options()


def test_adam_race_panel_and_parity_show_shown_names(zh):
    race = adam.saddle_race()
    header = printed(adam.escape_table, race, y0s=(1e-2,)).split("\n")[1]
    assert "Momentum" not in header and tr("Momentum") + " (" in header
    assert "rosenbrock" not in printed(adam.parity_rows, steps=1)
    panel = adam.adam_panel(noise=0.1)
    options = panel.controls["surface"].options
    assert [label for label, _ in options] == [surfaces.all_surfaces()[name].title for _, name in options]
    assert "saddle" not in [label for label, _ in options]
    status = panel.message
    assert "随机种子 0：" in status and "defaults" not in status and "（默认参数的 Adam：第 " in status


def test_adam_panel_surface_options_unchanged_in_english(en):
    assert adam.adam_panel().controls["surface"].options == tuple(adam.PANEL_SURFACES)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_adam_panel_keeps_every_tick_label_inside(lang):
    i18n.set_language(lang)
    try:
        panel = adam.adam_panel()
        for name in ("ravine", "rosenbrock", "saddle"):
            panel.set(surface=name)
            panel.render()
            width = panel.figure.bbox.width
            renderer = panel.canvas.get_renderer()
            for ax in panel.figure.axes:
                shown = [label for axis, (lo, hi) in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim()))
                         for tick in axis.get_major_ticks()
                         if min(lo, hi) <= tick.get_loc() <= max(lo, hi) for label in [tick.label1]]
                for label in shown + [ax.xaxis.label, ax.yaxis.label]:
                    if label.get_visible() and label.get_text():
                        box = label.get_window_extent(renderer)
                        assert box.x0 >= 0 and box.x1 <= width, (name, label.get_text(), box)
    finally:
        i18n.set_language(None)


def test_terms_of_decay_and_warmup_in_chinese(zh):
    assert decay.schedule_name("constant η = 1").startswith("恒定") and tr("constant") == "恒定"
    panel = decay.decay_panel(steps=600)
    assert panel.controls["step_size"].description == "step_size（阶梯间隔）"
    for text in (tr("RAdam (rectified), Monte Carlo"), tr("rectifier r"),
                 printed(warmup.rectifier_values, np.array([5])),
                 printed(warmup.rectification_start, warmup.first_rectified_step(0.999),
                         warmup.first_rectified_step(0.999, threshold=4))):
        assert "校正" in text and "修正" not in text, text
    status = warmup.transformer_panel(d_model=256).message
    assert "是论文峰值 " in status and " 倍" in status and "×" not in status
