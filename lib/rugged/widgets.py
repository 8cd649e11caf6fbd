"""Interactive panels: controls, a figure built once and redrawn in place, and a status line.

A `Panel` owns a matplotlib `Figure` that is not shown by the notebook's backend. It is
built once; when a control moves, the panel's `draw(**values)` updates the artists'
data (lines, markers, titles) and the figure is rendered to PNG into an
`ipywidgets.Image`. Artists (or whole axes) named `animated` are the only ones redrawn:
the rest (contours, labels) is drawn once and kept as a bitmap, which is what makes a
slider answer in a few tens of milliseconds. That works the same in JupyterLab, on Binder
and in RISE slides, with no front-end extension.

Sliders update while they are dragged. The redraw runs inside the kernel's handler of the
control's message, so the kernel reports "idle" only once the new picture is sent; the
widget front end keeps at most one message per control in flight and merges the values
that arrive meanwhile into the next one. So there is never more than one redraw queued,
the positions passed over during a redraw are skipped, and the last one is always drawn.

Every value a control can take gives a drawn figure or a message in the status line,
never a traceback and never a stale picture: an error raised by `draw` (a bad
hyperparameter) or while rendering becomes the message (its text escaped, not read as
HTML), and the changing artists are hidden until a setting draws again. The messages that
`draw` returns, and the panel's title, use the course's light markup (`code`, x^{t+1},
λ_{max}; see `rugged.exercises`): the status line renders it as HTML, `Panel.message`
keeps it as plain text. The status line has a fixed height of two lines, so
the figure below it never moves. A value outside a control's range, given to a panel's
factory or to `Panel.set`, raises a ValueError (a wrong type a TypeError) instead of being
clamped.

Every panel of the course is registered in `PANELS` (name → factory) so that
benchmarks/widget_latency.py and the browser tests can drive each one.
"""

import asyncio
import base64
import collections
import html
import io
import math
import numbers
import time
import warnings

import ipywidgets as w
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from . import _checks, plots
from .exercises import html_text, plain_text, shown
from .i18n import tidy, tr

PANELS = {}

# Arrow keys (and Home, End, Page Up/Down) pressed on a panel's slider move the slider and do
# nothing else (a drop-down or a text box keeps its own keys). In a RISE slideshow the
# application's shortcuts see a key first (on the document, capture phase) and reveal.js after
# the control (on the document, bubble phase): the key is marked handled before the first (they
# skip a handled key, the slider does not) and stopped on its way to the second. JupyterLite's
# notebook shortcuts (→ and ← in command mode) are kept off a slider the same way. With no slider
# focused, keys reach the slideshow and the notebook as before. Shown once per page by the first
# panel (an output of a hidden ipywidgets.Output, which the page runs like a cell's trusted output).
KEY_GUARD = """<script>
(() => {
  if (window.__ruggedKeyGuard) return;
  window.__ruggedKeyGuard = true;
  const keys = new Set(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);
  const onControl = (event) => keys.has(event.key) && !event.altKey && !event.ctrlKey && !event.metaKey
    && event.target instanceof Element && event.target.closest('.jupyter-widgets .noUi-handle') !== null;
  window.addEventListener('keydown', (event) => { if (onControl(event)) event.preventDefault(); }, true);
  document.body.addEventListener('keydown', (event) => { if (onControl(event)) event.stopPropagation(); });
})();
</script>"""
ERROR_COLOUR = "#D55E00"
STATUS_LINES = 2          # the status line's fixed height, in lines of text
PREPARE_AFTER = 0.5       # seconds without a redraw before a scene is drawn in advance



def described(control, label):
    """`control` showing `label` (the student's language) beside it. Made with its English name
    first, so the range check that names it in an error speaks as torch.optim would."""
    control.description = label
    return control

def register(name):
    """Decorator: add a panel factory to `PANELS` under `name` (e.g. "01 ravine")."""
    def decorate(factory):
        PANELS[name] = factory
        return factory
    return decorate


