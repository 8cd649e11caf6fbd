"""Drive every panel of the course headlessly and print how fast a control move redraws.

    python benchmarks/widget_latency.py [--moves 30] [--clock wall|cpu]

For each panel in `rugged.widgets.PANELS`, each slider in turn is moved through `--moves`
values across its range, and each move is timed from setting the value to the new PNG
being ready (`Panel.set`). The latency target (100 ms at p95) is about these.

Drop-downs are measured apart, because choosing an option for the first time can cost
more than coming back to it (another surface's background has to be drawn once):
- "first visit": each option chosen for the first time on a freshly built panel, as a
  learner who picks one at once would;
- "prepared": the same on a fresh panel after `Panel.prepare()`, i.e. after the kernel
  has been idle for a moment and has drawn the scenes' backgrounds in advance (the time
  `prepare` took is printed too);
- "again": each option chosen once more.

`--clock cpu` times the process's CPU instead of the wall clock, which is steadier on a
busy machine. The last lines give the worst p95 over the panels.
"""

import argparse
import time

import ipywidgets as w
import numpy as np

from rugged import lessons, widgets

lessons.load_all()                    # registers the panels

CHOICES = (w.Dropdown, w.ToggleButtons, w.RadioButtons)


def values_for(control, moves):
    """Values across a slider's range, or a drop-down's options."""
    if isinstance(control, widgets.StopSlider):
        options = list(control._options_values)
        return [options[i] for i in np.linspace(0, len(options) - 1, min(moves, len(options))).round().astype(int)]
    if isinstance(control, w.FloatLogSlider):
        return list(np.logspace(control.min, control.max, moves, base=control.base))
    if isinstance(control, (w.FloatSlider, w.IntSlider)):
        values = np.linspace(control.min, control.max, moves)
        return [int(v) for v in values] if isinstance(control, w.IntSlider) else list(values)
    if isinstance(control, CHOICES):
        return list(control._options_values)
    return []


class Clock:
    """Seconds of a call to `Panel.set`, on the wall clock or of the process's CPU."""

    def __init__(self, kind):
        self.now = time.perf_counter if kind == "wall" else time.process_time

    def set(self, panel, **values):
        start = self.now()
        panel.set(**values)
        return self.now() - start


def slider_moves(panel, moves, clock):
    """Seconds per slider move, every slider in turn; each slider is put back after."""
    times = []
    for name, control in panel.controls.items():
        if isinstance(control, CHOICES):
            continue
        original = control.value
        for value in values_for(control, moves):
            times.append(clock.set(panel, **{name: value}))
        panel.set(**{name: original})
    return np.array(times)


def choice_visits(panel, clock):
    """Seconds per drop-down choice: (first visits, visits again). Controls are put back."""
    first, again = [], []
    for name, control in panel.controls.items():
        if not isinstance(control, CHOICES):
            continue
        original = control.value
        others = [v for v in values_for(control, 0) if v != original]
        for times in (first, again):
            for value in others:
                times.append(clock.set(panel, **{name: value}))
            panel.set(**{name: original})
    return np.array(first), np.array(again)


def summary(times):
    """'p50 … p95 … ms' of times in seconds (blank without times)."""
    if not len(times):
        return f"{'–':>19s}"
    p50, p95 = np.percentile(times * 1e3, [50, 95])
    return f"{len(times):3d} × {p50:5.0f} {p95:5.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="values per slider")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="what to time")
    args = parser.parse_args()
    clock = Clock(args.clock)
    worst = dict(sliders=0.0, first=0.0, prepared=0.0, again=0.0)
    print(f"times in ms ({args.clock} clock), each column: moves × p50 p95")
    print(f"{'panel':24s} {'slider moves':>19s} | {'drop-down: first visit':>22s} {'prepared':>19s} "
          f"{'again':>19s} {'prepare()':>10s}")
    for name, factory in sorted(widgets.PANELS.items()):
        first, again = choice_visits(factory(), clock)
        panel = factory()
        start = time.perf_counter()
        prepared_keys = panel.prepare()
        prepare_ms = (time.perf_counter() - start) * 1e3
        prepared, _ = choice_visits(panel, clock)
        sliders = slider_moves(panel, args.moves, clock)
        for key, times in dict(sliders=sliders, first=first, prepared=prepared, again=again).items():
            if len(times):
                worst[key] = max(worst[key], np.percentile(times * 1e3, 95))
        prep = f"{prepare_ms:8.0f}" if prepared_keys else f"{'–':>8s}"
        print(f"{name:24s} {summary(sliders)} | {summary(first):>22s} {summary(prepared)} "
              f"{summary(again)} {prep:>10s}")
    print(f"worst panel p95: {worst['sliders']:.0f} ms (slider moves)")
    print(f"worst p95 of drop-down choices: first visit {worst['first']:.0f} ms, prepared "
          f"{worst['prepared']:.0f} ms, again {worst['again']:.0f} ms")


if __name__ == "__main__":
    main()
