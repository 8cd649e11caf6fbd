"""Every value a panel's control can take, and any argument given to a panel's factory.

The class of defect: a control value that leaves a stale figure or raises, an argument that
is silently clamped, exception text shown as HTML, a slider that cannot reach the values
the lesson is about, a status line that moves the figure, a first visit to a scene that is
slower than the later ones.
"""

import asyncio
import inspect
import io
import math
import random
import threading

import ipywidgets as w
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image

from rugged import lessons, plots, widgets

lessons.load_all()                    # registers the panels

matplotlib.use("Agg")

CHOICES = (w.Dropdown, w.RadioButtons, w.ToggleButtons)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def options_of(control):
    return list(control._options_values)


def extremes(control):
    """The values at the ends of a control's range, or every option of a drop-down."""
    if isinstance(control, CHOICES):
        return options_of(control)
    if isinstance(control, widgets.StopSlider):
        return [control.min, control.max]
    if isinstance(control, w.FloatLogSlider):
        return [control.base ** control.min, control.base ** control.max]
    return [control.min, control.max]


def png_size(png):
    return Image.open(io.BytesIO(bytes(png))).size


def check_drawn(panel, before_png, before_redraws, last_good):
    """The panel redrew once, shows a PNG of the same size, and either drew without error or
    says what is wrong in the status line, without the previous setting's artists."""
    assert panel.redraws == before_redraws + 1
    png = bytes(panel.image.value)
    assert png.startswith(b"\x89PNG") and png_size(png) == png_size(before_png)
    if panel.error:
        assert panel.message.strip(), "an error without a message"
        assert panel.status.value, "an error that the status line does not show"
        assert png != last_good, "an error left the last good figure in place"
    return png


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_control_extreme_draws_or_says_why(name):
    panel = widgets.PANELS[name]()
    assert not panel.error, panel.message
    png, last_good = bytes(panel.image.value), bytes(panel.image.value)
    defaults = panel.values
    settings_ = [{control: value} for control, c in panel.controls.items() for value in extremes(c)]
    ends = {control: extremes(c) for control, c in panel.controls.items()}
    settings_ += [{c: v[0] for c, v in ends.items()}, {c: v[-1] for c, v in ends.items()}]
    rng = random.Random(name)
    settings_ += [{c: rng.choice(v) for c, v in ends.items()} for _ in range(4)]
    for values in settings_:
        redraws = panel.redraws
        panel.set(**{**defaults, **values})
        png = check_drawn(panel, png, redraws, last_good)
        if not panel.error:
            last_good = png
            assert panel.message.strip(), f"{name} {values}: no status at all"


@pytest.mark.parametrize("name", sorted(widgets.PANELS))
def test_every_slider_updates_while_dragged(name):
    panel = widgets.PANELS[name]()
    sliders = [c for c in panel.controls.values() if not isinstance(c, CHOICES)]
    assert sliders and all(c.continuous_update for c in sliders)


# ---------------------------------------------------------------------------------------
# Arguments of the factories: build, or a TypeError/ValueError, never clamped

