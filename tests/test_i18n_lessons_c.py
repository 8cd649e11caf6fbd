"""The Chinese edition of lesson 08 (a real network): its figures, tables, progress bars, panel
and exercise feedback speak Chinese, with every glyph in the font, and English is unchanged."""

import contextlib
import io
import pathlib
import re
from types import SimpleNamespace

import numpy as np
import pytest

from rugged import i18n
from rugged.lessons import real
from zh_support import drawn, printed, texts
from zh_support import zh_tr as tr

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULE = "lessons.real"
RACE_STEPS = 40                           # a short race: the same code paths, a few seconds
RACE_AT = (0, 10, 20, 40)


@pytest.fixture(scope="module")
def noise():
    return real.noise_runs(steps=200)


@pytest.fixture(scope="module")
def problems():
    return real.digits_problems()


def small_race(problems):
    """Three racers, with a constant η and with decay, tuned from 2 seeds over RACE_STEPS updates;
    the search's progress bars are returned as text."""
    train, validation, _ = problems
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        race, tuned = real.search(train, validation, real.race_starts(["SGD", "SGD + momentum", "Adam"]),
                                  seeds=(0, 1), steps=RACE_STEPS, progress=True)
    return race, tuned, out.getvalue()


def test_noise_figures_and_table_in_chinese(zh, noise):
    shown = drawn(real.noise_figure(noise))
    assert tr("batch {r}").format(r=1) in shown and tr("batch size") in shown and tr("update $t$") in shown
    assert "batch 1" not in shown and "update $t$" not in shown
    shown = drawn(real.sigma_figure(noise))
    assert tr("batch {r} (full)").format(r=10) in shown and tr("update $t + 1$") in shown
    table = printed(real.noise_table, noise).split("\n")
    assert table[0] == tr("L − L*, geometric mean over updates {first:,} … {last:,}").format(first=100, last=200)
    assert table[1].startswith(" " * 4 + tr("batch")) and "batch" not in table[1]
    # the header keeps the English columns on screen: as wide as a row
    assert i18n.display_width(table[1]) == i18n.display_width(table[2])


def test_panel_in_chinese_and_its_errors_stay_english(zh):
    panel = real.noise_panel(steps=100)
    assert [c.description for c in panel.controls.values()] == [tr("optimizer"), tr("batch size r"), tr("seed")]
    assert panel.message.startswith("100 步后：批量 2 时 L − L* = ") and "with" not in panel.message
    shown = drawn(panel.figure)
    assert tr("full batch (r = 10)") in shown and tr("minibatch") in shown
    assert tr("{optimizer}, batch {r}, seed {seed}").format(optimizer="Adam", r=2, seed=0) in shown
    with pytest.raises(ValueError, match="Invalid batch size r: 11"):
        real.noise_panel(batch_size=11)


def test_the_race_in_chinese(zh, problems):
    train, validation, test = problems
    race, tuned, bars = small_race(problems)
    assert tr("search, pass {n}").format(n=1) + ": 100%" in bars and "search" not in bars
    momentum = tr("SGD + momentum")
    assert momentum == "SGD + " + tr("Momentum") != "SGD + momentum"      # the same word for momentum everywhere
    shown = drawn(real.sensitivity_figure(tuned))
    assert momentum in shown and tr("validation loss after training") in shown
    assert tr(r"constant $\eta$") in shown and tr(r"cosine decay $\eta^t$ to 0") in shown
    shown = drawn(real.curves_figure(race, tuned))
    assert momentum in shown and tr("minibatch loss (mean over seeds)") in shown
    shown = drawn(real.stall_figure(race, tuned, train))
    assert momentum in shown and tr(r"training loss $L(\theta^t)$") in shown

    stall = printed(real.stall_table, race, tuned, train, at=RACE_AT).split("\n")
    assert stall[0].endswith(tr("t = {t} ÷ end").format(t=10)) and stall[1].startswith(momentum)
    assert len({i18n.display_width(line) for line in stall if line}) == 1      # columns line up
    for decayed, title in ((False, tr("constant η")), (True, tr("cosine decay"))):
        table = printed(real.test_table, race, tuned, test, decayed=decayed).split("\n")
        assert table[0].startswith(title) and tr("test accuracy") in table[0] and "accuracy" not in table[0]
        # the header is as wide on screen as the English one, and each name column is 16 wide
        assert i18n.display_width(table[0]) == 16 + 9 + 20 + 18
        assert table[1].startswith(momentum + " ") or table[2].startswith(momentum + " ")
        assert all(i18n.display_width(line.split("  ")[0]) <= 16 for line in table[1:] if line)


def test_warmup_tables_torch_check_and_training_bar_in_chinese(zh, problems):
    train, validation, _ = problems
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        warm = real.train(train, real.warmup_blocks(0.1), seeds=(0, 1), steps=20, progress=True)
    assert out.getvalue().lstrip("\r").startswith(tr("training") + ": ") and "training" not in out.getvalue()
    table = printed(real.warmup_table, warm, validation).split("\n")
    assert tr("validation loss over {n} seed").format(n=2) in table[0] and tr("worst") in table[0]
    assert table[2].startswith(tr("Adam + warmup")) and "warmup" not in table[2]
    assert i18n.display_width(table[2]) == i18n.display_width(table[1])
    rect = printed(real.rectification_table)
    assert rect.startswith("RAdam 乘在 Adam 步长上的因子 r_t：") and "at t =" not in rect
    check = printed(real.torch_check, steps=10)
    assert tr("parameters") not in check and "参数" in check and "relative error" not in check


