"""The factor weights in force: the newest adopted version, else the defaults."""

from engine.thresholds import DEFAULT_WEIGHTS
from matching.models import ScoringWeights


def current_weights() -> dict[str, float]:
    try:
        adopted = ScoringWeights.objects.filter(adopted=True).order_by("-id").first()
    except Exception:  # noqa: BLE001 - a database not migrated yet still evaluates
        return dict(DEFAULT_WEIGHTS)
    return dict(adopted.weights) if adopted else dict(DEFAULT_WEIGHTS)


def weights_version() -> str:
    adopted = ScoringWeights.objects.filter(adopted=True).order_by("-id").first()
    return f"w{adopted.pk}" if adopted else "w0"
