"""Interactive panels: controls, a figure built once and redrawn in place, and a status line.

A `Panel` owns a matplotlib `Figure` that is not shown by the notebook's backend. It is
built once; when a control moves, the panel's `draw(**values)` updates the artists'
data (lines, markers, titles) and the figure is rendered to PNG into an
`ipywidgets.Image`. Artists (or whole axes) named `animated` are the only ones redrawn:
the rest (contours, labels) is drawn once and kept as a bitmap, which is what makes a
slider answer in a few tens of milliseconds. That works the same in JupyterLab, on Binder and in RISE slides, with
no front-end extension. Any error raised by `draw` (a bad hyperparameter, a diverging run
reported by `draw` itself) becomes a message in the status line, never a traceback.

Every panel of the course is registered in `PANELS` (name → factory) so that
benchmarks/widget_latency.py and the browser tests can drive each one.
"""

import base64
import io
import time

import ipywidgets as w
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

PANELS = {}


def register(name):
    """Decorator: add a panel factory to `PANELS` under `name` (e.g. "01 ravine")."""
    def decorate(factory):
        PANELS[name] = factory
        return factory
    return decorate


def log_slider(description, value, low, high, step=0.1, readout_format=".1e"):
    """A slider over 10^low … 10^high (for η, ε and other scales)."""
    return w.FloatLogSlider(value=value, base=10, min=low, max=high, step=step,
                            description=description, readout_format=readout_format,
                            continuous_update=False, style={"description_width": "initial"})


def slider(description, value, low, high, step, readout_format=".2f"):
    """A linear slider."""
    return w.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                         readout_format=readout_format, continuous_update=False,
                         style={"description_width": "initial"})


def int_slider(description, value, low, high, step=1):
    """An integer slider."""
    return w.IntSlider(value=value, min=low, max=high, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"})


def choice(description, options, value=None):
    """A drop-down; `options` a list of labels or of (label, value) pairs."""
    return w.Dropdown(options=options, value=value, description=description,
                      style={"description_width": "initial"})


class Panel:
    """Controls + one figure updated in place + a status line.

    controls: dict name → ipywidgets control; `draw(**values)` receives their values,
        updates the figure's artists and returns a status message (or None).
    figure: a `matplotlib.figure.Figure` (see `plots.new_figure(static=False)`).
    animated: the artists and axes that `draw` changes; everything else is drawn once.
        Leave it empty to redraw the whole figure every time. With scenes, a function
        scene → artists.
    scene: for panels whose static part changes with a control (another surface's
        contours), a function of the controls' values giving the scene's key; one
        background is kept per scene, so coming back to a scene costs a slider move.
    """

    def __init__(self, controls, figure, draw, *, animated=(), scene=None, title=None):
        self.controls, self.figure, self._draw = dict(controls), figure, draw
        self.canvas = FigureCanvasAgg(figure)
        self._animated, self._scene = animated, scene
        self._backgrounds = {}
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.status = w.HTML(layout=w.Layout(min_height="1.6em"))
        self._holding = False
        self.message, self.error = "", False
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        header = [w.HTML(f"<b>{title}</b>")] if title else []
        self.widget = w.VBox(header + [w.HBox(list(self.controls.values()),
                                              layout=w.Layout(flex_flow="row wrap")),
                                       self.status, self.image])
        self.refresh()

    @property
    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _changed(self, change):
        if not self._holding:
            self.refresh()

    def refresh(self):
        """Redraw for the current values; errors become the status message."""
        try:
            message, self.error = self._draw(**self.values) or "", False
        except Exception as exc:   # a panel shows what went wrong instead of raising
            message, self.error = f"{_describe(exc)}", True
        self.message = message
        colour = "#D55E00" if self.error else "#333"
        self.status.value = f'<span style="color:{colour}">{message}</span>' if message else ""
        self.image.value = self.render()

    def rebuild(self):
        """Forget the kept backgrounds: call it from `draw` after changing what is drawn once
        (new axis labels, another surface without scenes); the next render lays out again."""
        self._backgrounds.clear()
        self.figure.set_layout_engine("constrained")

    def render(self):
        """PNG bytes of the figure: the scene's kept background plus the animated artists."""
        key = self._scene(**self.values) if self._scene else None
        animated = list(self._animated(key) if callable(self._animated) else self._animated)
        for artist in animated:
            artist.set_animated(True)
        background = self._backgrounds.get(key) if animated else None
        if background is None:
            self.canvas.draw()                          # lays the figure out once ...
            self.figure.set_layout_engine("none")       # ... and keeps that layout
            self._backgrounds[key] = self.canvas.copy_from_bbox(self.figure.bbox)
        else:
            self.canvas.restore_region(background)
        for artist in animated:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        rgb = np.asarray(self.canvas.buffer_rgba())[..., :3]   # the figure is opaque
        Image.fromarray(rgb).save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def set(self, **values):
        """Set several controls at once, then redraw once; returns the seconds it took."""
        start = time.perf_counter()
        self._holding = True
        try:
            for name, value in values.items():
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
        bundle["text/plain"] = "Interactive panel: run this cell in JupyterLab to move its controls."
        return bundle


def _describe(exc):
    """A one-line message for an error raised while drawing."""
    text = str(exc) or type(exc).__name__
    return text if isinstance(exc, ValueError) else f"{type(exc).__name__}: {text}"


def diverged_message(path, what="the run"):
    """'… diverged at step N' for a path that diverged, else ''."""
    marks = path.diverged_at if isinstance(path.diverged_at, tuple) else (path.diverged_at,)
    steps = [m for m in marks if m is not None]
    if not steps:
        return ""
    return f"{what} diverged at step {min(steps)}: the path stops there."


def set_path(line, path, markers=()):
    """Point a line (and optional start/end marker artists) at a path's first two coordinates."""
    xy = path.params[..., :2].reshape(-1, 2) if path.params.ndim == 2 else path.params[:, 0, :2]
    line.set_data(xy[:, 0], xy[:, 1])
    if markers and len(xy):
        start, end = markers
        start.set_data([xy[0, 0]], [xy[0, 1]])
        end.set_data([xy[-1, 0]], [xy[-1, 1]])


def set_curve(line, values):
    """Point a line at values per step, t = 0, 1, …"""
    values = np.asarray(values)
    line.set_data(np.arange(len(values)), values)
