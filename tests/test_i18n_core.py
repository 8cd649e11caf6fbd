"""The shared modules in Chinese: exercise feedback (every reader's message, for any value a learner
types), the checks accepting right answers in Chinese as in English, figures and their legends,
panels' controls and status lines, the race table and verdicts, surface and optimizer names; and
the same calls in English, unchanged."""

import re

import numpy as np
import pytest

from rugged import compose, descend, exercises, i18n, optim, plots, schedules, style, surfaces, tuning, widgets
from rugged.exercises import Feedback, as_bool, as_int, as_name, as_number, as_pair, name_key
from rugged.runner import bursts
from zh_support import every_glyph

from test_exercises import CHECKS, RIGHT

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_FEEDBACK = re.compile(r"should be|Give two|Not answered|Pick one|has a comma|could not be checked")


def _prefix(message):
    """The words of a message before its first field, in the current language."""
    return i18n.tr(message).split("{")[0]


# ---- exercise feedback -----------------------------------------------------------------

REFUSED = [float("nan"), "abc", "0,5", "2,683", "1 - 0.9", "sqrt(2)", "1/0", True, np.array([1.0, 2.0, 3.0]),
           np.array([]), [], [1, 2], {"a": 1}, 3 + 1j, b"1", "inf", "12 13", object(), np.array([True]), 5.5]


@pytest.mark.parametrize("answer", REFUSED, ids=exercises.shown)
def test_every_refusal_of_a_number_is_in_chinese(zh, answer):
    with every_glyph():
        feedback = as_int(answer, "`steps`")
    assert isinstance(feedback, Feedback) and not feedback.ok
    assert feedback.message.startswith("steps") and CJK.search(feedback.message), feedback.message
    assert not ENGLISH_FEEDBACK.search(feedback.message) and not re.search(r"\{[a-z_]*\}", feedback.message)


def test_feedback_in_chinese_says_the_same_as_in_english(zh):
    assert as_number(None, "`lr`").message.startswith(_prefix(
        "Not answered yet: set {what} in the cell above, then run this cell again."))
    assert as_number(None, "`lr`").message.startswith("还没有作答")
    assert as_number(float("nan"), "`lr`").message == i18n.tr(
        "{what} should be a number; got NaN (Not a Number).").format(what="lr")
    assert "0.1" in as_number("1 - 0.9", "`lr`").message                   # the value it computed
    assert "(0.5)" in as_number("0,5", "`lr`").message.replace("（", "(").replace("）", ")")
    message = as_pair("1 2 3", "`answer = (m, m_hat)`").message
    assert message.startswith(_prefix("Give two numbers, {what}; got the string {value}.")) and "'1 2 3'" in message
    assert as_pair((1, "x"), "`answer`").message.startswith(i18n.tr("The second value"))
    assert as_name(True, "`answer`").message == i18n.tr(
        "{what} should be a name; got {value}, a truth value.").format(what="answer", value=True)
    assert as_bool("maybe", "`is_minimum`").message == i18n.tr(
        "{what} should be True or False; got {value}.").format(what="is_minimum", value="'maybe'")
    choice = exercises.as_choice(0.3, (0.1, 0.01), "`eta`").message
    assert "0.1" + i18n.tr(" or ") + "0.01" in choice and CJK.search(choice)


def test_rounding_and_crashing_checks_speak_chinese(zh):
    close = exercises.rounding_of(0.12, 0.1234, 1e-4)
    assert close.startswith("接近了") and i18n.tr("the answer") in close and "2" in close and "4" in close

    @exercises.check
    def broken(answer):
        raise ZeroDivisionError("a bug")
    try:
        feedback = broken(3)
    finally:
        exercises.CHECKS.remove(broken)
    assert not feedback.ok and "ZeroDivisionError" in feedback.message and CJK.search(feedback.message)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_every_check_says_unanswered_in_chinese(zh, name):
    feedback = CHECKS[name](None)
    assert not feedback.ok and feedback.message.startswith("还没有作答"), feedback.message


@pytest.mark.parametrize("name", sorted(CHECKS))
@pytest.mark.parametrize("answer", [float("nan"), None, np.array([1.0, 2.0, 3.0]), object(), b"1"],
                         ids=exercises.shown)
def test_a_value_no_reader_takes_gets_chinese_feedback(zh, name, answer):
    feedback = CHECKS[name](answer)
    assert isinstance(feedback, Feedback) and not feedback.ok
    assert CJK.search(feedback.message) and not ENGLISH_FEEDBACK.search(feedback.message), feedback.message


