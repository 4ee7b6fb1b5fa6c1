"""Day-2 runbooks for the databases the program builds: `python -m operations RUNBOOK [options]`."""
