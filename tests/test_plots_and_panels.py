"""The drawing and panel layer: plots draw what they are given, panels redraw and report."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from rugged import descend, optim, plots, style, surfaces, widgets

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_thin_keeps_ends_and_order():
    idx = plots.thin(100_000)
    assert idx[0] == 0 and idx[-1] == 99_999 and np.all(np.diff(idx) > 0) and len(idx) < 5000
    np.testing.assert_array_equal(plots.thin(10), np.arange(10))


def test_contour_draws_paths_and_marks_the_minimum():
    surface = surfaces.rosenbrock()
    paths = {"GD": descend(surface, optim.GD(lr=1e-3), surface.start, 50),
             "Adam(lr=0.1)": descend(surface, optim.Adam(lr=0.1), surface.start, 50)}
    ax = plots.contour(surface, paths)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "GD" in labels and "Adam(lr=0.1)" in labels
    stars = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert np.allclose(stars[0].get_xydata()[0], surface.minima[0])
    gd_line = next(line for line in ax.get_lines() if line.get_label() == "GD")
    assert gd_line.get_color() == style.FAMILY_COLORS["GD"]
    assert np.allclose(gd_line.get_xydata(), paths["GD"].params)


def test_a_batch_path_draws_one_line_per_start_without_nan_rows():
    surface = surfaces.ravine()
    path = descend(surface, optim.GD(lr=1e-3), [[-9.0, 0.8], [5.0, -0.5]], 20)
    ax = plots.surface_axes(surface)
    plots.draw_path(ax, path, "GD")
    drawn = [line for line in ax.get_lines() if line.get_linestyle() == "-" and len(line.get_xdata()) == 21]
    assert len(drawn) == 2


def test_sigma_and_step_uses_log_axes_without_minor_ticks():
    surface = surfaces.pokemon()
    path = descend(surface, optim.Adagrad(lr=1.0), surface.start, 10_000)
    axes = plots.sigma_and_step(path, names=["b", "w"], title="Adagrad")
    assert all(ax.get_yscale() == "log" and ax.get_xscale() == "log" for ax in axes)
    assert len(axes[0].get_lines()[0].get_xdata()) < 5000          # thinned
    assert axes[0].yaxis.get_minor_locator().tick_values(1, 100) == []
    axes[0].figure.canvas.draw()
    labels = [label.get_text() for ax in axes for label in ax.get_xticklabels() + ax.get_yticklabels()]
    assert "10⁰" in labels and not [text for text in labels if "$" in text]    # plain text, no mathtext to lay out


def test_lecture_style_is_larger():
    style.use()
    normal = matplotlib.rcParams["font.size"]
    style.use(lecture=True)
    assert matplotlib.rcParams["font.size"] > normal and matplotlib.rcParams["lines.linewidth"] > 2.5
    style.use()
    assert not hasattr(style, "lecture")          # one way to the projector look: use(lecture=True)

def test_in_a_notebook_a_figure_is_drawn_once():
    """With the inline backend, `style.use()` removes pyplot's post-cell redraw and the tight-box
    measuring draw: a cell's figure costs what one `savefig` costs (the figure fills its canvas)."""
    import subprocess
    import sys
    script = "\n".join([
        "import io",
        "from IPython.testing.globalipapp import start_ipython",
        "shell = start_ipython()",
        "shell.run_line_magic('matplotlib', 'inline')",
        "import matplotlib.pyplot as plt",
        "from rugged import style, plots",
        "hooks = lambda: plt._draw_all_if_interactive in shell.events.callbacks['post_execute']",
        "before = hooks()",
        "style.use()",
        "fig, ax = plots.new_figure()",
        "draws = []",
        "fig.canvas.mpl_connect('draw_event', lambda event: draws.append(1))",
        "shell.events.trigger('post_execute')",                          # the end of a cell
        "shell.display_formatter.formatters['image/png'].lookup(fig)(fig)",   # the PNG it shows
        "cell = len(draws)",
        "fig.savefig(io.BytesIO(), format='png')",
        "print(before, hooks(), cell, len(draws) - cell)",
    ])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    before, after, cell, savefig = out.split()[-4:]
    assert (before, after) == ("True", "False")          # pyplot's hook was there, and is gone
    assert int(cell) == int(savefig) > 0, out


def _panel(draw, **extra):
    fig, ax = plots.new_figure(static=False)
    (line,) = ax.plot([0, 1], [0, 1])
    controls = dict(eta=widgets.log_slider("η", 0.1, -3, 0))
    return widgets.Panel(controls, fig, lambda eta: draw(line, eta), animated=[line], **extra), line


