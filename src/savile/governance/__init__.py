"""Governance probes, base vs tuned: forgetting, safety drift, overfitting and memorisation, and the gates."""
