"""Crisis and urgent-medical detection: runs on every incoming text before anything else."""

from bot.safety.detector import SafetyDetector, SafetyResult

__all__ = ["SafetyDetector", "SafetyResult"]