def test_a_panel_redraws_on_a_control_and_shows_the_message():
    panel, line = _panel(lambda line, eta: (line.set_ydata([0, eta]), f"η = {eta:g}")[1])
    first = bytes(panel.image.value)
    assert first.startswith(b"\x89PNG") and panel.message == "η = 0.1"
    panel.controls["eta"].value = 0.5                 # as a slider move does
    assert panel.message == "η = 0.5" and bytes(panel.image.value) != first
    assert panel.set(eta=0.01) >= 0 and line.get_ydata()[1] == 0.01


def test_a_panel_shows_errors_instead_of_raising():
    def draw(line, eta):
        if eta > 0.5:
            raise ValueError(f"Invalid learning rate: {eta}")
        return ""
    panel, _ = _panel(draw)
    panel.set(eta=0.9)
    assert panel.error and "Invalid learning rate: 0.9" in panel.status.value
    panel.set(eta=0.2)
    assert not panel.error and panel.status.value == ""


def test_a_diverged_path_gives_a_message():
    path = descend(surfaces.ravine(), optim.GD(lr=0.1), surfaces.ravine().start, 100)
    assert widgets.diverged_message(path, "GD") == f"GD diverged at step {path.diverged_at}: the path stops there."
    assert widgets.diverged_message(descend(surfaces.ravine(), optim.GD(lr=1e-3), (1.0, 0.5), 5)) == ""


