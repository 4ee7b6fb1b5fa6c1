"""Automation API entry point for deployment services: one function per operation.

    from automation import preview, up, refresh, drift, destroy
    result = up("prod", config={"instanceClass": "db.r7g.xlarge"}, on_event=print_json_line)

Every preview and update runs this project's policy pack with the stack's policy config;
`up` previews first and refuses mandatory violations and data loss unless allowed; destroying
a production stack needs its name repeated. See automation/deployer.py.
"""

from automation.errors import (
    AutomationError,
    BadInputError,
    CliNotFoundError,
    CliUnusableError,
    ConfigRejectedError,
    DataLossRefusedError,
    DestroyRefusedError,
    DriftFoundError,
    OperationCancelledError,
    OperationFailedError,
    PolicyViolationError,
    StackBusyError,
    UnknownStackError,
)
from automation.deployer import Deployer, destroy, drift, preview, refresh, up
from automation.drift import DriftedProperty
from automation.results import DriftResult, OperationResult, Output, PlannedChange, PolicyFinding

__all__ = [
    "AutomationError", "BadInputError", "CliNotFoundError", "CliUnusableError", "ConfigRejectedError",
    "DataLossRefusedError", "DestroyRefusedError", "DriftFoundError", "OperationCancelledError", "OperationFailedError", "PolicyViolationError", "StackBusyError", "UnknownStackError",
    "Deployer", "destroy", "drift", "preview", "refresh", "up",
    "DriftedProperty", "DriftResult", "OperationResult", "Output", "PlannedChange", "PolicyFinding",
]
