"""Stack controls on the network: no DB subnet group holds a subnet routed to an internet gateway (RDS.46).

The rules themselves (names, fixes, levels, order) are in stack_controls.py.
"""

from __future__ import annotations

from typing import Any, Sequence

from rds_guardrails.rule import Problem, Resource
from rds_guardrails.stack_encryption import databases
from rds_guardrails.values import UNKNOWN, get, items

# --- RDS.46: no subnet routed to an internet gateway ----------------------------------------------------------------

SUBNET_GROUP = "aws:rds/subnetGroup:SubnetGroup"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ASSOCIATION = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
INTERNET_GATEWAY = "aws:ec2/internetGateway:InternetGateway"
SUBNET = "aws:ec2/subnet:Subnet"
_ANYWHERE = ("0.0.0.0/0", "::/0")


def _route_tables_to_igw(resources: Sequence[Resource]) -> tuple[set[Any], bool]:
    """The ids of route tables with a 0.0.0.0/0 or ::/0 route to an internet gateway, and
    whether every route could be read."""
    gateways = {get(r.props, "id") for r in resources if r.type == INTERNET_GATEWAY} - {None}
    known, tables = True, set()

    def to_igw(gateway: Any) -> bool:
        return isinstance(gateway, str) and (gateway.startswith("igw-") or gateway in gateways)

    for r in resources:
        if r.type in (ROUTE_TABLE, DEFAULT_ROUTE_TABLE):
            routes = items(get(r.props, "routes")) if get(r.props, "routes") is not UNKNOWN else [UNKNOWN]
            for route in routes:
                if route is UNKNOWN:
                    known = False
                    continue
                dest = get(route, "cidrBlock") or get(route, "ipv6CidrBlock")
                if dest in _ANYWHERE and to_igw(get(route, "gatewayId")):
                    tables.add(get(r.props, "id") if r.type == ROUTE_TABLE else get(r.props, "defaultRouteTableId"))
        elif r.type == ROUTE:
            dest = get(r.props, "destinationCidrBlock") or get(r.props, "destinationIpv6CidrBlock")
            gateway, table = get(r.props, "gatewayId"), get(r.props, "routeTableId")
            if UNKNOWN in (dest, gateway, table):
                known = False
            elif dest in _ANYWHERE and to_igw(gateway):
                tables.add(table)
    return tables - {None, UNKNOWN}, known


def _subnet_route_table(subnet_id: Any, resources: Sequence[Resource]) -> Any:
    """The route table a subnet uses: its explicit association, else its VPC's main table; None
    when neither is in the stack, UNKNOWN when not known yet."""
    for r in resources:
        if r.type == ASSOCIATION:
            subnet = get(r.props, "subnetId")
            if subnet is UNKNOWN:
                return UNKNOWN
            if subnet == subnet_id:
                return get(r.props, "routeTableId")
    vpc = next((get(r.props, "vpcId") for r in resources if r.type == SUBNET and get(r.props, "id") == subnet_id), None)
    for r in resources:
        if vpc is not None and r.type == MAIN_ASSOCIATION and get(r.props, "vpcId") == vpc:
            return get(r.props, "routeTableId")
        if vpc is not None and r.type == DEFAULT_ROUTE_TABLE and get(r.props, "vpcId") == vpc:
            return get(r.props, "defaultRouteTableId")
    return None


def public_subnets(resources: Sequence[Resource], _config: dict[str, Any]) -> list[Problem]:
    tables, _known = _route_tables_to_igw(resources)
    if not tables:
        return []
    groups = {get(r.props, "name"): r for r in resources if r.type == SUBNET_GROUP}
    found = []
    for db in databases(resources):
        group = groups.get(get(db.props, "dbSubnetGroupName"))
        if group is None:
            continue  # no group in the stack (a replica in its source's group, or one managed elsewhere)
        public = [s for s in items(get(group.props, "subnetIds")) if _subnet_route_table(s, resources) in tables]
        if public:
            found.append(Problem(db, f"its DB subnet group '{get(group.props, 'name')}' holds subnets routed to an "
                                     f"internet gateway for 0.0.0.0/0 or ::/0: {', '.join(map(str, public))}"))
    return found
