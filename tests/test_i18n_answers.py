"""Exercise answers as a Chinese learner types them: glossary terms (调度, 衰减, 预热, 均方根, 分母) and a
term beside its symbol (动量 m, 偏置 b), roots (√12.5), the enumeration comma (0.01、0.1), units and
measure words (693 次, 第 6 步, 5 倍, 约 0.01, 10η). Right ones are accepted; wrong ones get a true
message in Chinese, spaced as the house style asks; none gets a traceback."""

import pathlib
import re

import polib
import pytest

from rugged import exercises, i18n
from rugged.exercises import Feedback

from test_exercises import CHECKS

CJK = re.compile(r"[\u4e00-\u9fff]")
LOCALE = pathlib.Path(__file__).resolve().parents[1] / "lib" / "rugged" / "locale" / "zh"   # the source catalogs

CHINESE_RIGHT = {
    "stalls.largest_stable_lr": ["约 0.01", "η ≈ 0.01", "２/199.8"],
    "stalls.steps_to_halve": ["693 次", "约693次更新", "693 步左右", "大约 693 步"],
    "stalls.minimum_ratio_answer": ["0.75、否", "0.75，不是", "75%；鞍点", ("3/4", "不是局部最小值")],
    "adagrad.sigma_one": ["√12.5", "约3.54", "3.54 左右"],
    "adagrad.larger_step": ["偏置 b", "b 的步长更大", "参数 b 的步长更大", "偏置", "b 的学习率更大"],
    "rmsprop.check_sigma_update": ["√7.2", "约 2.68"],
    "rmsprop.check_torch_first_step": ["10η", "10 η", "约 0.1"],
    "adam.check_first_step": ["1η", "η", "1 倍", "1倍"],
    "adam.check_memory": ["贝塔2", "二阶矩的 β2", "β２"],
    "decay.inverse_sqrt_lr": ["1/√100", "约 0.1"],
    "decay.adagrad_sigmas": ["(5, √12.5)", "5、√12.5", "（5，√12.5）"],
    "warmup.check_rectify_step": ["第6步", "第 6 步", "第 6 次"],
    "warmup.check_resnet_lr": ["(0.01、0.1)", "（0.01、0.1）", "0.01、0.1"],
    "real.check_scale": ["5倍", "5 倍", "５"],
    "real.check_updates_per_epoch": ["33 次", "33次更新", "33 个更新"],
    "real.check_spread_ratio": ["3 倍", "√9", "约 3"],
    "summary.check_zigzag_ingredient": ["动量", "动量 m", "m（动量）", "动量项"],
    "summary.check_adam_ingredients": ["第 D 行", "选 D"],
}