CHINESE_RIGHT = {    # right answers written the way a Chinese learner may write them
    "stalls.largest_stable_lr": ["０.０１", "η = 0.01", "（0.01）"],
    "stalls.minimum_ratio_answer": [(0.75, "否"), (0.75, "鞍点"), (0.75, "不是"), ("75％", "不是局部最小值"),
                                    {"ratio": 0.75, "is_minimum": "否"}, ["0.75", "不是"]],
    "adagrad.larger_step": ["偏置", "参数 b", "截距"],
    "adam.check_first_moment": ["0.2，2", "（0.2，2）", "0.2；2"],
    "adam.check_memory": ["第二个 beta", "β２"],
    "summary.check_zigzag_ingredient": ["动量"],
    "warmup.check_resnet_lr": ["0.01，0.1"],
}


@pytest.mark.parametrize("name, answer", [(n, a) for n, answers in {**RIGHT, **CHINESE_RIGHT}.items()
                                          for a in answers], ids=lambda v: v if isinstance(v, str) else None)
def test_right_answers_are_accepted_in_chinese_too(zh, name, answer):
    if name not in CHECKS:
        pytest.skip(f"no check {name}")
    feedback = CHECKS[name].__wrapped__(answer)
    assert feedback.ok, feedback.message


@pytest.mark.parametrize("text, truth", [("是", True), ("对", True), ("是的，它是局部最小值", True), ("最小值", True),
                                         ("否", False), ("不是", False), ("鞍点", False), ("不，是鞍点", False),
                                         ("是鞍点", False), ("不是最小值", False)])
def test_as_bool_reads_chinese_yes_and_no(text, truth):
    assert as_bool(text, "`x`") is truth


@pytest.mark.parametrize("text", ["不是鞍点", "也许", "是，不是", "最小值，鞍点", "临界点"])
def test_as_bool_refuses_chinese_it_cannot_read(text):
    assert isinstance(as_bool(text, "`x`"), Feedback)


def test_chinese_glossary_terms_read_as_their_english_names():
    assert name_key("学习率") == name_key("learning rate")
    assert name_key("动量") == name_key("momentum")
    assert name_key("参数 b") == name_key("b")
    assert name_key("第二个 beta") == name_key("second beta")


# ---- figures, panels, tables -------------------------------------------------------------

def _race():
    z = surfaces.zigzag()
    results = tuning.race(z, {"SGD": optim.SGD, "Adam": optim.Adam}, **{**tuning.settings(z), "steps": 200})
    return z, results


