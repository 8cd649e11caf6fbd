"""Lessons 01–04 (stalls, adagrad, rmsprop, momentum) in Chinese: their figures draw every glyph
and carry the translations, their printed tables keep their columns, their panels' controls and
status lines and their exercise feedback are Chinese; and the same calls in English, unchanged."""

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from rugged import descend, optim, runner, surfaces
from rugged.i18n import display_width, tr
from rugged.lessons import adagrad, momentum, rmsprop, stalls
from zh_support import every_glyph

CJK = re.compile(r"[\u4e00-\u9fff]")
# words of the English source that must not be left in a Chinese message
ENGLISH = re.compile(r"\b(?:the|steps?|is|not|and|with|after|loss|of|plateau|cliff|basin|ratio|rate)\b")


def _texts(fig):
    """Every text the figure draws (titles, labels, legends, annotations, tick labels)."""
    fig.canvas.draw()
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text().strip()]


def _draw_strictly(make):
    """The figure `make()` returns, drawn with every warning an error (a missing glyph warns)."""
    with every_glyph():
        fig = make()
        texts = _texts(fig)
    return fig, texts


def closed_form(surface, eta, steps):
    """GD's point after `steps` updates on a quadratic with a diagonal Hessian (01's teaching cell)."""
    lam = np.diag(surface.H)
    start, minimum = np.asarray(surface.start), surface.minima[0]
    with np.errstate(over="ignore"):
        return minimum + (1 - eta * lam) ** steps * (start - minimum)


def memory_weights(t, alpha=None):
    """03's teaching cell: the weights of (σ^t)², Adagrad's for alpha None."""
    if alpha is None:
        return np.full(t + 1, 1 / (t + 1))
    k = np.arange(t + 1)
    weights = (1 - alpha) * alpha ** (t - k)
    weights[0] = alpha**t
    return weights


def half_memory(alpha):
    return int(np.ceil(np.log(0.5) / np.log(alpha)))


def rate(eta, beta, lams):
    """04's teaching cell: the heavy ball's rate."""
    eta, beta = np.asarray(eta, dtype=float)[..., None], np.asarray(beta, dtype=float)[..., None]
    b = 1 + beta - eta * np.asarray(lams, dtype=float)
    disc = b * b - 4 * beta
    modulus = np.where(disc < 0, np.sqrt(beta), (np.abs(b) + np.sqrt(np.abs(disc))) / 2)
    return modulus.max(axis=-1)


@pytest.fixture(scope="module")
def ravine():
    return surfaces.ravine()


@pytest.fixture(scope="module")
def cliff():
    return surfaces.plateau_cliff()


@pytest.fixture(scope="module")
def bouncing(ravine):
    return descend(ravine, optim.GD(lr=1e-2), ravine.start, 300)


@pytest.fixture(scope="module")
def cliff_runs(cliff):
    runs = {"Adagrad": descend(cliff, optim.LectureAdagrad(lr=0.1), cliff.start, 400)}
    for alpha in (0.5, 0.9):
        runs[f"RMSProp α={alpha}"] = descend(cliff, optim.LectureRMSProp(lr=0.1, alpha=alpha), cliff.start, 400)
    return runs


# ---- figures ---------------------------------------------------------------------------

def test_stall_figures_are_chinese_and_draw_every_glyph(zh, ravine, bouncing):
    fig, texts = _draw_strictly(lambda: stalls.stall_figure(bouncing, label="GD"))
    assert fig.axes[0].get_title() == tr("{label}: loss and gradient norm per step").format(label="GD")
    assert CJK.search(fig.axes[0].get_title())
    assert tr("second half (shaded): the loss has stopped falling") in texts
    fig, texts = _draw_strictly(lambda: stalls.ravine_figure(ravine, bouncing, label="GD"))
    assert tr("loss and gradient norm") in texts and "损失" in tr("loss and gradient norm")
    assert tr("first {steps} steps, x zoomed").format(steps=12) in texts
    fig, texts = _draw_strictly(lambda: stalls.one_rate_figure(ravine, {"GD": (1e-2, bouncing)}))
    assert {tr("one η for both directions"), tr("x flat, y steep"), tr("distance to ★")} <= set(texts)
    assert not any(ENGLISH.search(t) for t in texts if CJK.search(t))


