"""Governance probes and gates: forgetting, safety drift and memorisation, measured base vs tuned by
`savile evaluate` (evaluate/governance.py), and the gates that fail a run on them."""