@pytest.mark.parametrize("name, answer", [(n, a) for n, answers in CHINESE_RIGHT.items() for a in answers],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_right_answers_typed_in_chinese_are_accepted(zh, name, answer):
    feedback = CHECKS[name].__wrapped__(answer)
    assert feedback.ok, feedback.message
    assert CJK.search(feedback.message)


SCHEDULE = "调度把每一步都乘以同一个 ηᵗ"
SIGMA = "σ 是均方根"
CHINESE_WRONG = {   # answer → the start of the message (in Chinese)
    "summary.check_zigzag_ingredient": {"调度": SCHEDULE, "学习率调度": SCHEDULE, "衰减": SCHEDULE,
                                        "学习率衰减": SCHEDULE, "预热": SCHEDULE, "均方根": SIGMA, "分母": SIGMA,
                                        "分母 σ": SIGMA, "自适应学习率": SIGMA,
                                        "随便": "请回答 'momentum'、'sigma' 或 'schedule'；收到的是 '随便'。",
                                        "不是动量": "请回答 'momentum'、'sigma' 或 'schedule'"},
    "summary.check_name_the_optimizer": {"课上的 Adagrad": "课上的 Adagrad 用恒定 η"},
    "adagrad.larger_step": {"权重 w": "这里恰好相反", "b 和 w": "请用参数名 'b' 或 'w' 作答",
                            "w 的步长更小": "请用参数名 'b' 或 'w' 作答"},
    "stalls.minimum_ratio_answer": {(1, 2): "(1, 2) 不是 (ratio, is_minimum) 的形式，即一个比例和 True 或 False："
                                            "is_minimum 应为 True 或 False；收到的是 2。"},
    "stalls.largest_stable_lr": {"abc": "eta_max 应为一个数；收到的是 'abc'。"},
    "stalls.steps_to_halve": {"346 次": "346 是陡峭方向"},
    "real.check_scale": {0.2: "0.2 是 r/N，上下颠倒了", "abc": "scale 应为一个数；收到的是 'abc'。"},
    "real.check_spread_ratio": {"abc": "ratio 应为一个数；收到的是 'abc'。"},
    "real.check_updates_per_epoch": {"33.5": "updates 应为一个整数；33.5 不是整数。"},
    "adam.check_first_step": {"5 倍": "5 = |g| 是梯度下降的步长"},
    "warmup.check_rectify_step": {"第 5 步": "torch 的第 5 步是首次满足论文阈值"},
    "decay.adagrad_sigmas": {(1, "x"): "第二个值应为一个数；收到的是 'x'。"},
}


@pytest.mark.parametrize("name, answer", [(n, a) for n, cases in CHINESE_WRONG.items() for a in cases],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_wrong_answers_typed_in_chinese_get_a_true_message(zh, name, answer):
    feedback = CHECKS[name].__wrapped__(answer)
    assert not feedback.ok and feedback.message.startswith(CHINESE_WRONG[name][answer]), feedback.message
    assert "应为一个名称" not in feedback.message                       # a word is a name


def test_a_list_that_is_not_a_ratio_and_a_truth_value_is_told_so(zh):
    message = CHECKS["stalls.minimum_ratio_answer"]([1, 2]).message
    assert message.startswith("[1, 2] 不是 (ratio, is_minimum) 的形式") and "对角" not in message


def test_the_cliff_steps_are_listed_with_chinese_punctuation(zh):
    message = CHECKS["rmsprop.check_brakes_hardest"](0.5).message
    listed = re.search(r"α = 0\.5：\d+\.\d\dη，α = 0\.99：\d+\.\d\dη。$", message)
    assert listed and ": " not in message and "η, " not in message, message


@pytest.mark.parametrize("what, message", [
    ("`eta_max`", "eta_max 应为一个数；收到的是 'abc'。"), ("`sigma`", "sigma 应为一个数；收到的是 'abc'。"),
    ("第一个值", "第一个值应为一个数；收到的是 'abc'。"),
    ("`answer`（第一步的大小除以 η）", "answer（第一步的大小除以 η）应为一个数；收到的是 'abc'。"),
])
def test_a_latin_name_is_spaced_from_chinese_and_a_chinese_one_is_not(zh, what, message):
    assert exercises.as_number("abc", what).message == message
    assert exercises.as_int("abc", what).message == message


def test_a_field_beside_a_chinese_word_is_spaced_in_every_message(zh):
    close = exercises.rounding_of(3.5, 3.5355, 1e-3, what=i18n.tr("torch's σ"))
    assert "是 torch 的 σ 四舍五入" in close
    assert "是正确答案四舍五入" in exercises.rounding_of(3.5, 3.5355, 1e-3)
    assert exercises.as_bool("也许", "`is_minimum`").message.startswith("is_minimum 应为 True 或 False；")
    # the catalog writes the house style: a field is never glued to a Chinese character
    glued = re.compile(r"[\u4e00-\u9fff]\{(?!\{)|(?<!\})\}[\u4e00-\u9fff]")
    for entry in polib.pofile(str(LOCALE / "exercises.po")):
        for text in (entry.msgstr, *entry.msgstr_plural.values()):
            assert not glued.search(text), text


def test_english_messages_are_unchanged_by_the_spacing(en):
    assert exercises.as_number("abc", "`eta_max`").message == "eta_max should be a number; got 'abc'."
    assert exercises.as_number("调度", "`x`").message == "x should be a number; got '调度'."
    assert CHECKS["real.check_scale"](None).message.startswith("Not answered yet: set scale (a number) in")
    assert CHECKS["real.check_scale"]("abc").message == "scale should be a number; got 'abc'."
    message = CHECKS["rmsprop.check_brakes_hardest"](0.5).message
    assert re.search(r"α = 0\.5: \d+\.\d\dη, α = 0\.99: \d+\.\d\dη\.$", message), message


JUNK = ["调度", "随便", "约", "约η", "第步", "第 η 步", "倍", "√", "1/√", "√-1", "√√2", "η", "η/η", "、", "（、）",
        "0.1、", "、0.1", "10η左右", "第 6 步、第 7 步", "√12.5、", "约 √", "不是", "0,5 倍", "1e999 次", "√1e999"]


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_chinese_junk_gets_chinese_feedback_never_a_crash(zh, name):
    for answer in JUNK:
        feedback = CHECKS[name](answer)
        assert isinstance(feedback, Feedback), (answer, feedback)
        assert CJK.search(feedback.message) and "无法检查" not in feedback.message, (answer, feedback.message)
        assert CHECKS[name].__wrapped__(answer).message == feedback.message     # the check itself did not raise
