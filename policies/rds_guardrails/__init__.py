"""The RDS guard rails: pure controls grouped by concern (controls.py lists them), the policy
pack's front end (pack.py) and the shared evaluation for live resources (evaluate.py).

Importing the package has no side effects; the pack's entry point (policies/__main__.py)
installs the SDK speed-up itself.
"""
