"""Drive every panel of the course headlessly and print how fast a slider move redraws.

    python benchmarks/widget_latency.py [--moves 30]

For each panel in `rugged.widgets.PANELS`, each control in turn is moved through
`--moves` values across its range (sliders) or through its options (drop-downs); each
move is timed from setting the value to the new PNG being ready (`Panel.set`). Prints
per panel p50/p95 of the slider moves (the latency target is about these) and, apart,
of the drop-down choices (the first visit to another surface draws its contours), and
ends with `worst panel p95: N ms` over slider moves.
"""

import argparse

import numpy as np
import ipywidgets as w

from rugged import lessons, widgets  # noqa: F401  (importing lessons registers the panels)


def values_for(control, moves):
    """Values across a control's range, away from its current value where possible."""
    if isinstance(control, w.FloatLogSlider):
        return list(np.logspace(control.min, control.max, moves, base=control.base))
    if isinstance(control, (w.FloatSlider, w.IntSlider)):
        values = np.linspace(control.min, control.max, moves)
        return [int(v) for v in values] if isinstance(control, w.IntSlider) else list(values)
    if isinstance(control, (w.Dropdown, w.ToggleButtons, w.RadioButtons)):
        options = control.options.items() if isinstance(control.options, dict) else control.options
        return [o[1] if isinstance(o, tuple) else o for o in options]
    return []


def measure(panel, moves):
    """Seconds per redraw of slider moves and of drop-down choices; controls are restored after."""
    sliders, choices = [], []
    for name, control in panel.controls.items():
        original = control.value
        times = choices if isinstance(control, (w.Dropdown, w.ToggleButtons, w.RadioButtons)) else sliders
        for value in values_for(control, moves):
            times.append(panel.set(**{name: value}))
        panel.set(**{name: original})
    return np.array(sliders), np.array(choices)


def summary(times):
    """'p50 … ms   p95 … ms' of times in seconds."""
    if not len(times):
        return f"{'':27s}"
    p50, p95 = np.percentile(times * 1e3, [50, 95])
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="values per control")
    args = parser.parse_args()
    worst = 0.0
    print(f"{'panel':24s} {'slider moves':>40s}   {'drop-down choices':>36s}")
    for name, factory in sorted(widgets.PANELS.items()):
        sliders, choices = measure(factory(), args.moves)
        worst = max(worst, np.percentile(sliders * 1e3, 95))
        print(f"{name:24s} {len(sliders):4d} × {summary(sliders)}   {len(choices):3d} × {summary(choices)}")
    print(f"worst panel p95: {worst:.0f} ms")


if __name__ == "__main__":
    main()