def test_adagrad_and_rmsprop_figures_are_chinese(zh, cliff, cliff_runs):
    ada = cliff_runs["Adagrad"]
    entry = ada.first(ada.params[:, 0] > cliff.basin[0])
    fresh = descend(cliff, optim.LectureAdagrad(lr=0.1), ada.params[entry], 400 - entry)
    fig, texts = _draw_strictly(lambda: adagrad.plateau_figure(cliff, ada, fresh, entry=entry, eta=0.1))
    assert {"平台", "悬崖", "盆地", tr("σ remembers the cliff")} <= set(texts)
    fig, texts = _draw_strictly(lambda: rmsprop.memory_figure(memory_weights, t=40))
    assert fig.axes[0].get_title().startswith("$\\sigma^{40}$ 记住了什么")
    fig, texts = _draw_strictly(lambda: rmsprop.x_profile_figure(cliff))
    assert tr("The loss along x (★ the minimum)") in texts
    fig, texts = _draw_strictly(lambda: rmsprop.cliff_figure(cliff, cliff_runs, t_max=200))
    assert {tr("Where the x-parameter is"), tr("runs on\nthe cliff"), tr("The step actually taken in x")} <= set(texts)
    assert all(not ENGLISH.search(t) for t in texts if CJK.search(t))


def test_momentum_figures_are_chinese(zh, ravine):
    runs = {"GD": descend(ravine, optim.GD(lr=0.01), ravine.start, 100),
            "Momentum β=0.9": descend(ravine, optim.SGD(lr=0.01, momentum=0.9), ravine.start, 100)}
    fig, texts = _draw_strictly(lambda: momentum.heavy_ball_figure(ravine, runs))
    assert fig._suptitle.get_text().startswith("动量：")
    assert {tr("y (steep) component"), tr("x (flat) component"), tr("buffer $b^t$")} <= set(texts)
    regimes = momentum.regime_runs(ravine, betas=(0.5, 0.81, 0.97), steps=60)
    fig, texts = _draw_strictly(lambda: momentum.regimes_figure(regimes, lam=ravine.eigenvalues[0]))
    assert "β = 0.5：过阻尼" in texts and "β = 0.97：欠阻尼" in texts        # the regime, translated
    fig, texts = _draw_strictly(lambda: momentum.rate_map_figure(
        rate, {"ravine": ravine}, {"ravine": (0.019, 0.91)}, {"ravine": (1e-4, 1e-1)}, n=30))
    assert tr("steps to cut the error ×10") in texts and tr(r"learning rate $\eta$") == r"学习率 $\eta$"


# ---- printed tables and summaries ------------------------------------------------------

def test_chinese_tables_keep_their_columns(zh, capsys, cliff, cliff_runs, ravine, bouncing):
    rmsprop.print_memory(memory_weights, half_memory, t=40)
    rmsprop.cliff_table(cliff, cliff_runs)
    lines = capsys.readouterr().out.splitlines()
    memory, table = lines[:5], lines[5:]
    assert CJK.search(memory[0]) and "个梯度（t 较大时）" in memory[2]
    # the numbers' columns end where the header's do, counted in display columns
    width = display_width(memory[0][:memory[0].rindex("   ")])
    assert width == 16 + 1 + 18 + 1 + 14
    assert all(line[width - 1].isdigit() and line[width:width + 3] == "   " for line in memory[1:])
    assert CJK.search(table[0]) and display_width(table[0]) == 15 + 10 + 9 + 13 + 14 + 13 + 9 + 6   # as in English
    assert display_width(table[2]) == display_width(table[0])                   # the rule under the header
    summary = stalls.one_rate_summary(ravine, {"GD": (1e-2, bouncing)}, closed_form).splitlines()
    assert display_width(summary[0]) == display_width(summary[1]) and tr("closed form (x, y)") in summary[0]
    text = stalls.rate_table(ravine, [1e-3, 1e-2, 1.1e-2], closed_form)
    assert "（来回弹跳：" in text and tr("never: diverges") in text
    assert not ENGLISH.search(stalls.ravine_summary(ravine, bouncing, 1e-2))