ANYTHING = st.one_of(
    st.none(), st.booleans(), st.integers(-10 ** 30, 10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-2.0, 2.0),
    st.text(max_size=6), st.lists(st.floats(0, 1), max_size=2),
    st.tuples(st.sampled_from(["adam", "torch", "none"]), st.sampled_from(["torch", "lecture"])),
    st.sampled_from([np.float32(0.5), np.int64(300), np.array([0.1, 0.2]), {"a": 1}, 1j]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_factory_builds_or_refuses_its_arguments(data):
    name = data.draw(st.sampled_from(sorted(widgets.PANELS)), label="panel")
    factory = widgets.PANELS[name]
    parameter = data.draw(st.sampled_from(list(inspect.signature(factory).parameters)), label="parameter")
    value = data.draw(ANYTHING, label="value")
    try:
        panel = factory(**{parameter: value})
    except (TypeError, ValueError) as exc:
        assert str(exc), "an error without a message"
        return
    finally:
        plt.close("all")
    assert bytes(panel.image.value).startswith(b"\x89PNG")
    assert not panel.error or panel.message.strip()
    if parameter in panel.controls:        # built: the control holds the value, not a clamped one
        held = panel.controls[parameter].value
        assert held == value or (isinstance(held, float) and math.isclose(held, float(value), rel_tol=1e-9))


@pytest.mark.parametrize("factory, arguments, error", [
    ("01 ravine", dict(eta=-1), ValueError), ("01 ravine", dict(eta=1.0), ValueError),
    ("01 ravine", dict(steps=10 ** 9), ValueError), ("01 ravine", dict(eta="0.1"), TypeError),
    ("02 adagrad", dict(b=0.0), ValueError), ("02 adagrad", dict(form="mean"), ValueError),
    ("03 rmsprop", dict(alpha=0.0), ValueError), ("03 rmsprop", dict(alpha=1.0), ValueError),
    ("03 rmsprop", dict(alpha=True), TypeError), ("03 rmsprop", dict(eta=float("nan")), ValueError),
    ("05 adam", dict(beta2=0.3), ValueError), ("05 adam", dict(surface="moon"), ValueError),
    ("06 decay", dict(kind="linear"), ValueError), ("06 decay", dict(steps=2.5), ValueError),
    ("07 transformer schedule", dict(d_model=None), TypeError),
    ("09 composer", dict(sigma=["adam", "torch"]), ValueError), ("09 composer", dict(eta=0), ValueError),
])
def test_an_argument_out_of_range_is_refused_not_clamped(factory, arguments, error):
    (parameter, value), = arguments.items()
    with pytest.raises(error) as raised:
        widgets.PANELS[factory](**arguments)
    assert raised.value.args and str(raised.value)


def test_panel_set_refuses_what_its_control_cannot_take():
    panel = widgets.PANELS["01 ravine"]()
    with pytest.raises(ValueError, match="η"):
        panel.set(eta=-1)
    with pytest.raises(TypeError, match="number"):
        panel.set(steps="300")
    with pytest.raises(TypeError, match="no control named"):
        panel.set(lr=0.1)
    assert panel.controls["eta"].value == pytest.approx(1e-2)      # nothing was changed


# ---------------------------------------------------------------------------------------
# The forgetting factors: α and β2 on a log scale of 1 − α

def test_forgetting_stops_are_log_spaced_and_hold_the_lessons_values():
    stops = widgets.forgetting_stops(0.5, 0.9999)
    for value in (0.5, 0.9, 0.99, 0.999, 0.9999):
        assert value in stops
    assert list(stops) == sorted(set(stops))
    ratios = np.diff(np.log10(1 - np.array(stops)))
    assert np.all(ratios < 0) and np.all(np.abs(ratios) <= np.log10(1.7))
    assert widgets.forgetting_stops(0.5, 0.999)[-1] == 0.999


@pytest.mark.parametrize("name, control, top", [("03 rmsprop", "alpha", 0.999), ("05 adam", "beta2", 0.9999)])
def test_alpha_and_beta2_sliders_stop_at_half_and_each_nine(name, control, top):
    panel = widgets.PANELS[name]()
    slider = panel.controls[control]
    assert isinstance(slider, widgets.StopSlider) and slider.continuous_update
    labels = dict(zip(slider._options_values, slider._options_labels))
    for value in (0.5, 0.9, 0.99, 0.999):
        assert labels[value] == f"{value:g}"            # the readout shows the value itself
        index = slider._options_values.index(value)      # one arrow key press from its neighbours
        panel.controls[control].index = index
        assert panel.values[control] == value and not panel.error
    assert slider.min == 0.5 and slider.max == top
    between = 0.96                                       # not a stop: kept exactly, not rounded
    panel.set(**{control: between})
    assert panel.values[control] == between and not panel.error and str(between) in slider.label
    with pytest.raises(ValueError):
        panel.set(**{control: 0.0})


def test_rmsprop_status_names_alpha_as_set():
    panel = widgets.PANELS["03 rmsprop"]()
    panel.set(alpha=0.9985)
    assert panel.message.startswith("α = 0.9985")


# ---------------------------------------------------------------------------------------
# The status line and the title

def small_panel(draw, **extra):
    fig, ax = plots.new_figure(static=False)
    (line,) = ax.plot([0, 1], [0, 1])
    controls = dict(x=widgets.slider("x", 0.5, 0.0, 1.0, 0.1))
    return widgets.Panel(controls, fig, lambda x: draw(ax, line, x), animated=[line, ax.title], **extra)


def test_exception_text_is_escaped_and_a_message_rendered():
    def draw(ax, line, x):
        if x > 0.6:
            raise ValueError("<script>alert(1)</script> & λ_{max}")
        return "1 − ηλ_{max} = 0.5 and `code`"
    panel = small_panel(draw, title="θ^{t+1} = θ^{t} − η g^{t}")
    assert 'λ<sub style="line-height:0">max</sub>' in panel.status.value and "<code>code</code>" in panel.status.value
    assert panel.message == "1 − ηλ_max = 0.5 and code"
    assert "θ<sup>t+1</sup>" in panel.widget.children[0].value
    panel.set(x=0.9)
    assert panel.error and "<script>" not in panel.status.value and "&lt;script&gt;" in panel.status.value
    assert "λ_{max}" in panel.message                     # an exception's text is not read as markup


def test_status_line_keeps_its_height():
    panel = small_panel(lambda ax, line, x: "word " * (400 if x > 0.6 else 1))
    height = panel.status.layout.height
    assert height and height.endswith("em") and panel.status.layout.overflow == "hidden"
    panel.set(x=0.9)
    assert panel.status.layout.height == height
    assert "-webkit-line-clamp:2" in panel.status.value and 'title="word word' in panel.status.value


def test_an_error_while_rendering_is_a_message_and_hides_the_changing_artists():
    def draw(ax, line, x):
        line.set_ydata([0, x])
        ax.set_title(r"$\frac{1}{$" if x > 0.6 else "fine")   # bad mathtext: fails only when drawn
        return "drawn"
    panel = small_panel(draw)
    good = bytes(panel.image.value)
    panel.set(x=0.9)
    assert panel.error and panel.message.startswith("The figure could not be drawn")
    assert bytes(panel.image.value) != good
    assert bytes(panel.image.value) == panel.render(animated=False)
    panel.set(x=0.2)
    assert not panel.error and panel.message == "drawn"


def test_an_error_in_draw_leaves_no_stale_artists():
    def draw(ax, line, x):
        if x > 0.6:
            raise ValueError("no such setting")
        line.set_ydata([0, x])
        return "ok"
    panel = small_panel(draw)
    panel.set(x=0.9)
    assert panel.error and panel.message == "no such setting"
    assert bytes(panel.image.value) == panel.render(animated=False)


# ---------------------------------------------------------------------------------------
# Scenes: a first visit costs what a later one does

@pytest.mark.parametrize("name", ["05 adam", "09 composer", "07 transformer schedule"])
def test_prepared_scenes_need_no_full_redraw(name):
    panel = widgets.PANELS[name]()
    assert panel.prepare() and not panel.prepare()         # the second call has nothing left to do
    full = []
    draw = panel.canvas.draw
    panel.canvas.draw = lambda *a, **k: (full.append(1), draw(*a, **k))
    for key in panel._scenes:
        panel.set(**values_for_scene(panel, key))
        assert not panel.error, panel.message
    assert not full, f"{len(full)} full redraws after prepare()"


def values_for_scene(panel, key):
    """Control values that bring `panel` to scene `key` (a surface, or a top of the y axis)."""
    if "surface" in panel.controls:
        return dict(surface=key)
    return next(dict(d_model=d, warmup_steps=s) for d in range(64, 4097, 64) for s in range(100, 20_001, 100)
                if lessons.warmup.panel_top(d, s) == key)


def test_scenes_are_prepared_while_the_kernel_is_idle():
    async def build_and_wait():
        panel = widgets.PANELS["07 transformer schedule"]()
        for _ in range(200):
            if set(panel._scenes) <= set(panel._backgrounds):
                break
            await asyncio.sleep(0.05)
        return panel
    # A thread of its own: its own event loop, even when the session already runs one
    # (the browser tests' playwright keeps a loop in the main thread).
    built = {}
    worker = threading.Thread(target=lambda: built.update(panel=asyncio.run(build_and_wait())))
    worker.start()
    worker.join()
    panel = built["panel"]
    assert set(lessons.warmup.PANEL_TOPS) <= set(panel._backgrounds)
    assert not panel.error