def _texts(fig):
    from matplotlib.text import Text
    found = [t.get_text() for t in fig.findobj(Text)]
    for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]:
        found += [t.get_text() for t in legend.get_texts()]
    found += [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
    return found


def test_race_figure_is_drawn_in_chinese_with_every_glyph(zh):
    z, results = _race()
    paths = {t.label: t.path for t in results.values()}
    with every_glyph():
        fig = plots.race(z, paths, sensitivity=results)
        fig.canvas.draw()
    texts = _texts(fig)
    for english in ("step t", "per step, from the start ●", "start", "end of the budget", "best η", "not all",
                    "not all: a start is lost", r"sensitivity to $\eta$", "median steps to the goal",
                    "Tilted zig-zag valley"):
        assert i18n.tr(english) != english and i18n.tr(english) in texts, english
    assert not any(re.search(r"\b(step|start|budget|sensitivity)\b", t) for t in texts)
    assert any(t.startswith("SGD (η") for t in texts)          # names stay, first (style.color_of)
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_curves_and_sigma_plots_in_chinese(zh):
    s = surfaces.pokemon()
    path = descend(s, optim.Adagrad(lr=1.0), s.start, 300)
    with every_glyph():
        axes = plots.loss_and_grad({"GD": descend(s, optim.GD(lr=1e-7), s.start, 300), "Adagrad": path})
        axes[0].figure.canvas.draw()
        sigma = plots.sigma_and_step(path, names=["b", "w"], title=s.title)
        sigma[0].figure.canvas.draw()
    assert axes[0].get_ylabel() == i18n.tr(r"loss $L(\theta^t)$") != r"loss $L(\theta^t)$"
    assert axes[1].get_xlabel() == i18n.tr("step t") != "step t"
    assert sigma[1].get_ylabel() == i18n.tr(r"effective step $\eta^t/\sigma_i^t$")
    assert [t.get_text() for t in sigma[0].get_legend().get_texts()] == ["b 的 $\\sigma$", "w 的 $\\sigma$"]
    assert sigma[0].figure._suptitle.get_text() == i18n.tr("Pokémon CP regression")
    import matplotlib.pyplot as plt
    plt.close("all")


def test_race_table_keeps_its_columns_in_chinese(zh):
    _, results = _race()
    lines = tuning.table(results).split("\n")
    assert CJK.search(lines[0]) and i18n.tr("best η") in lines[0]
    assert i18n.display_width(lines[0]) == i18n.display_width(lines[1]) == i18n.display_width(lines[2])
    verdict = tuning.verdict(results)
    assert verdict.startswith("最快：") or verdict.startswith("并列：")
    assert not re.search(r"\b(steps|median|budget|fastest|tie)\b", "\n".join(lines))


def test_panel_controls_and_status_lines_in_chinese(zh):
    controls = widgets.noise_controls(0.05, 3)
    assert controls["noise"].description == "噪声" and controls["seed"].description == "随机种子"
    assert CJK.search(controls["noise"].tooltip) and CJK.search(controls["seed"].tooltip)
    assert widgets.noise_controls()["seed"].tooltip == i18n.tr("Noise 0% is the exact gradient: nothing is drawn, "
                                                               "so no seed.")
    assert widgets.noise_text(0.05, 8.123, 3) == "噪声 s = 8.12（‖∇L(θ⁰)‖ 的 5%），随机种子 3"
    z = surfaces.zigzag()
    diverged = descend(z, optim.GD(lr=10), z.start, 50)
    assert widgets.diverged_message(diverged, "GD").startswith(f"GD 在第 {diverged.diverged_at} 步发散")
    assert widgets.diverged_message(diverged).startswith("这次运行在第")

    fig, ax = plots.new_figure(static=False)
    (line,) = ax.plot([0, 1], [0, 1])

    def draw(x):
        ax.set_title(r"$\frac{1}{$" if x > 0.5 else "ok")    # bad mathtext: fails only when drawn
        return "ok"
    panel = widgets.Panel({"x": widgets.slider("x", 0.1, 0, 1, 0.1)}, fig, draw, animated=[line, ax.title])
    panel.set(x=0.9)
    assert panel.error and panel.message.startswith("无法绘制图形：")
    assert CJK.search(panel._repr_mimebundle_()["text/plain"])


def test_surface_and_optimizer_names_in_chinese_and_back(zh):
    ravine = surfaces.ravine()
    assert ravine.title == i18n.tr("Convex ravine") != "Convex ravine"
    assert "Convex ravine" in repr(ravine)                               # a repr stays English
    assert surfaces.Scaled(ravine, 2).title == "2 × " + i18n.tr("Convex ravine")
    assert surfaces.Slope(2).title.startswith(i18n.tr("Straight slope L(θ) = {c}·θ").split("{")[0])
    adam = compose.Composed(0.1, 0.9, "adam", bias_correction=True)
    assert compose.match(adam, schedules.WarmupCosine(10, 200)).name == "Adam" + i18n.tr(" + warmup + cosine decay")
    lecture = compose.match(compose.Composed(0.1, None, "adagrad", form="lecture"))
    assert lecture.name.startswith("Adagrad (") and CJK.search(lecture.name) and CJK.search(lecture.torch)
    assert style.color_of(lecture.name) == style.color_of("Adagrad")
    assert CJK.search(compose.match(compose.Composed(0.1, 0.9, "rmsprop")).name)
    s = surfaces.pokemon()
    assert CJK.search(bursts(descend(s, optim.GD(lr=1e-7), s.start, 50), s).summary())
    i18n.set_language("en")                                             # the same objects, in English
    assert ravine.title == "Convex ravine"
    assert lecture.name.startswith("Adagrad (")


def test_english_is_unchanged(en):
    z, results = _race()
    table = tuning.table(results).split("\n")
    assert table[0].split() == ["best", "η", "steps", "reached", "η", "with", "≤", "2×", "the", "best", "steps",
                                "η", "where", "all", "reach", "the", "goal"]
    assert table[-3].startswith("steps: median over the 5 starts") and table[-1].startswith("η: a log grid, ")
    assert tuning.verdict(results).startswith(("fastest: ", "tie: "))
    assert widgets.noise_text(0.05, 8.123, 3) == "noise s = 8.12 (5% of ‖∇L(θ⁰)‖), seed 3"
    controls = widgets.noise_controls(0.05, 3)
    assert (controls["noise"].description, controls["seed"].description) == ("noise", "seed")
    assert surfaces.zigzag().title == "Tilted zig-zag valley"
    assert compose.match(compose.Composed(0.1, None, "adagrad", form="lecture")).name == "Adagrad (lecture's mean form)"
    assert as_number(None, "`lr`").message == "Not answered yet: set lr in the cell above, then run this cell again."
    assert as_pair({"a": 1}, "`answer`").message == "Give two numbers, answer; got a dict of 1 entry: {'a': 1}."
    assert exercises.rounding_of(0.12, 0.1234, 1e-4) == ("Close: 0.12 is the answer rounded to 2 significant "
                                                         "digits. Give at least 4, rounded.")
    paths = {t.label: t.path for t in results.values()}
    fig = plots.race(z, paths, sensitivity=results)
    texts = _texts(fig)
    assert {"step t", "per step, from the start ●", "best η", "not all"} <= set(texts)
    import matplotlib.pyplot as plt
    plt.close(fig)


# ---- racers, surfaces and words inside Chinese sentences ---------------------------------

def _momentum_race():
    z = surfaces.zigzag()
    racers = {"SGD": optim.SGD, "Momentum": lambda lr: optim.SGD(lr, momentum=0.9)}
    return z, tuning.race(z, racers, **{**tuning.settings(z), "steps": 200})


def test_a_racer_has_one_shown_name_in_every_table_legend_and_verdict(zh):
    momentum = i18n.tr("Momentum")
    assert CJK.search(momentum) and i18n.tr("SGD + momentum") == "SGD + " + momentum   # the same word
    assert style.racer_name("Momentum (η = 0.1)") == momentum + " (η = 0.1)"
    assert style.racer_name("Momentum β=0.9") == momentum + " β=0.9"
    assert style.racer_name("Adam (η = 0.1)") == "Adam (η = 0.1)" and style.racer_name("GD") == "GD"
    for label in ("Momentum", "Momentum (η = 0.1)", "SGD", "SGD + momentum", "Adam (η = 0.3)"):   # colours in both languages
        assert style.color_of(style.racer_name(label)) == style.color_of(label)
    z, results = _momentum_race()
    table = tuning.table(results)
    assert "Momentum" not in table and momentum in table
    lines = table.split("\n")
    assert len({i18n.display_width(line) for line in lines[:3]}) == 1            # columns line up
    assert "Momentum" not in tuning.verdict(results)
    fig = plots.race(z, {t.label: t.path for t in results.values()}, sensitivity=results)
    texts = _texts(fig)
    assert not any("Momentum" in t for t in texts)
    assert any(t.startswith(momentum + " (η = ") for t in texts)
    assert momentum in [line.get_label() for line in fig.axes[2].get_lines()]   # the sensitivity's curves
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_surface_short_names_in_chinese(zh):
    names = [surfaces.short_name(name) for name in surfaces.all_surfaces()]
    assert names == ["宝可梦", "狭长山谷", "之字形山谷", "Rosenbrock", "鞍点", "平台加悬崖", "崎岖的碗"]
    assert surfaces.short_name("other") == "other"
    assert "之字形" in surfaces.zigzag().title and "锯齿" not in surfaces.zigzag().title


def test_words_inside_chinese_sentences(zh):
    assert (i18n.truth(True), i18n.truth(False)) == ("是", "否")
    assert i18n.series(["宝可梦 3,000", "狭长山谷 1,000", "Rosenbrock 2,000"]) == "宝可梦 3,000、狭长山谷 1,000、Rosenbrock 2,000"
    assert i18n.tidy("η = 0.1 的重球 在第 9 步发散") == "η = 0.1 的重球在第 9 步发散"
    assert i18n.tidy("Adam 在第 9 步，鞍点 上") == "Adam 在第 9 步，鞍点上"
    z = surfaces.zigzag()
    diverged = descend(z, optim.GD(lr=10), z.start, 50)
    assert widgets.diverged_message(diverged, "重球").startswith("重球在第")
    described = compose.match(compose.Composed(0.1, 0.9, "adam")).name
    assert CJK.search(described) and ", " not in described and "，" in described
    assert compose.match(compose.Composed(0.1, 0.9)).name.startswith(i18n.tr("Momentum") + " (")


def test_racers_surfaces_and_truths_unchanged_in_english(en):
    assert style.racer_name("Momentum (η = 0.1)") == "Momentum (η = 0.1)"
    assert style.racer_name("SGD + momentum") == "SGD + momentum"
    assert [surfaces.short_name(name) for name in surfaces.all_surfaces()] == list(surfaces.all_surfaces())
    assert i18n.truth(True) is True and f"{i18n.truth(np.bool_(False))}" == "False"
    assert i18n.series(["a", "b", "c"]) == "a, b, c" and i18n.tidy("重球 在") == "重球 在"
    assert compose.match(compose.Composed(0.1, 0.9, "adam")).name == "no named optimizer (EMA momentum, Adam's σ)"
    _, results = _momentum_race()
    assert tuning.table(results).split("\n")[2].startswith("Momentum ")