def test_printed_lines_are_chinese_sentences(zh, capsys, cliff):
    rmsprop.print_profile(cliff)
    rmsprop.print_overshoot(lambda alpha, within: 10, alphas=(0.9,))
    out = capsys.readouterr().out.splitlines()
    assert [line[:2] for line in out[:4]] == ["平台", "悬崖", "盆地", "最小"]
    # the region names keep the x ranges lined up, as in English
    assert len({display_width(line.split("x")[0]) for line in out[:4]}) == 1
    assert out[4].startswith("α = 0.9  ：第一步") and not ENGLISH.search(out[4])


# ---- panels ----------------------------------------------------------------------------

def test_panels_speak_chinese(zh):
    panel = stalls.ravine_panel(max_steps=1000)
    assert CJK.search(panel.message) and "步后" in panel.message
    assert panel.controls["steps"].description == "步数"
    panel.set(eta=0.05)                                    # diverges
    assert "发散" in panel.message and "每一步都让 |y| 变大" in panel.message
    panel = adagrad.pokemon_panel(steps=500, max_steps=1000)
    assert [c.description for c in panel.controls.values()][1:] == ["起点 b", "起点 w", "σ 形式", "步数", "批量大小",
                                                                 "随机种子"]
    assert [label for label, _ in panel.controls["form"].options][0].startswith("torch（求和）")
    panel.set(batch=5)
    assert panel.message.startswith("大小为 5 的小批量") and not ENGLISH.search(panel.message)
    panel = rmsprop.rmsprop_panel(steps=100)
    assert panel.message.startswith("α = 0.9，η = 0.1。") and not ENGLISH.search(panel.message)
    panel = momentum.momentum_panel(steps=100, rate=rate)
    assert "收敛率" in panel.message and "过阻尼" in panel.message and not ENGLISH.search(panel.message)
    assert CJK.search(panel.widget.children[0].value)                      # the panel's title


def test_a_panels_range_error_stays_english_in_chinese(zh):
    with pytest.raises(ValueError, match="steps"):
        adagrad.pokemon_panel(steps=10)


# ---- exercises -------------------------------------------------------------------------

@pytest.mark.parametrize("check, answers", [
    (lambda a: stalls.largest_stable_lr(a, surfaces.ravine()), [0.01001001001001001, 0.02, 20.0, 0.005005, 0.001]),
    (lambda a: stalls.steps_to_halve(a, surfaces.ravine()), [693, 7, 70000, 1000.0]),
    (stalls.minimum_ratio_answer, [(0.75, False), (0.75, True), (0.25, False), (1.0, True), 0.75]),
    (adagrad.sigma_zero, [3, -3, 9, 4]),
    (adagrad.sigma_one, [3.5355, 5, 12.5, 25, 4]),
    (rmsprop.check_sigma_update, [2.608, -1, 6.88, 2.408, 6]),
    (rmsprop.check_torch_first_step, [0.1, -0.1, 0.01, 0.05, 0.3]),
    (momentum.check_rate, [1.2, 0.9, 0.999, 0.5]),
    (momentum.check_beta, [-0.1, 1.0, 0.9, 0.999]),
    (momentum.check_ema_lr, [0.1, 0.001, 0.2]),
])
def test_feedback_is_chinese(zh, check, answers):
    for answer in answers:
        message = check(answer).message
        assert CJK.search(message), message
        assert not ENGLISH.search(message.replace("Invalid momentum value", "")), message
        assert not re.search(r"\{\w*\}", message), message


# ---- English, unchanged ----------------------------------------------------------------

def test_english_is_unchanged(en, capsys, cliff, cliff_runs, ravine, bouncing):
    fig = stalls.stall_figure(bouncing, label="GD")
    assert fig.axes[0].get_title() == "GD: loss and gradient norm per step"
    assert stalls.ravine_summary(ravine, bouncing, 1e-2).splitlines()[2].startswith("after 300 steps: (x, y) = (")
    rmsprop.print_memory(memory_weights, half_memory, t=40)
    rmsprop.cliff_table(cliff, cliff_runs)
    rmsprop.print_profile(cliff)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{'σ kind':<16} {'newest gᵗ weighs':>18} {'all together':>14}   half of (σᵗ)² is the newest …"
    assert lines[2].endswith("   1 gradient (for large t)") and lines[3].endswith("   7 gradients (for large t)")
    assert lines[5].startswith(f"{'run':<15} {'σₓ before':>10} {'max σₓ':>9} {'largest step':>13}")
    assert lines[5 + 6].startswith("plateau  x in [-6, -1.5]: |g_x| between ")
    panel = adagrad.pokemon_panel(steps=500, max_steps=1000)
    assert [c.description for c in panel.controls.values()][1:] == ["start b", "start w", "σ form", "steps",
                                                                 "batch size", "seed"]
    assert panel.message.startswith("after 500 steps: (b, w) = (")
    assert momentum.check_beta(0.9).message.startswith("Not within 400 steps: with β = 0.9 the run ends at ")
    assert momentum._regime_name("critical") == "critical" and momentum.regime(0.1, 0.81, 0.1) == "critical"