# ---------------------------------------------------------------------------------------
# Checking the values given to a control (values shown as `exercises.shown` shows an answer)

def check_number(description, value, low=None, high=None, *, integer=False):
    """`value` as a float (an int with `integer`), or a TypeError for a value that is not a
    real number (bools included) and a ValueError for NaN or a value outside [low, high]."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        kind = "a whole number" if integer else "a number"
        raise TypeError(f"{description} must be {kind}, got {_checks.describe(value)} {shown(value)}")
    try:
        number = float(value)
    except OverflowError:                    # an int beyond float64: out of every range
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number):
        raise ValueError(f"Invalid {description}: nan")
    whole = isinstance(value, numbers.Integral) or (math.isfinite(number) and number.is_integer())
    if integer and not whole:
        raise ValueError(f"Invalid {description}: {shown(value)} is not a whole number")
    below = low is not None and number < low - 1e-9 * abs(low)       # 10**-8 against 1e-8
    above = high is not None and number > high + 1e-9 * abs(high)
    if below or above:
        covers = (f"{low:g} … {high:g}" if low is not None and high is not None
                  else f"≥ {low:g}" if low is not None else f"≤ {high:g}")
        raise ValueError(f"Invalid {description}: {shown(value)}; the control covers {covers}")
    if integer:
        return int(value)
    if low is not None:       # within rounding of a bound: the bound itself
        number = max(number, low)
    if high is not None:
        number = min(number, high)
    return number


def check_control_value(control, value):
    """The value to give `control` (one built by this module), or a TypeError/ValueError
    saying why `value` is not one it can take."""
    description = control.description or "value"
    if isinstance(control, StopSlider):
        return control.check(value)
    if isinstance(control, w.FloatLogSlider):
        return check_number(description, value, control.base ** control.min, control.base ** control.max)
    if isinstance(control, w.FloatSlider):
        return check_number(description, value, control.min, control.max)
    if isinstance(control, w.IntSlider):
        return check_number(description, value, control.min, control.max, integer=True)
    if isinstance(control, (w.Dropdown, w.RadioButtons, w.ToggleButtons)):
        for option in control._options_values:
            if isinstance(option, (bool, np.bool_)) != isinstance(value, (bool, np.bool_)):
                continue
            try:
                if bool(option == value):
                    return option
            except (TypeError, ValueError):      # e.g. an array compared with a string
                continue
        allowed = ", ".join(repr(v) for v in control._options_values)
        raise ValueError(f"Invalid {description}: {shown(value)}; choose one of {allowed}")
    return value


# ---------------------------------------------------------------------------------------
# Controls

def log_slider(description, value, low, high, step=0.1, readout_format=".1e"):
    """A slider over 10^low … 10^high (for η, ε and other scales)."""
    value = check_number(description, value, 10.0 ** low, 10.0 ** high)
    return w.FloatLogSlider(value=value, base=10, min=low, max=high, step=step,
                            description=description, readout_format=readout_format,
                            continuous_update=True, style={"description_width": "initial"})


def slider(description, value, low, high, step, readout_format=".2f"):
    """A linear slider."""
    value = check_number(description, value, low, high)
    return w.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                         readout_format=readout_format, continuous_update=True,
                         style={"description_width": "initial"})


def int_slider(description, value, low, high, step=1):
    """An integer slider."""
    value = check_number(description, value, low, high, integer=True)
    return w.IntSlider(value=value, min=low, max=high, step=step, description=description,
                       continuous_update=True, style={"description_width": "initial"})


_FIRST = object()


def choice(description, options, value=_FIRST):
    """A drop-down; `options` a list of labels or of (label, value) pairs; `value` one of
    them (a ValueError otherwise), the first if not given."""
    control = w.Dropdown(options=options, description=description,
                         style={"description_width": "initial"})
    if value is not _FIRST:
        control.value = check_control_value(control, value)
    return control


def forgetting_stops(low=0.5, high=0.999):
    """Values of a forgetting factor (RMSProp's α, Adam's β2) from `low` to `high` whose
    1 − α is 1, 1.5, 2, 3, 5 or 7 times a power of ten: roughly evenly spaced in
    log(1 − α), six to a decade, with 0.5, 0.9, 0.99, 0.999 (and 0.9999) among them."""
    complements = {round(m * 10.0 ** -k, 12) for k in range(12) for m in (1, 1.5, 2, 3, 5, 7)}
    alphas = sorted(round(1 - c, 12) for c in complements)
    return tuple(a for a in alphas if low - 1e-12 <= a <= high + 1e-12)


class StopSlider(w.SelectionSlider):
    """A slider over fixed stops, e.g. α on a log scale of 1 − α (`forgetting_stops`): the
    mouse and the arrow keys move from stop to stop and the readout shows the value itself.

    A value between two stops, given to the factory or to `Panel.set`, becomes a stop of
    its own, so it is shown exactly; one outside the stops' range is a ValueError.
    """

    def __init__(self, description, value, stops, fmt=".6g", **kwargs):
        self.stops, self.fmt = tuple(float(s) for s in stops), fmt
        low, high = self.stops[0], self.stops[-1]
        value = check_number(description, value, low, high)
        stop = self._on_stop(value)
        super().__init__(options=self._options(value), value=value if stop is None else stop,
                         description=description, continuous_update=True,
                         style={"description_width": "initial"}, **kwargs)

    @property
    def min(self):
        return self.stops[0]

    @property
    def max(self):
        return self.stops[-1]

    def _on_stop(self, value):
        return next((s for s in self.stops if math.isclose(s, value, rel_tol=1e-12)), None)

    def _options(self, value):
        values = sorted(set(self.stops) | ({value} if self._on_stop(value) is None else set()))
        return [(format(v, self.fmt), v) for v in values]

    def check(self, value):
        """The value the slider takes for `value`, made a stop if it lies between two."""
        value = check_number(self.description, value, self.min, self.max)
        stop = self._on_stop(value)
        if stop is not None:
            return stop
        if value not in self._options_values:
            with self.hold_trait_notifications():
                self.options = self._options(value)
        return value


# ---------------------------------------------------------------------------------------
# The panel

class Panel:
    """Controls + one figure updated in place + a status line.

    controls: dict name → ipywidgets control; `draw(**values)` receives their values,
        updates the figure's artists and returns a status message (or None) in the course's
        light markup (`code`, x^{t+1}, λ_{max}).
    figure: a `matplotlib.figure.Figure` (see `plots.new_figure(static=False)`).
    animated: the artists and axes that `draw` changes; everything else is drawn once.
        Leave it empty to redraw the whole figure every time. With scenes, a function
        scene → artists.
    scene: for panels whose static part changes with a control (another surface's
        contours), a function of the controls' values giving the scene's key; one
        background is kept per scene, so coming back to a scene costs a slider move.
    stage, scenes: `stage(key)` sets the static part of scene `key` (`draw` does it too);
        with both, the backgrounds of the scenes listed in `scenes` are drawn in advance
        (`prepare`), one at a time whenever the kernel has been idle for `PREPARE_AFTER`
        seconds, so that a first visit to a scene costs what a later one does.
    """

    def __init__(self, controls, figure, draw, *, animated=(), scene=None, stage=None, scenes=(),
                 title=None):
        self.controls, self.figure, self._draw = dict(controls), figure, draw
        self.canvas = FigureCanvasAgg(figure)
        self._animated, self._scene = animated, scene
        self._stage, self._scenes = stage, list(scenes) if stage is not None and scene is not None else []
        self._backgrounds = {}
        self._last_refresh = time.monotonic()
        # shown at its own pixel width (narrower if the page is): never stretched to the cell's width,
        # which blurs it and, on a slide, pushes it under the slideshow's arrows
        width = round(figure.get_size_inches()[0] * figure.dpi)
        self.image = w.Image(format="png", layout=w.Layout(width=f"{width}px", max_width="100%", height="auto"))
        self.status = w.HTML(layout=w.Layout(height=f"{1.4 * STATUS_LINES + 0.2:.1f}em",
                                             overflow="hidden", margin="2px 0"))
        self._holding = False
        self.message, self.error, self.redraws = "", False, 0
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        header = [w.HTML(f"<b>{html_text(title)}</b>")] if title else []
        keys = w.Output(layout=w.Layout(display="none"))
        keys.append_display_data(_html(KEY_GUARD))
        self.widget = w.VBox(header + [w.HBox(list(self.controls.values()),
                                              layout=w.Layout(flex_flow="row wrap")),
                                       self.status, self.image, keys])
        self.refresh()
        self._prepare_when_idle()

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, change):
        if not self._holding:
            self.refresh()

    def refresh(self):
        """Redraw for the current values. An error in `draw` or in rendering becomes the
        status message, and the changing artists are hidden rather than left stale."""
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                message = self._draw(**self.values) or ""
                text, body, self.error = plain_text(message), html_text(message), False
            except Exception as exc:   # a panel shows what went wrong instead of raising
                text = _describe(exc)
                body, self.error = html.escape(text), True
            try:
                png = self.render(animated=not self.error)
            except Exception as exc:
                text = tr("The figure could not be drawn: {error}").format(error=_describe(exc))
                body, self.error = html.escape(text), True
                try:
                    png = self.render(animated=False)
                except Exception:
                    png = _blank_png(self.figure)
        self._show(text, body)
        self.image.value = png
        self.redraws += 1
        self._last_refresh = time.monotonic()

    def _show(self, text, body):
        """Show the status `text` (its HTML form `body`) in a line of fixed height; the whole
        text is the line's tooltip."""
        self.message = text
        if not text:
            self.status.value = ""
            return
        colour = ERROR_COLOUR if self.error else "#333"
        clamp = (f"line-height:1.4em; max-height:{1.4 * STATUS_LINES:.1f}em; overflow:hidden; "
                 f"display:-webkit-box; -webkit-box-orient:vertical; -webkit-line-clamp:{STATUS_LINES}")
        # a raised or lowered part (10<sup>−6</sup>) must not make its line taller than the others,
        # or the last of the STATUS_LINES lines is cut
        body = body.replace("<sup>", '<sup style="line-height:0">').replace("<sub>", '<sub style="line-height:0">')
        self.status.value = (f'<div title="{html.escape(text, quote=True)}" '
                             f'style="color:{colour}; {clamp}">{body}</div>')

    def _changing(self, key):
        """The animated artists of scene `key`."""
        return list(self._animated(key) if callable(self._animated) else self._animated)

    def prepare(self, keys=None):
        """Draw now the kept backgrounds of the scenes `keys` (by default every scene given
        as `scenes` that has none yet); returns the keys drawn. The figure is left staged
        for the controls' current scene."""
        if self._stage is None or self._scene is None:
            return []
        todo = [key for key in (self._scenes if keys is None else keys) if key not in self._backgrounds]
        if not todo:
            return []
        current = self._scene(**self.values)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                for key in todo:
                    self._stage(key)
                    for artist in self._changing(key):
                        artist.set_animated(True)
                    self.canvas.draw()
                    self.figure.set_layout_engine("none")
                    self._backgrounds[key] = self.canvas.copy_from_bbox(self.figure.bbox)
            finally:
                self._stage(current)
        return todo

    def _prepare_when_idle(self):
        """In a running kernel, draw the scenes' backgrounds one by one while it is idle."""
        if not self._scenes:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:      # no event loop (a script, the tests): `prepare` on demand only
            return
        loop.call_later(PREPARE_AFTER, self._prepare_next, loop)

    def _prepare_next(self, loop):
        quiet = time.monotonic() - self._last_refresh
        if quiet < PREPARE_AFTER:                  # someone is moving a control: wait
            loop.call_later(PREPARE_AFTER - quiet, self._prepare_next, loop)
            return
        pending = [key for key in self._scenes if key not in self._backgrounds]
        if not pending:
            return
        try:
            self.prepare(pending[:1])
        except Exception:            # that scene is drawn when it is visited, as without `scenes`
            self._scenes.remove(pending[0])
        loop.call_later(0.02, self._prepare_next, loop)

    def rebuild(self):
        """Forget the kept backgrounds: call it from `draw` after changing what is drawn once
        (new axis labels, another surface without scenes); the next render lays out again."""
        self._backgrounds.clear()
        self.figure.set_layout_engine("constrained")

    def render(self, animated=True):
        """PNG bytes of the figure: the scene's kept background plus the animated artists
        (only the background with `animated=False`)."""
        key = self._scene(**self.values) if self._scene else None
        changing = self._changing(key)
        for artist in changing:
            artist.set_animated(True)
        background = self._backgrounds.get(key) if changing else None
        if background is None:
            self.canvas.draw()                          # lays the figure out once ...
            self.figure.set_layout_engine("none")       # ... and keeps that layout
            if changing:
                self._backgrounds[key] = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(background)
        if animated:
            for artist in changing:
                self.figure.draw_artist(artist)
        elif not changing:
            return _blank_png(self.figure)
        buffer = io.BytesIO()
        rgb = np.asarray(self.canvas.buffer_rgba())[..., :3]   # the figure is opaque
        Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def set(self, **values):
        """Set several controls at once, then redraw once; returns the seconds it took.

        A name that is not a control is a TypeError; a value the control cannot take (out
        of its range, not one of its options) a ValueError or TypeError, as for the factory.
        """
        start = time.perf_counter()
        unknown = [name for name in values if name not in self.controls]
        if unknown:
            raise TypeError(f"no control named {', '.join(map(repr, unknown))}; the panel's "
                            f"controls are {', '.join(self.controls)}")
        self._holding = True
        try:
            checked = {name: check_control_value(self.controls[name], value)
                       for name, value in values.items()}
            for name, value in checked.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        self.refresh()
        return time.perf_counter() - start

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a PNG of the figure for wherever widgets cannot run.

        JupyterLab shows the live panel; a viewer without a widget manager (GitHub, a
        static export, RISE's slideshow with ipywidgets 8) shows the picture instead of
        the widget's text repr, with a line saying how to get the live panel.
        """
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(bytes(self.image.value)).decode("ascii")
        bundle["text/plain"] = tr("Interactive panel: run this cell in JupyterLab to move its controls.")
        return bundle


def _html(text):
    from IPython.display import HTML
    return HTML(text)


def _describe(exc):
    """A one-line message for an error raised while drawing (long texts cut)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > 300:
        text = text[:299] + "…"
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def _blank_png(figure):
    """A white PNG of the figure's size (when not even the background can be drawn)."""
    width, height = (round(v) for v in figure.bbox.size)
    buffer = io.BytesIO()
    Image.new("RGB", (max(width, 1), max(height, 1)), "white").save(buffer, format="png")
    return buffer.getvalue()


class Runs:
    """The last few runs of a panel, by setting, so that a steps slider shows part of a run
    already made instead of running again.

    run(key, steps) makes the `rugged.Path` of `steps` updates for the setting `key` (the
    other controls' values, hashable). `runs(key, steps)` returns the first `steps` updates:
    of a kept run of `key` when it is long enough (or diverged before), else of a new run, of
    `steps` updates for a setting not seen, or of `max_steps` when the steps slider moved past
    a kept run (the slider then moves within that one run). `size` runs are kept.
    """

    def __init__(self, run, max_steps, size=4):
        self.run, self.max_steps, self.size = run, max_steps, size
        self.paths = collections.OrderedDict()

    def __call__(self, key, steps):
        path = self.paths.pop(key, None)
        if path is None or (path.steps < steps and path.diverged_at is None):
            path = self.run(key, steps if path is None else max(steps, self.max_steps))
        self.paths[key] = path
        while len(self.paths) > self.size:
            self.paths.popitem(last=False)
        return path.until(steps)


MAX_SEED = 20      # every panel's seed slider runs 0 … MAX_SEED


def narrow(*controls):
    """Make controls narrower than the usual width, so that on a slide two of them share a row
    with a wide one."""
    for control in controls:
        control.layout.width = "calc(0.75 * var(--jp-widgets-inline-width))"


# Gradient noise on a panel (04's and 05's, on surfaces with no examples): descend(noise=s) with s a share of ‖∇L(θ⁰)‖ at the
# surface's start, so that one slider means the same on every surface.
NOISE_SHARES = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)   # the noise slider's stops, s / ‖∇L(θ⁰)‖


