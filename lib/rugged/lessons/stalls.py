"""01 critical points vs stalled training: experiments, figures, the ravine panel, exercises."""

import numpy as np

from .. import optim, plots, surfaces, widgets
from ..exercises import Feedback, as_number, close, right, wrong
from ..runner import descend


def ravine_panel(eta=1e-2, steps=300):
    """Panel: η on a log slider → GD's path on the ravine, its loss and gradient norm per step."""
    surface = surfaces.ravine()
    fig, axes = plots.new_figure(1, 2, figsize=(10, 4), static=False)
    plots.surface_axes(surface, axes[0])
    (path_line,) = axes[0].plot([], [], color="#0072B2", lw=1.5)
    start_marker = axes[0].plot([], [], "o", color="#0072B2")[0]
    end_marker = axes[0].plot([], [], "s", color="#0072B2", markeredgecolor="black")[0]
    (loss_line,) = axes[1].plot([], [], color="#0072B2", label="loss L(θ^t)")
    (grad_line,) = axes[1].plot([], [], color="#D55E00", label="gradient norm ‖g^t‖")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("step t")
    axes[1].legend(loc="lower left", fontsize="small")

    def draw(eta, steps):
        path = descend(surface, optim.GD(lr=eta), surface.start, steps)
        widgets.set_path(path_line, path, (start_marker, end_marker))
        widgets.set_curve(loss_line, path.loss)
        widgets.set_curve(grad_line, path.grad_norm)
        axes[1].set_xlim(0, steps)
        finite = np.concatenate([path.loss, path.grad_norm])
        finite = finite[np.isfinite(finite) & (finite > 0)]
        if len(finite):
            axes[1].set_ylim(finite.min() / 2, finite.max() * 2)
        axes[0].set_title(f"GD, η = {eta:.1e}")
        end = path.params[-1] if len(path.params) else surface.start
        return widgets.diverged_message(path, f"GD with η = {eta:.1e}") or (
            f"after {path.steps} steps: loss {path.loss[-1]:.3g}, ‖g‖ {path.grad_norm[-1]:.3g}, "
            f"θ = ({end[0]:.3g}, {end[1]:.3g})")

    controls = dict(eta=widgets.log_slider("η", eta, -8, -1), steps=widgets.int_slider("steps", steps, 10, 2000, 10))
    animated = [path_line, start_marker, end_marker, axes[0].title, axes[1]]
    return widgets.Panel(controls, fig, draw, animated=animated, title="Gradient descent on the ravine")


widgets.register("01 ravine")(ravine_panel)
# ---------------------------------------------------------------------------------------
# Exercises

def largest_stable_lr(answer, surface):
    """The largest η for which GD converges on a quadratic surface: 2/λ_max."""
    value = as_number(answer, "`eta_max`")
    if isinstance(value, Feedback):
        return value
    lam_max = float(surface.eigenvalues.max())
    target = 2 / lam_max
    if close(value, target, 0.02):
        return right(f"Yes: η_max = 2/λ_max = 2/{lam_max:g} = {target:.4g}. Above it the steep "
                     f"direction's factor 1 − ηλ_max drops below −1 and GD diverges.")
    factor = 1 - value * lam_max
    if value > target:
        return wrong(f"Too large: with η = {value:.4g} the steep direction is multiplied by "
                     f"1 − ηλ_max = {factor:.3f} each step, |{factor:.3f}| > 1, so GD diverges. "
                     f"The largest stable η is 2/λ_max.")
    return wrong(f"Stable, but not the largest: 1 − ηλ_max = {factor:.3f} is still above −1. "
                 f"Look for the η where it reaches −1 (λ_max = {lam_max:g}).")


def steps_to_halve(answer, surface, eta):
    """Steps GD with η needs to halve the distance along the flattest direction: ln 2 / −ln(1 − ηλ_min)."""
    value = as_number(answer, "`steps`")
    if isinstance(value, Feedback):
        return value
    lam_min = float(surface.eigenvalues.min())
    target = np.log(2) / -np.log1p(-eta * lam_min)
    if close(value, target, 0.05):
        return right(f"Yes: each step keeps a factor 1 − ηλ_min = {1 - eta * lam_min:.6g} of the "
                     f"distance, so halving takes ln 2 / −ln(1 − ηλ_min) ≈ {target:,.0f} steps.")
    hint = "too few" if value < target else "too many"
    return wrong(f"{value:,.0f} is {hint}. Along the flat direction the distance shrinks by the "
                 f"factor 1 − ηλ_min = 1 − {eta:g}·{lam_min:g} per step; solve (1 − ηλ_min)^n = 1/2.")