# ---- 00–03: the lines and titles the notebooks' code cells used to write ---------------
# Each new lesson function: in Chinese, nothing English is left but names and code; in
# English, exactly the line the notebook's own f-string printed.

# names and code a Chinese line keeps (optimizers, torch, Python's True/False, sqrt)
NAMES = {"GD", "Adagrad", "LectureAdagrad", "LectureRMSProp", "RMSProp", "torch", "True", "False", "sqrt"}
CODE = re.compile(r"\b\w+(?:[._]\w+)+")                   # runner.bursts, lecture_adagrad, σ_x …


def _english(text):
    """The English words left in `text`: Latin words of 2+ letters outside names and code."""
    return [w for w in re.findall(r"[A-Za-z]{2,}", CODE.sub(" ", text)) if w not in NAMES]


@pytest.fixture(scope="module")
def race00(ravine):
    """00's first race."""
    return {"GD, η = 1e-2": descend(ravine, optim.GD(lr=1e-2), ravine.start, 300),
            "Adagrad, η = 1": descend(ravine, optim.Adagrad(lr=1.0), ravine.start, 300)}


@pytest.fixture(scope="module")
def pokemon_runs():
    """02's Pokémon runs, shorter: the sum form, the mean form (bursting) and GD."""
    pokemon = surfaces.pokemon()
    return pokemon, {"GD (η = 1e-7)": descend(pokemon, optim.GD(lr=1e-7), pokemon.start, 500),
                     "Adagrad (η = 1)": descend(pokemon, optim.Adagrad(lr=1.0), pokemon.start, 2000),
                     "lecture": descend(pokemon, optim.LectureAdagrad(lr=1.0), pokemon.start, 2000)}