def noise_tips():
    """The tooltips of the noise controls, in the current language: (noise, seed, seed at 0%)."""
    return (tr("Gaussian noise added to every coordinate of every gradient: its standard deviation s as a "
               "share of the gradient's size at the start, ‖∇L(θ⁰)‖ (0%: the exact gradient)."),
            tr("The seed of the noise's draw: the same seed gives the same noise and the same path."),
            tr("Noise 0% is the exact gradient: nothing is drawn, so no seed."))


def noise_controls(noise=0.0, seed=0):
    """A panel's gradient-noise slider "noise" (stops NOISE_SHARES of ‖∇L(θ⁰)‖, read out in %) and its
    seed slider (0 … MAX_SEED), as a dict with the keys noise and seed. A seed other than 0 at
    noise 0 is a ValueError, as `descend` refuses a seed without noise."""
    share = StopSlider(tr("noise"), noise, NOISE_SHARES, fmt=".0%")
    seed = check_number("seed", seed, 0, MAX_SEED, integer=True)
    if share.value == 0 and seed != 0:
        raise ValueError(f"Invalid seed: {seed}; the seed draws the gradient noise, so it needs a "
                         f"noise above 0% (0% is the exact gradient)")
    controls = dict(noise=share, seed=int_slider(tr("seed"), seed, 0, MAX_SEED))
    narrow(*controls.values())
    show_noise(controls, share.value)
    return controls