def test_exercise_feedback_in_chinese(zh):
    assert real.check_scale(5).message.startswith("对：") and "batch" not in real.check_scale(5).message
    assert real.check_scale(None).message == tr(
        "Not answered yet: set {what} in the cell above, then run this cell again.").format(what="scale（一个数）")
    assert real.check_updates_per_epoch(34).message.startswith("34 把最后那个只有 22 张图像")
    assert real.check_updates_per_epoch(32.9999999999).message.startswith("对（把 32.9999999999 读作 33）：")
    ratio = real.check_spread_ratio(2.236).message
    assert ratio.startswith("2.236 是 sqrt(5/1)") and "(N − r)/(N − 1)" in ratio
    assert real.check_spread_ratio(7).message == "不是 7：用公式分别写出 r = 1 和 r = 5 时的离散程度，再相除；s² 会约掉。"


def test_english_is_unchanged(en, noise, problems):
    train, validation, test = problems
    table = printed(real.noise_table, noise).split("\n")
    assert table[:2] == ["L − L*, geometric mean over updates 100 … 200",
                         f"{'batch':>8}" + "".join(f"{r:>11}" for r in (1, 2, 5, 10))]
    assert "batch 10 (full)" in texts(real.sigma_figure(noise))
    panel = real.noise_panel(steps=100)
    assert [c.description for c in panel.controls.values()] == ["optimizer", "batch size r", "seed"]
    assert panel.message.startswith("after 100 steps: L − L* = ") and " with the full gradient" in panel.message
    race, tuned, bars = small_race(problems)
    assert "search, pass 1: 100%|" in bars and "search, pass 2: " in bars
    header = printed(real.test_table, race, tuned, test).split("\n")[0]
    assert header == f"{'constant η':<16}{'tuned η':>9}{'validation loss':>20}{'test accuracy':>18}"
    assert "SGD + momentum" in texts(real.sensitivity_figure(tuned))
    assert printed(real.rectification_table).startswith("RAdam's factor r_t on Adam's step: 0.03 at t = 5, ")
    assert real.check_scale(0.2).message == ("0.2 is r/N, upside down: the batch has fewer terms than L, so it "
                                             "must be scaled up, not down.")
    assert real.check_updates_per_epoch(33).message == ("Yes: 33 batches of 32 use 1056 of the 1078 images; the "
                                                        "other 22 wait for the next epoch's shuffle.")
    assert real.check_spread_ratio(None).message.startswith("Not answered yet: set ratio (a number) in")


# the lines the notebook's own cells used to print, moved into the lesson (one test per function)

NAMES = re.compile(r"\b(?!(?:SGD|Adam|RAdam|torch)\b)[A-Za-z]{2,}")    # an English word, names excepted

SPREAD_FULL = np.array([-3.211e4, -1.131e7])
SPREADS = {1: np.array([2.1e4, 1.4e7]), 10: np.array([0.0, 0.0])}


def test_spread_table_in_chinese_and_english(zh):
    table = printed(real.spread_table, SPREAD_FULL, SPREADS)
    assert table.startswith(tr("full gradient at the start: ∂L/∂b = {b:.4g}, ∂L/∂w = {w:.4g}").format(
        b=SPREAD_FULL[0], w=SPREAD_FULL[1])) and not NAMES.search(table)
    lines = table.split("\n")
    note = "   " + tr("(standard deviation / |full|)")
    assert lines[1].endswith(note) and i18n.display_width(lines[1][:-len(note)]) == 3 + 20 + 20   # columns kept
    i18n.set_language("en")
    full = SPREAD_FULL
    old = [f"full gradient at the start: ∂L/∂b = {full[0]:.4g}, ∂L/∂w = {full[1]:.4g}",
           f"{'r':>3}{'spread of ∂L/∂b':>20}{'spread of ∂L/∂w':>20}   (standard deviation / |full|)"]
    old += [f"{r:>3}{s[0] / abs(full[0]):>20.3f}{s[1] / abs(full[1]):>20.3f}" for r, s in SPREADS.items()]
    assert printed(real.spread_table, full, SPREADS) == "\n".join(old) + "\n"


def test_describe_digits_in_chinese_and_english(zh, problems):
    train, validation, test = problems
    line = printed(real.describe_digits, train, validation, test)
    assert f"{train.n_params:,}" in line and str(test.n_examples) in line and not NAMES.search(line)
    i18n.set_language("en")
    assert printed(real.describe_digits, train, validation, test) == (
        f"training {train.n_examples}, validation {validation.n_examples}, test {test.n_examples} images; "
        f"{train.n_params:,} parameters\n")


def test_describe_search_in_chinese_and_english(zh):
    race, tuned = SimpleNamespace(names=["SGD"] * 12), {"SGD": None, "Adam": None}
    line = printed(real.describe_search, race, tuned)
    assert line == tr("{runs} runs of {steps} updates, {tuned} optimizer settings tuned").format(
        runs=12, steps=real.STEPS, tuned=2) + "\n" and not NAMES.search(line)
    i18n.set_language("en")
    assert printed(real.describe_search, race, tuned) == f"12 runs of {real.STEPS} updates, 2 optimizer settings tuned\n"