def _lines_00_03(ravine, race00, pokemon_runs):
    """(name, line in the current language, the notebook's old English line) for every new function."""
    from types import SimpleNamespace
    star = ravine.minima[0]
    gd, ada = race00.values()
    pokemon, runs = pokemon_runs
    gd_poke, ada_poke, lecture = runs.values()
    problem, run = SimpleNamespace(n_params=97), SimpleNamespace(steps=3000)
    lam = 5.05512
    cases = [
        ("stalls.run_line", stalls.run_line(problem, run, 0.7), f"{97} parameters, η = {0.7}, {3000:,} updates"),
        ("stalls.critical_factor_line", stalls.critical_factor_line(lam, eta=0.7),
         f"at the critical point: λₘₐₓ = {lam:.4f}, 1 − ηλₘₐₓ = {1 - 0.7 * lam:.3f}"),
        ("adagrad.describe_distances", adagrad.describe_distances(race00, star), "\n".join(
            f"{label:16s} distance to ★: {np.linalg.norm(path.params[0] - star):.3g} at the start, "
            f"{path.distance(star):.3g} after 300 steps; loss {path.loss[-1]:.3g}" for label, path in race00.items())),
        ("adagrad.ravine_steps_title", adagrad.ravine_steps_title(300), "300 steps on the ravine"),
        ("adagrad.sigma_check_line", adagrad.sigma_check_line(np.bool_(True)),
         "σ recorded by LectureAdagrad equals sqrt(mean of its g²) to 1e-12: True"),
        ("adagrad.by_hand_line", adagrad.by_hand_line(np.bool_(True), 300),
         "lecture_adagrad gives LectureAdagrad's 300 updates to 1e-12: True"),
        ("adagrad.distance_line", adagrad.distance_line(ravine, gd, ada),
         f"distance to the minimum after 300 updates: GD {gd.distance(star):.4f}, "
         f"LectureAdagrad {ada.distance(star):.4f}"),
        ("adagrad.sigma_title ravine", adagrad.sigma_title("ravine"),
         "LectureAdagrad on the ravine: σ and effective step per parameter"),
        ("adagrad.sigma_title pokemon", adagrad.sigma_title("pokemon"), "Adagrad (sum form) on Pokémon"),
        ("adagrad.condition_line", adagrad.condition_line(np.linalg.cond(pokemon.H)),
         f"condition number of the Hessian: {np.linalg.cond(pokemon.H):.3g}"),
        ("adagrad.gap_lines", adagrad.gap_lines(pokemon, {"GD (η = 1e-7)": gd_poke}),
         f"{'GD (η = 1e-7)':16s} L − L* after 500 updates: {gd_poke.loss[-1] - pokemon.min_loss:.4g}"),
        ("adagrad.effective_step_line", adagrad.effective_step_line("b", 125.6123),
         f"  b's effective step / GD's η = {125.6123:.4g}"),
        ("adagrad.forms_agree_line", adagrad.forms_agree_line(False),
         "the two paths agree to 1e-12 at every step: False"),
        ("adagrad.sum_sigma_line", adagrad.sum_sigma_line(True), "torch's σ is sum_sigma of its gradients to 1e-12: True"),
        ("adagrad.forms_bursts", adagrad.forms_bursts(pokemon, lecture, ada_poke), "\n".join([
            "bursts (L − L* rises 100× above its running minimum; runner.bursts, as in 06):",
            f"  mean form: {runner.bursts(lecture, pokemon).summary(shown=3)} in 2,000 updates",
            f"  sum form:  {len(runner.bursts(ada_poke, pokemon))} bursts in 2,000 updates"])),
        ("adagrad.basin_line", adagrad.basin_line(74, 1165, 77),
         "basin entered at t = 74; then |x − x*| < 0.05 after 1165 more updates with the cliff in σ, "
         "after 77 with σ forgotten"),
        ("adagrad.sum_form_line", adagrad.sum_form_line(True, ada),
         f"torch's sum form: σ_x never decreases: True; x after 300 updates: {ada.endpoint[0]:.4f}"),
        ("rmsprop.weights_check_line", rmsprop.weights_check_line(np.bool_(True), t=40),
         "σᵗ = sqrt(Σₖ wₖ (gᵏ)²) equals LectureAdagrad's and LectureRMSProp's σᵗ to 1e-12 (t ≤ 40): True"),
    ]
    return cases


def test_notebook_lines_are_chinese(zh, ravine, race00, pokemon_runs):
    cases = _lines_00_03(ravine, race00, pokemon_runs)
    assert len(runner.bursts(pokemon_runs[1]["lecture"], pokemon_runs[0])) > 0   # the mean form's line has bursts
    for name, line, english in cases:
        assert CJK.search(line), name
        assert not _english(line), (name, line)
        assert not re.search(r"\{\w*[:}]", line), (name, line)                # every field filled in
        assert line != english, name
    # numbers and names stay: the same digits in both languages
    for name, line, english in cases:
        assert set(re.findall(r"\d+", english)) <= set(re.findall(r"\d+", line)), name


def test_notebook_lines_keep_their_english(en, ravine, race00, pokemon_runs):
    for name, line, english in _lines_00_03(ravine, race00, pokemon_runs):
        assert line == english, name
    with pytest.raises(ValueError, match="surface"):
        adagrad.sigma_title("rosenbrock")


def test_notebook_titles_and_labels_in_figures(zh, ravine, race00, pokemon_runs):
    from rugged.lessons.stalls import Census
    eigenvalues = np.array([[0.1, 0.2, 0.3, 0.4], [-0.1, 0.2, 0.3, 0.4], [-0.2, 0.1, 0.3, 0.5]])
    census = Census(theta=np.zeros((3, 4)), loss=np.array([0.07, 0.2, 0.1]),
                    minimum_ratio=np.array([1.0, 0.75, 0.75]), grad_norm=np.full(3, 1e-13),
                    eigenvalues=eigenvalues, n_nets=5, sizes=(1, 15, 1))
    fig, texts = _draw_strictly(lambda: stalls.census_figure(census))
    title = fig.axes[0].get_title()
    assert title == tr("{n} critical points of networks {sizes}").format(n=3, sizes="1 → 15 → 1")
    assert CJK.search(title) and "3" in title and "1 → 15 → 1" in title and not _english(title)
    pokemon, runs = pokemon_runs
    fig, texts = _draw_strictly(lambda: adagrad.forms_figure(pokemon, runs["Adagrad (η = 1)"], runs["lecture"]))
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == [tr("LectureAdagrad: mean form, constant η"), tr("Adagrad: sum form (torch)")]
    assert all(CJK.search(label) and not _english(label) for label in labels)
    assert labels[1].startswith("Adagrad") and labels[0].startswith("LectureAdagrad")   # style.color_of reads the name
    fig, texts = _draw_strictly(lambda: adagrad.sigma_figure(runs["Adagrad (η = 1)"], ["b", "w"],
                                                             title=adagrad.sigma_title("pokemon")))
    assert "宝可梦上的 Adagrad（求和形式）" in texts