def show_noise(controls, share):
    """Enable the seed only with noise; each control's tooltip says what it does, or why it is off."""
    noise_tip, seed_tip, exact_tip = noise_tips()
    controls["noise"].tooltip = noise_tip
    controls["seed"].disabled = not share
    controls["seed"].tooltip = seed_tip if share else exact_tip


def noise_setting(surface, share, seed):
    """`descend`'s (noise, seed) for a panel's noise `share`: s = share · ‖∇L(θ⁰)‖ at the surface's
    start; (None, None) at share 0, the exact run."""
    if not share:
        return None, None
    return share * float(np.linalg.norm(surface.grad(np.asarray(surface.start)))), seed


def noise_text(share, s, seed):
    """How a status line names the noise: 'noise s = 8 (5% of ‖∇L(θ⁰)‖), seed 3'."""
    return tr("noise s = {s:.3g} ({percent:.3g}% of ‖∇L(θ⁰)‖), seed {seed}").format(s=s, percent=100 * share,
                                                                                   seed=seed)


def hovering(gap, last):
    """Where a noisy run hovers at its end: (n, the median of L − L* over its last n steps),
    n = min(last, the steps of the run); `gap` holds L − L* at every point θ^0 … θ^T. A panel's
    status gives this with minibatches, steadier than the last step's value."""
    n = min(last, len(gap) - 1)
    return n, float(np.median(gap[-n:]))


