"""Drive every panel of the course headlessly and print how fast a slider move redraws.

    python benchmarks/widget_latency.py [--moves 30]

For each panel in `rugged.widgets.PANELS`, each control in turn is moved through
`--moves` values across its range (sliders) or through its options (drop-downs); each
move is timed from setting the value to the new PNG being ready (`Panel.set`). Prints
per panel p50/p95 and ends with `worst panel p95: N ms`.
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
    """Seconds per redraw for every move of every control; controls are restored after."""
    times = []
    for name, control in panel.controls.items():
        original = control.value
        for value in values_for(control, moves):
            times.append(panel.set(**{name: value}))
        panel.set(**{name: original})
    return np.array(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=30, help="values per control")
    args = parser.parse_args()
    worst = 0.0
    for name, factory in sorted(widgets.PANELS.items()):
        panel = factory()
        times = measure(panel, args.moves) * 1e3
        p50, p95 = np.percentile(times, [50, 95])
        worst = max(worst, p95)
        print(f"{name:28s} {len(times):4d} moves   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"worst panel p95: {worst:.0f} ms")


if __name__ == "__main__":
    main()