def test_notebook_titles_and_labels_in_english(en, pokemon_runs, capsys, ravine):
    from rugged.lessons.stalls import Census
    census = Census(theta=np.zeros((2, 2)), loss=np.array([0.07, 0.2]), minimum_ratio=np.array([1.0, 0.5]),
                    grad_norm=np.full(2, 1e-13), eigenvalues=np.array([[0.1, 0.2], [-0.1, 0.2]]), n_nets=2,
                    sizes=(1, 3, 1))
    assert stalls.census_figure(census).axes[0].get_title() == "2 critical points of networks 1 → 3 → 1"
    assert stalls.census_figure(census, title="census").axes[0].get_title() == "census"
    pokemon, runs = pokemon_runs
    fig = adagrad.forms_figure(pokemon, runs["Adagrad (η = 1)"], runs["lecture"])
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["LectureAdagrad: mean form, constant η",
                                                                  "Adagrad: sum form (torch)"]
    first = {name: descend(ravine, make(lr=0.01, alpha=0.99), ravine.start, 3)
             for name, make in (("lecture", optim.LectureRMSProp), ("torch", optim.RMSprop))}
    rmsprop.first_steps_table(first, eta=0.01)
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{'t':>2} {'lecture Δx/η':>14}{'lecture Δy/η':>14}{'torch Δx/η':>14}{'torch Δy/η':>14}")


def test_first_steps_table_names_the_lecture_in_chinese(zh, capsys, ravine):
    first = {name: descend(ravine, make(lr=0.01, alpha=0.99), ravine.start, 3)
             for name, make in (("lecture", optim.LectureRMSProp), ("torch", optim.RMSprop))}
    rmsprop.first_steps_table(first, eta=0.01)
    head, rule, *rows = capsys.readouterr().out.splitlines()
    assert head.split()[1] == tr("lecture") and CJK.search(head) and not _english(head)
    assert display_width(head) == len(rule) == len(rows[0])              # the columns still line up


# ---- 04's labels and printed lines that the notebook's code cells used to write ---------

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _latin_words(text, names=("GD", "EMA", "lr", "torch", "True", "False")):
    """The words in Latin script of `text`, names and symbols excepted."""
    return [word for word in LATIN_WORD.findall(text) if word not in names]


def test_momentum_run_labels_in_chinese(zh, capsys, ravine):
    labels = ["Momentum β=0.9", "01's η, β = 0.95", "optimum (η*, β*)", "GD, best η"]
    shown = [momentum.run_label(label) for label in labels]
    assert all(CJK.search(text) for text in shown[:3]) and not _latin_words(" ".join(shown))
    assert shown[0] == tr("Momentum") + " β=0.9" and "0.95" in shown[1]
    assert momentum.run_label("Nesterov β=0.9") == "Nesterov β=0.9"      # a name, as it is
    runs = {"GD": descend(ravine, optim.GD(lr=0.01), ravine.start, 100),
            "Momentum β=0.9": descend(ravine, optim.SGD(lr=0.01, momentum=0.9), ravine.start, 100)}
    momentum.heavy_ball_table(ravine, runs)
    rows = capsys.readouterr().out.splitlines()
    assert rows[2].startswith(shown[0]) and display_width(rows[1]) == display_width(rows[2])
    assert surfaces.short_name("ravine") == tr("ravine") and CJK.search(surfaces.short_name("pokemon"))


def test_momentum_run_labels_in_english(en):
    for label in ("Momentum β=0.9", "01's η, β = 0.95", "optimum (η*, β*)", "GD, best η", "other"):
        assert momentum.run_label(label) == label
    assert surfaces.short_name("pokemon") == "pokemon"