def test_a_notebook_imports_only_its_own_lesson_and_load_all_imports_every_one():
    import subprocess
    import sys
    code = ("import sys\nfrom rugged.lessons import rmsprop as lesson\n"
            "print(sorted(m for m in sys.modules if m.startswith('rugged.lessons.')))\n"
            "from rugged import lessons, widgets\nassert lessons.adam.__name__ == 'rugged.lessons.adam'\n"
            "assert [m.__name__.rsplit('.')[-1] for m in lessons.load_all()] == list(lessons.MODULES)\n"
            "print(sorted(widgets.PANELS))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "['rugged.lessons.rmsprop']"
    assert len(eval(out[1])) >= 9
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        from rugged import lessons
        lessons.nothing


def test_every_registered_panel_builds_and_draws():
    from rugged import lessons
    lessons.load_all()                 # registers the panels
    assert len(widgets.PANELS) >= 7
    for name, factory in widgets.PANELS.items():
        panel = factory()
        assert bytes(panel.image.value).startswith(b"\x89PNG"), name
        assert not panel.error, f"{name}: {panel.message}"


def test_a_panel_carries_a_picture_for_viewers_without_widgets():
    panel, _ = _panel(lambda line, eta: "")
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    import base64
    assert base64.b64decode(bundle["image/png"]) == bytes(panel.image.value)
    assert "run this cell" in bundle["text/plain"]


# ---------------------------------------------------------------------------------------
# Diverged paths and values a log axis cannot show

def _diverged_at_once():
    surface = surfaces.ravine()
    path = descend(surface, optim.GD(lr=1e300), surface.start, 3)
    assert path.steps == 0 and path.diverged_at is not None
    return surface, path


@pytest.mark.parametrize("helper", ["sigma_and_step", "curves", "loss_and_grad", "schedule_curves"])
def test_plot_helpers_draw_a_path_that_diverged_at_its_first_step(helper):
    surface, path = _diverged_at_once()
    make = {"sigma_and_step": lambda: plots.sigma_and_step(path),
            "curves": lambda: plots.curves({"GD": path}, what="lr"),
            "loss_and_grad": lambda: plots.loss_and_grad({"GD": path}, log_steps=True),
            "schedule_curves": lambda: plots.schedule_curves({"zero": np.zeros(5)}, log=True)}[helper]
    axes = np.ravel(make())
    axes[0].figure.canvas.draw()                   # "Data cannot be log-scaled" would raise here
    for ax in axes:
        for get_scale, get_lim in ((ax.get_yscale, ax.get_ylim), (ax.get_xscale, ax.get_xlim)):
            if get_scale() == "log":
                assert min(get_lim()) > 0


def test_set_curve_leaves_out_what_a_log_axis_cannot_show():
    fig, ax = plots.new_figure(static=False)
    ax.set_yscale("log")
    (line,) = ax.plot([], [])
    widgets.set_curve(line, [1.0, 0.0, -2.0, np.inf, np.nan, 3.0])
    y = line.get_ydata()
    np.testing.assert_array_equal(np.isnan(y), [False, True, True, True, True, False])
    fig.canvas.draw()
    ax.set_yscale("linear")
    widgets.set_curve(line, [1.0, 0.0, -2.0])
    assert np.isfinite(line.get_ydata()).all()


def test_set_path_marks_the_ends_of_what_is_finite():
    fig, ax = plots.new_figure(static=False)
    line, start, end = (ax.plot([], [])[0] for _ in range(3))
    _, path = _diverged_at_once()
    widgets.set_path(line, path, (start, end))
    assert np.allclose(start.get_xydata(), path.params[:1]) and np.allclose(end.get_xydata(), path.params[-1:])


def test_log_tick_labels_are_plain_text():
    assert plots.power_text(1e-4) == "10⁻⁴" and plots.power_text(1.0) == "10⁰"
    assert plots.power_text(2e3) == "2×10³" and plots.power_text(0.0) == ""
    assert "$" not in plots.power_text(1e-12)


def test_surface_axes_contours_the_surfaces_own_grid(monkeypatch):
    """The contours come from `Surface.grid` over the window drawn (no second meshgrid)."""
    surface = surfaces.ravine()
    asked, grid = [], surface.grid
    monkeypatch.setattr(surface, "grid", lambda n=101, window=None: asked.append((n, window)) or grid(n, window))
    window = ((-5.0, 5.0), (-0.5, 0.5))
    ax = plots.surface_axes(surface, window=window, n=30)
    assert (30, window) in asked
    assert ax.get_xlim() == window[0] and ax.get_ylim() == window[1]


def test_draw_path_keeps_a_long_paths_ends_and_thins_the_rest():
    surface = surfaces.pokemon()
    path = descend(surface, optim.Adagrad(lr=1.0), surface.start, 20_000)
    ax = plots.surface_axes(surface, n=20)
    line = plots.draw_path(ax, path, "Adagrad", keep=1000)
    xy = line.get_xydata()
    assert len(xy) <= 1001 and np.allclose(xy[[0, -1]], path.params[[0, -1]])
    assert len(plots.draw_path(ax, path, "all").get_xydata()) == len(path.params)


def test_new_figure_lays_out_named_axes():
    fig, axes = plots.new_figure(static=False, mosaic=[["a", "b"], ["a", "c"]], width_ratios=(2, 1))
    assert set(axes) == {"a", "b", "c"} and all(ax.figure is fig for ax in axes.values())
    fig.canvas.draw()
    assert axes["a"].get_position().height > 1.5 * axes["b"].get_position().height    # "a" spans both rows
    assert axes["a"].get_position().width > 1.5 * axes["b"].get_position().width


@pytest.mark.parametrize("value, error, words", [
    (10**400, ValueError, "Invalid steps: 1e+400; the control covers 1 … 10"),   # once an OverflowError
    (2.5, ValueError, "2.5 is not a whole number"),
    (float("inf"), ValueError, "inf is not a whole number"),
    ("7", TypeError, "steps must be a whole number, got str '7'"),
    (np.array([1.0, 2.0]), TypeError, "got ndarray of shape (2,) array([1.0, 2.0])"),
])
def test_check_number_names_the_problem(value, error, words):
    with pytest.raises(error) as caught:
        widgets.check_number("steps", value, 1, 10, integer=True)
    assert words in str(caught.value)


def test_runs_show_part_of_a_kept_run_when_only_the_steps_move():
    """A panel's steps slider slides within one run: a new setting runs its steps, the slider
    moving past them runs `max_steps` once, and a part of a run equals a run of that length."""
    surface = surfaces.pokemon()
    made = []

    def run(eta, steps):
        made.append((eta, steps))
        return descend(surface, optim.Adagrad(lr=eta), surface.start, steps)

    runs = widgets.Runs(run, max_steps=5000, size=2)
    assert runs(1.0, 300).steps == 300 and made == [(1.0, 300)]
    part = runs(1.0, 800)                                    # past the kept run: all of max_steps
    assert made[-1] == (1.0, 5000) and part.steps == 800 and part.diverged_at is None
    whole = descend(surface, optim.Adagrad(lr=1.0), surface.start, 800)
    for name in ("params", "loss", "grad", "lr", "sigma", "m", "step_size"):
        np.testing.assert_array_equal(getattr(part, name), getattr(whole, name))
    assert runs(1.0, 4000).steps == 4000 and len(made) == 2  # no new run
    runs(2.0, 300), runs(3.0, 300)                           # keeps two: 1.0 is dropped
    runs(1.0, 300)
    assert made[-1] == (1.0, 300)
    diverged = widgets.Runs(lambda eta, steps: descend(surface, optim.GD(lr=eta), surface.start, steps), 5000)
    first = diverged(1e-3, 300)
    assert first.diverged_at is not None and diverged(1e-3, 3000) is first    # no longer run to make
