"""SARIF reports against the sarif-om object model (SARIF 2.1.0): shared by the report tests."""

import attr
import sarif_om as om

NESTED = {
    (om.SarifLog, "runs"): om.Run, (om.Run, "tool"): om.Tool, (om.Run, "results"): om.Result,
    (om.Run, "automationDetails"): om.RunAutomationDetails, (om.Tool, "driver"): om.ToolComponent,
    (om.ToolComponent, "rules"): om.ReportingDescriptor,
    (om.ReportingDescriptor, "shortDescription"): om.MultiformatMessageString,
    (om.ReportingDescriptor, "defaultConfiguration"): om.ReportingConfiguration,
    (om.Result, "message"): om.Message, (om.Result, "locations"): om.Location,
    (om.Location, "physicalLocation"): om.PhysicalLocation, (om.Location, "logicalLocations"): om.LogicalLocation,
    (om.PhysicalLocation, "artifactLocation"): om.ArtifactLocation, (om.PhysicalLocation, "region"): om.Region,
    (om.Result, "suppressions"): om.Suppression,
}


def conforms(value, cls, path="$"):
    """Every property is one the SARIF 2.1.0 object model defines, and required ones are present."""
    fields = {f.metadata["schema_property_name"]: f for f in attr.fields(cls)}
    assert isinstance(value, dict), path
    unknown = set(value) - set(fields)
    assert not unknown, f"{path}: {cls.__name__} has no properties {unknown}"
    required = {name for name, f in fields.items() if f.default is attr.NOTHING}
    assert required <= set(value), f"{path}: {cls.__name__} misses {required - set(value)}"
    for name, item in value.items():
        nested = NESTED.get((cls, name))
        if nested is None:
            continue
        for i, element in enumerate(item if isinstance(item, list) else [item]):
            conforms(element, nested, f"{path}.{name}[{i}]")