def test_momentum_optimum_lines_in_chinese_and_english(zh):
    formula, grid = (0.0191532, 0.9143861, 0.9562354), (0.0191529, 0.9143866, 0.9562357)
    lines = momentum.optimum_lines(formula=formula, grid=grid).split("\n")
    assert len(lines) == 2 and all(CJK.search(line) for line in lines)
    assert not _latin_words(" ".join(lines)) and "0.019153" in lines[0] and "0.914387" in lines[1]
    assert display_width(lines[0].split("η")[0]) == display_width(lines[1].split("η")[0])   # η under η


def test_momentum_optimum_lines_english_format(en):
    formula, grid = (0.0191532, 0.9143861, 0.9562354), (0.0191529, 0.9143866, 0.9562357)
    assert momentum.optimum_lines(formula=formula, grid=grid) == (
        f"formula:     η* = {formula[0]:.6f}, β* = {formula[1]:.6f}, rate {formula[2]:.6f}\n"
        f"grid search: η  = {grid[0]:.6f}, β  = {grid[1]:.6f}, rate {grid[2]:.6f}  (lowest rate on the map)")


def test_momentum_ema_comparison_in_chinese_and_english(zh):
    text = momentum.ema_comparison(same=True, ratio=0.1, difference=17.9551, steps=300)
    assert CJK.search(text) and not _latin_words(text) and "300" in text and "17.955" in text
    assert text.split("\n")[0].endswith("：是") and "True" not in text      # 是/否 in a Chinese sentence
    assert momentum.ema_comparison(same=False, ratio=0.1, difference=17.9551, steps=300).split("\n")[0].endswith("：否")


def test_momentum_ema_comparison_english_format(en):
    same, ratio, difference, steps = True, 0.1, 17.9551, 300
    assert momentum.ema_comparison(same=same, ratio=ratio, difference=difference, steps=steps) == (
        f"EMA with lr = η/(1 − β) against torch's buffer, max relative difference over {steps} steps < 1e-12: "
        f"{same}\n"
        f"EMA with the same lr:  m⁰/b⁰ = {ratio:.4f}, max relative difference {difference:.3f}")


# ---- yes/no, headers and status lines inside Chinese sentences ----------------------------

def test_truth_values_read_as_chinese_words(zh):
    lines = [adagrad.sigma_check_line(True), adagrad.by_hand_line(False, 300), adagrad.forms_agree_line(True),
             adagrad.sum_sigma_line(True), rmsprop.weights_check_line(True, 40),
             momentum.ema_comparison(same=True, ratio=0.1, difference=0.5, steps=300).split("\n")[0]]
    assert not any("True" in line or "False" in line for line in lines)
    assert [line[-1] for line in lines] == ["是", "否", "是", "是", "是", "是"]
    rows = [(0, 1.0, 1.0, 1.0, False), (25, 2.0, 2.0, 1.0, False), (50, 3.0, 3.0, 1.0, False)]
    summary = stalls.drift_summary(rows)
    assert "True" not in summary and "False" not in summary and summary.split("\n")[-1].endswith("：是")


def test_truth_values_unchanged_in_english(en):
    assert adagrad.sigma_check_line(True).endswith(": True")
    assert adagrad.by_hand_line(False, 300).endswith(": False")
    assert stalls.drift_summary([(0, 1.0, 1.0, 1.0, False), (25, 2.0, 2.0, 1.0, False)]).endswith(
        "converged (‖∇L‖ ≤ 1e-10): False")


def test_adagrad_sigma_ratio_header_in_chinese(zh, cliff):
    path = descend(cliff, optim.Adagrad(lr=0.1), cliff.start, 5)
    lines = adagrad.sigma_ratio(path, path, steps=(0, 1)).split("\n")
    assert "lecture" not in lines[0] and "σ_torch/σ_课上 (b)" in lines[0]
    assert display_width(lines[0]) == display_width(lines[1])          # the header over its column


def test_momentum_panel_status_reads_as_chinese(zh):
    panel = momentum.momentum_panel(eta=0.1, beta=0.9, steps=100)
    status = panel.message
    assert "重球在第" in status and "、" not in status.split("重球")[0]    # no stray space, ， between the two
    assert "x：" in status and "y：" in status and ": " not in status and ", " not in status
    panel.set(eta=0.01)
    assert "x：" in panel.message and ", " not in panel.message