def hovering_end(path, surface):
    """`hovering` over the last quarter of a noisy run on `surface` (at least one step): what the
    gradient-noise panels (01, 03, 04, 05) give in their status line."""
    return hovering(path.gap(surface), max(path.steps // 4, 1))


def diverged_message(path, what=None):
    """'… diverged at step N' for a path that diverged, else ''; `what` names the run (default
    "the run")."""
    marks = path.diverged_at if isinstance(path.diverged_at, tuple) else (path.diverged_at,)
    steps = [m for m in marks if m is not None]
    if not steps:
        return ""
    if what is None:
        return tr("the run diverged at step {step}: the path stops there.").format(step=min(steps))
    return tidy(tr("{what} diverged at step {step}: the path stops there.").format(what=what, step=min(steps)))


def drawable(values, log=False):
    """`values` as floats with what a plot cannot show (inf, and ≤ 0 on a log axis) made NaN,
    which matplotlib leaves out as a gap."""
    values = np.array(values, dtype=float)
    bad = ~np.isfinite(values)
    if log:
        bad |= values <= 0
    values[bad] = np.nan
    return values


def path_artists(ax, color=None, *, lw=1.6, label=None):
    """The artists of a path on a panel's contour: its line, a round start marker and a
    square end marker, empty until `set_path(line, path, markers)` points them at a path.
    Returns (line, (start, end))."""
    (line,) = ax.plot([], [], color=color, lw=lw, zorder=3, label=label)
    color = line.get_color()
    start = ax.plot([], [], "o", color=color, markeredgecolor="black", markersize=6, zorder=4)[0]
    end = ax.plot([], [], "s", color=color, markeredgecolor="black", markersize=7, zorder=4)[0]
    return line, (start, end)


def set_path(line, path, markers=()):
    """Point a line (and optional start/end marker artists) at a path's first two coordinates."""
    xy = path.params[..., :2].reshape(-1, 2) if path.params.ndim == 2 else path.params[:, 0, :2]
    xy = drawable(xy)
    line.set_data(xy[:, 0], xy[:, 1])
    if markers:
        start, end = markers
        finite = np.flatnonzero(np.isfinite(xy).all(axis=1))
        first, last = (xy[finite[0]], xy[finite[-1]]) if len(finite) else ([np.nan] * 2, [np.nan] * 2)
        start.set_data([first[0]], [first[1]])
        end.set_data([last[0]], [last[1]])


def set_curve(line, values, t=None):
    """Point a line at values per step (t = 0, 1, … unless given); on a log axis the values
    that cannot be shown (≤ 0, inf) are left out rather than breaking the axis."""
    axes = line.axes
    log = axes is not None and axes.get_yscale() == "log"
    values = drawable(values, log)
    t = np.arange(len(values)) if t is None else drawable(t, axes is not None and axes.get_xscale() == "log")
    line.set_data(t, values)



class SurfaceScenes:
    """The contours of several surfaces on one axes, one shown at a time.

    Each surface's contours, minima and saddles are drawn the first time it is shown (or all
    at once with `prepare`), then only hidden and shown again; `show` also sets the axes'
    limits and labels. With `Panel(scene=…)` each surface keeps its own background.
    """

    def __init__(self, ax, surfaces, n=100):
        self.ax, self.surfaces, self.n = ax, dict(surfaces), n
        self.layers, self.current = {}, None

    def prepare(self, names=None):
        """Draw the contours of `names` (all surfaces by default) now, hidden."""
        for name in self.surfaces if names is None else names:
            self._layer(name)

    def _layer(self, name):
        if name not in self.layers:
            before = set(self.ax.get_children())
            kept = dict(xlim=self.ax.get_xlim(), ylim=self.ax.get_ylim(), xlabel=self.ax.get_xlabel(),
                        ylabel=self.ax.get_ylabel(), title=self.ax.get_title())
            plots.surface_axes(self.surfaces[name], self.ax, n=self.n)
            self.layers[name] = [a for a in self.ax.get_children() if a not in before]
            for artist in self.layers[name]:
                artist.set_visible(name == self.current)
            self.ax.set(**kept)     # `show` sets them for the surface shown
        return self.layers[name]

    def show(self, name):
        """Show surface `name` (drawing its contours the first time); returns the surface."""
        if name not in self.surfaces:
            raise ValueError(f"Invalid surface: {shown(name)}; choose one of {', '.join(self.surfaces)}")
        self._layer(name)
        surface = self.surfaces[name]
        for other, artists in self.layers.items():
            for artist in artists:
                artist.set_visible(other == name)
        (x0, x1), (y0, y1) = surface.window
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        self.ax.set_xlabel(surface.labels[0])
        self.ax.set_ylabel(surface.labels[1])
        self.current = name
        return surface
