"""The Chinese edition of lessons 05 (Adam), 06 (decay), 07 (warmup) and 09 (summary): their
figures, tables, panels and exercise feedback speak Chinese, with every glyph in the font, and
English is unchanged."""

import pathlib

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
